#include "serving/service_manager.h"

#include <signal.h>

#include <charconv>
#include <filesystem>
#include <fstream>

#include "core/fs.h"
#include "core/ids.h"
#include "core/log.h"
#include "serving/replica.h"

namespace tandem::serving {
namespace {

constexpr int64_t kPollMs = 50;
constexpr int64_t kTermGraceMs = 3000;
constexpr int kTailLines = 20;
constexpr size_t kTailBytes = 4000;

// Replicas may listen on a wildcard address; connect to loopback then.
std::string ConnectHost(const std::string& host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::") return "[::1]";
  return host;
}

std::string BaseUrl(const std::string& host, int port) {
  return "http://" + ConnectHost(host) + ":" + std::to_string(port);
}

// The last lines the replica wrote since `offset`: why it failed, for the person
// reading the service's error.
std::string LogTail(const std::string& path, uintmax_t offset) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "(no replica log)";
  in.seekg(static_cast<std::streamoff>(offset));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.empty()) return "(the replica wrote nothing)";
  size_t pos = text.size();
  for (int lines = 0; lines < kTailLines && pos != std::string::npos && pos > 0; ++lines) {
    pos = text.rfind('\n', pos - 1);
  }
  std::string tail = pos == std::string::npos ? text : text.substr(pos + 1);
  if (tail.size() > kTailBytes) tail = tail.substr(tail.size() - kTailBytes);
  return tail;
}

Result<int> ReadPortFile(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  int port = 0;
  const char* b = text->data();
  auto [end, ec] = std::from_chars(b, b + text->size(), port);
  if (ec != std::errc() || port <= 0 || port > 65535) return Internal("bad port file");
  return port;
}

Result<store::ModelVersionRecord> FindModelVersion(store::Store& store, const std::string& model,
                                                   int version) {
  auto mv = store.GetModelVersion(model, version);
  if (!mv.ok() && mv.status().code() == StatusCode::kNotFound) {
    return NotFound(version > 0 ? "model '" + model + "' has no version " + std::to_string(version)
                                : "model '" + model + "' not found");
  }
  return mv;
}

}  // namespace

ServiceManager::ServiceManager(ServiceManagerOptions options, store::Store& store,
                               store::ArtifactStore& artifacts, Launcher& launcher, Clock& clock)
    : options_(std::move(options)),
      store_(store),
      artifacts_(artifacts),
      launcher_(launcher),
      clock_(clock) {}

std::string ServiceManager::ServiceDir(const std::string& name) const {
  return (fs::path(options_.data_dir) / "services" / name).string();
}

bool ServiceManager::Claim(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_.insert(name).second;
}

void ServiceManager::Release(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  busy_.erase(name);
}

bool ServiceManager::Ready(const std::string& host, int port) {
  http::ClientOptions co;
  co.timeout_ms = 2000;
  auto r = http::Call("GET", BaseUrl(host, port) + "/v2/health/ready", "", "application/json", co);
  return r.ok() && r->status == 200;
}

bool ServiceManager::WaitExit(const ProcessHandle& handle, int64_t ms) {
  const TimeMs start = clock_.NowMs();
  while (true) {
    if (launcher_.Poll(handle)) return true;
    if (clock_.NowMs() - start >= ms) return false;
    clock_.SleepMs(20);
  }
}

void ServiceManager::Terminate(const ProcessHandle& handle) {
  if (handle.pid <= 0) return;
  Status st = launcher_.Kill(handle, SIGTERM);
  if (!st.ok()) spdlog::warn("stopping replica pid {}: {}", handle.pid, st.ToString());
  if (WaitExit(handle, kTermGraceMs)) return;
  spdlog::warn("replica pid {} ignored SIGTERM for {} ms; killing it", handle.pid, kTermGraceMs);
  (void)launcher_.Kill(handle, SIGKILL);
  WaitExit(handle, 2000);
}

Result<ServiceManager::Replica> ServiceManager::Launch(const store::ModelVersionRecord& mv,
                                                       const std::string& name) {
  const fs::path dir = ServiceDir(name);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError("cannot create '" + dir.string() + "': " + ec.message());

  ASSIGN_OR_RETURN(fs::path model_file, artifacts_.PathOf(mv.artifact_digest));
  ASSIGN_OR_RETURN(store::ArtifactRecord artifact, store_.GetArtifact(mv.artifact_digest));
  Json meta = artifact.meta.is_object() ? artifact.meta : Json::object();
  // Older artifacts may lack what the model version row knows.
  if (!meta.contains("format") && !mv.format.empty()) meta["format"] = mv.format;
  if (!meta.contains("signature") && mv.signature.is_object() && !mv.signature.empty()) {
    meta["signature"] = mv.signature;
  }
  meta["model_name"] = mv.model_name;
  meta["model_version"] = mv.version;
  const std::string meta_file = (dir / "meta.json").string();
  RETURN_IF_ERROR(WriteFileAtomic(meta_file, meta.dump(2)));

  // A port file left by an earlier replica would point at the wrong process.
  const std::string port_file = (dir / "port").string();
  fs::remove(port_file, ec);
  const std::string log_file = (dir / "replica.log").string();
  uintmax_t log_offset = fs::exists(log_file, ec) ? fs::file_size(log_file, ec) : 0;
  if (ec) log_offset = 0;

  ReplicaOptions ro;
  ro.name = name;
  ro.version = mv.version;
  ro.model_path = model_file.string();
  ro.meta_path = meta_file;
  ro.host = options_.host;
  ro.port = 0;
  ro.port_file = port_file;
  ProcessSpec spec;
  spec.argv = options_.replica_command;
  for (auto& a : ReplicaArgs(ro)) spec.argv.push_back(std::move(a));
  spec.cwd = dir.string();
  spec.stdout_path = log_file;
  ASSIGN_OR_RETURN(ProcessHandle handle, launcher_.Start(spec));

  const TimeMs start = clock_.NowMs();
  int port = 0;
  while (true) {
    if (auto exit = launcher_.Poll(handle)) {
      return Unavailable("replica of service '" + name + "' exited (" + exit->Describe() +
                         ") before it was ready: " + LogTail(log_file, log_offset));
    }
    if (port == 0) {
      if (auto p = ReadPortFile(port_file); p.ok()) port = *p;
    }
    if (port != 0 && Ready(options_.host, port)) return Replica{handle, options_.host, port};
    if (clock_.NowMs() - start >= options_.ready_timeout_ms) {
      (void)launcher_.Kill(handle, SIGKILL);
      WaitExit(handle, 2000);
      return Unavailable("replica of service '" + name + "' was not ready within " +
                         std::to_string(options_.ready_timeout_ms) +
                         " ms: " + LogTail(log_file, log_offset));
    }
    clock_.SleepMs(kPollMs);
  }
}

Result<store::ServiceRecord> ServiceManager::Deploy(const std::string& model, int version,
                                                    const std::string& service_name) {
  if (!IsValidName(service_name)) {
    return InvalidArgument(InvalidNameMessage("service name", service_name));
  }
  if (version < 0) return InvalidArgument("version: must be >= 0 (0 = latest)");
  ASSIGN_OR_RETURN(store::ModelVersionRecord mv, FindModelVersion(store_, model, version));
  if (!Claim(service_name)) {
    return FailedPrecondition("service '" + service_name +
                              "' is busy: another deploy or stop is in progress");
  }
  struct Releaser {
    ServiceManager* m;
    const std::string& n;
    ~Releaser() { m->Release(n); }
  } releaser{this, service_name};

  const TimeMs now = clock_.NowMs();
  std::optional<store::ServiceRecord> old;
  if (auto existing = store_.GetService(service_name); existing.ok()) old = *existing;
  store::ServiceRecord rec;
  rec.name = service_name;
  rec.model_name = mv.model_name;
  rec.model_version = mv.version;
  rec.host = options_.host;
  rec.created_ms = old ? old->created_ms : now;
  rec.updated_ms = now;
  if (!old) {
    // The row exists from the start, so a crash mid-deploy leaves a trace to restore.
    rec.state = "starting";
    RETURN_IF_ERROR(store_.PutService(rec));
  }

  auto launched = Launch(mv, service_name);
  if (!launched.ok()) {
    bool old_serving;
    {
      std::lock_guard<std::mutex> lock(mu_);
      old_serving = replicas_.count(service_name) > 0;
    }
    // A ready replica not adopted yet (no RestoreAll) serves on as well.
    if (!old_serving && old && old->state == "ready" && old->pid > 0) {
      old_serving = launcher_.Alive({old->pid, old->start_ticks});
    }
    if (!old_serving) {
      rec.state = "failed";
      rec.error = launched.status().message();
      rec.updated_ms = clock_.NowMs();
      Status st = store_.PutService(rec);
      if (!st.ok()) spdlog::error("recording failed service '{}': {}", service_name, st.ToString());
    }
    return launched.status();
  }
  rec.state = "ready";
  rec.port = launched->port;
  rec.pid = launched->handle.pid;
  rec.start_ticks = launched->handle.start_ticks;
  rec.updated_ms = clock_.NowMs();
  if (Status st = store_.PutService(rec); !st.ok()) {
    Terminate(launched->handle);
    return st;
  }
  std::optional<ProcessHandle> retired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = replicas_.find(service_name); it != replicas_.end()) {
      retired = it->second.handle;
    }
    replicas_[service_name] = *launched;
  }
  // An old replica this manager never adopted (no RestoreAll yet) is stopped as well;
  // pid + start time make sure it is that process and not a reused pid.
  if (!retired && old && old->pid > 0) {
    ProcessHandle h{old->pid, old->start_ticks};
    if (launcher_.Alive(h)) retired = h;
  }
  if (retired) Terminate(*retired);
  spdlog::info("service '{}' serves model '{}' version {} on port {}", service_name,
               mv.model_name, mv.version, rec.port);
  return rec;
}

Status ServiceManager::RestoreAll() {
  ASSIGN_OR_RETURN(std::vector<store::ServiceRecord> services, store_.ListServices());
  std::string failures;
  int failed = 0;
  for (store::ServiceRecord s : services) {
    if (s.state != "ready" && s.state != "starting") continue;
    if (!Claim(s.name)) continue;
    ProcessHandle handle{s.pid, s.start_ticks};
    bool alive = s.pid > 0 && launcher_.Alive(handle);
    if (alive && s.port > 0 && Ready(s.host, s.port)) {
      std::lock_guard<std::mutex> lock(mu_);
      replicas_[s.name] = Replica{handle, s.host, s.port};
      busy_.erase(s.name);
      spdlog::info("service '{}': adopted its running replica (pid {})", s.name, s.pid);
      continue;
    }
    if (alive) Terminate(handle);
    auto mv = FindModelVersion(store_, s.model_name, s.model_version);
    Result<Replica> launched = mv.ok() ? Launch(*mv, s.name) : Result<Replica>(mv.status());
    s.updated_ms = clock_.NowMs();
    if (launched.ok()) {
      s.state = "ready";
      s.error.clear();
      s.host = launched->host;
      s.port = launched->port;
      s.pid = launched->handle.pid;
      s.start_ticks = launched->handle.start_ticks;
    } else {
      s.state = "failed";
      s.error = launched.status().message();
      s.pid = 0;
      s.start_ticks = 0;
      ++failed;
      failures += (failures.empty() ? "" : "; ") + s.name + ": " + s.error;
    }
    Status st = store_.PutService(s);
    if (!st.ok()) {
      ++failed;
      failures += (failures.empty() ? "" : "; ") + s.name + ": " + st.message();
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (launched.ok()) replicas_[s.name] = *launched;
      busy_.erase(s.name);
    }
    if (launched.ok()) spdlog::info("service '{}': replica restarted on port {}", s.name, s.port);
  }
  if (failed > 0) {
    return Unavailable("could not restore " + std::to_string(failed) + " service(s): " + failures);
  }
  return Status::Ok();
}

Status ServiceManager::Stop(const std::string& name) {
  auto rec = store_.GetService(name);
  if (!rec.ok()) {
    if (rec.status().code() == StatusCode::kNotFound) {
      return NotFound("service '" + name + "' not found");
    }
    return rec.status();
  }
  if (!Claim(name)) {
    return FailedPrecondition("service '" + name +
                              "' is busy: another deploy or stop is in progress");
  }
  std::optional<Replica> running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = replicas_.find(name); it != replicas_.end()) {
      running = it->second;
      replicas_.erase(it);
    }
  }
  ProcessHandle handle = running ? running->handle : ProcessHandle{rec->pid, rec->start_ticks};
  if (handle.pid > 0 && (running || launcher_.Alive(handle))) Terminate(handle);
  rec->state = "stopped";
  rec->error.clear();
  rec->pid = 0;
  rec->start_ticks = 0;
  rec->port = 0;
  rec->updated_ms = clock_.NowMs();
  Status st = store_.PutService(*rec);
  Release(name);
  return st;
}

Result<http::Response> ServiceManager::Forward(const std::string& service_name,
                                               const std::string& method,
                                               const std::string& path, const std::string& body) {
  if (path.empty() || path[0] != '/') {
    return InvalidArgument("forwarded path must start with '/', got '" + path + "'");
  }
  std::optional<Replica> target;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = replicas_.find(service_name); it != replicas_.end()) target = it->second;
  }
  if (!target) {
    auto rec = store_.GetService(service_name);
    if (!rec.ok()) {
      if (rec.status().code() == StatusCode::kNotFound) {
        return NotFound("service '" + service_name + "' not found");
      }
      return rec.status();
    }
    std::string why = rec->state == "ready" ? "its replica is not managed by this server yet"
                                            : "state " + rec->state;
    if (!rec->error.empty()) why += ": " + rec->error;
    return Unavailable("service '" + service_name + "' is not ready (" + why + ")");
  }
  auto resp = http::Call(method, BaseUrl(target->host, target->port) + path, body);
  if (!resp.ok()) {
    return Unavailable("service '" + service_name + "': its replica at " + target->host + ":" +
                       std::to_string(target->port) +
                       " does not answer: " + resp.status().message());
  }
  return resp;
}

void ServiceManager::StopAll() {
  std::map<std::string, Replica> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(replicas_);
  }
  // SIGTERM to every replica first, so their grace periods run side by side.
  for (const auto& [name, r] : all) (void)launcher_.Kill(r.handle, SIGTERM);
  const TimeMs start = clock_.NowMs();
  for (const auto& [name, r] : all) {
    int64_t left = kTermGraceMs - (clock_.NowMs() - start);
    if (WaitExit(r.handle, std::max<int64_t>(left, 0))) continue;
    (void)launcher_.Kill(r.handle, SIGKILL);
    WaitExit(r.handle, 2000);
  }
}

}  // namespace tandem::serving
