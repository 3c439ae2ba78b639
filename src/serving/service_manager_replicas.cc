// Starting, watching and stopping one replica process of a service.
#include <signal.h>

#include <charconv>
#include <filesystem>
#include <fstream>

#include "core/fs.h"
#include "core/log.h"
#include "exec/local_launcher.h"
#include "serving/replica.h"
#include "serving/service_manager.h"

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

}  // namespace

std::string ReplicaBaseUrl(const std::string& host, int port) {
  return "http://" + ConnectHost(host) + ":" + std::to_string(port);
}

std::string ServiceManager::ReplicaDir(const std::string& service, const std::string& id) const {
  return (fs::path(options_.data_dir) / "services" / service / id).string();
}

bool ServiceManager::Ready(const std::string& host, int port) {
  http::ClientOptions co;
  co.timeout_ms = 2000;
  auto r = http::Call("GET", ReplicaBaseUrl(host, port) + "/v2/health/ready", "",
                      "application/json", co);
  return r.ok() && r->status == 200;
}

std::map<std::string, Json> ServiceManager::ReplicaStats(const std::string& name) {
  std::vector<store::ReplicaRecord> ready;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = services_.find(name);
    if (it == services_.end()) return {};
    for (const LiveReplica& r : it->second.replicas) {
      if (r.rec.state == "ready" && r.rec.port > 0) ready.push_back(r.rec);
    }
  }
  std::map<std::string, Json> stats;
  http::ClientOptions co;
  co.timeout_ms = 1000;
  for (const store::ReplicaRecord& r : ready) {
    auto resp = http::Call("GET", ReplicaBaseUrl(r.host, r.port) + "/v2/models/" + name + "/stats",
                           "", "application/json", co);
    if (!resp.ok() || resp->status != 200) continue;
    auto body = ParseJson(resp->body, "replica stats");
    if (body.ok() && body->is_object()) stats[r.id] = std::move(body).value();
  }
  return stats;
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

void ServiceManager::ReleaseAllocation(const std::string& service, const std::string& id) {
  if (options_.allocator) options_.allocator->Release(service, id);
}

Result<ServiceManager::Starting> ServiceManager::StartReplica(
    const std::string& service, const store::ServiceSpecRecord& spec, store::ReplicaRecord rec) {
  const fs::path dir = ReplicaDir(service, rec.id);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError("cannot create '" + dir.string() + "': " + ec.message());

  ASSIGN_OR_RETURN(store::ModelVersionRecord mv,
                   store_.GetModelVersion(rec.model_name, rec.model_version));
  // Re-hashed before every start (deploy, update, restart): a model file changed on
  // disk since it was stored is refused, naming the digest and the path.
  ASSIGN_OR_RETURN(fs::path model_file, artifacts_.VerifiedPathOf(mv.artifact_digest));
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

  Starting s;
  // A port file left by an earlier process would point at the wrong one.
  s.port_file = (dir / "port").string();
  fs::remove(s.port_file, ec);
  s.log_file = (dir / "replica.log").string();
  s.log_offset = fs::exists(s.log_file, ec) ? fs::file_size(s.log_file, ec) : 0;
  if (ec) s.log_offset = 0;

  ReplicaAllocation allocation;
  if (options_.allocator) {
    ASSIGN_OR_RETURN(allocation, options_.allocator->Acquire(service, rec.id, spec.resources));
  }
  ReplicaOptions ro;
  ro.name = service;
  ro.version = mv.version;
  ro.model_path = model_file.string();
  ro.meta_path = meta_file;
  ro.host = options_.host;
  ro.port = 0;
  ro.port_file = s.port_file;
  if (allocation.threads > 0) ro.threads = allocation.threads;
  if (spec.batch_max > 0) ro.batch_max = spec.batch_max;
  if (spec.batch_delay_us > 0) ro.batch_delay_us = spec.batch_delay_us;
  ro.strict_inputs = spec.strict_inputs;
  ProcessSpec ps;
  ps.argv = options_.replica_command;
  for (auto& a : ReplicaArgs(ro)) ps.argv.push_back(std::move(a));
  ps.env = allocation.env;
  ps.limits = allocation.limits;
  ps.cwd = dir.string();
  ps.stdout_path = s.log_file;
  rec.service = service;
  rec.state = "starting";
  rec.host = options_.host;
  rec.port = 0;
  rec.pid = 0;
  rec.start_ticks = 0;
  rec.updated_ms = clock_.NowMs();
  if (rec.created_ms == 0) rec.created_ms = rec.updated_ms;
  // The intent is stored before the spawn, so no replica process is ever untracked: a
  // crash after the spawn leaves this row, and RestoreAll finds the process.
  PutLive(service, rec);
  if (Status st = Save(service); !st.ok()) {
    ReleaseAllocation(service, rec.id);
    return st.WithContext("recording the start of replica " + rec.id);
  }
  auto handle = launcher_.Start(ps);
  if (!handle.ok()) {
    ReleaseAllocation(service, rec.id);
    return handle.status();
  }
  s.handle = *handle;
  rec.pid = s.handle.pid;
  rec.start_ticks = s.handle.start_ticks;
  PutLive(service, rec);
  if (Status st = Save(service); !st.ok()) {
    spdlog::error("service '{}': recording replica {}'s pid {}: {}", service, rec.id, rec.pid,
                  st.ToString());
  }
  s.rec = std::move(rec);
  return s;
}

void ServiceManager::PutLive(const std::string& service, const store::ReplicaRecord& rec) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = services_.find(service);
  if (it == services_.end()) return;
  for (LiveReplica& live : it->second.replicas) {
    if (live.rec.id == rec.id) {
      live.rec = rec;
      return;
    }
  }
  it->second.replicas.push_back(LiveReplica{rec});
}

bool ServiceManager::StopUntracked(const std::string& service, const std::string& id) {
  const std::string port_file = (fs::path(ReplicaDir(service, id)) / "port").string();
  bool stopped = false;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto cmdline = ReadFile(entry.path() / "cmdline");
    if (!cmdline.ok()) continue;
    // NUL-separated arguments: "--port-file" followed by this replica's port file.
    if (cmdline->find(std::string("--port-file") + '\0' + port_file + '\0') == std::string::npos) {
      continue;
    }
    const int pid = std::stoi(name);
    auto ticks = exec::ProcessStartTicks(pid);
    if (!ticks.ok()) continue;
    spdlog::warn("service '{}': replica {} (pid {}) was started but never recorded; stopping it",
                 service, id, pid);
    Terminate({pid, *ticks});
    stopped = true;
  }
  return stopped;
}

Result<store::ReplicaRecord> ServiceManager::AwaitReady(Starting s) {
  const std::string what = "replica " + s.rec.id + " of service '" + s.rec.service + "'";
  const TimeMs start = clock_.NowMs();
  int port = 0;
  while (true) {
    if (auto exit = launcher_.Poll(s.handle)) {
      ReleaseAllocation(s.rec.service, s.rec.id);
      return Unavailable(what + " exited (" + exit->Describe() +
                         ") before it was ready: " + LogTail(s.log_file, s.log_offset));
    }
    if (port == 0) {
      if (auto p = ReadPortFile(s.port_file); p.ok()) port = *p;
    }
    if (port != 0 && Ready(s.rec.host, port)) {
      s.rec.port = port;
      s.rec.state = "ready";
      s.rec.updated_ms = clock_.NowMs();
      return s.rec;
    }
    if (clock_.NowMs() - start >= options_.ready_timeout_ms) {
      (void)launcher_.Kill(s.handle, SIGKILL);
      WaitExit(s.handle, 2000);
      ReleaseAllocation(s.rec.service, s.rec.id);
      return Unavailable(what + " was not ready within " +
                         std::to_string(options_.ready_timeout_ms) +
                         " ms: " + LogTail(s.log_file, s.log_offset));
    }
    clock_.SleepMs(kPollMs);
  }
}

Result<store::ReplicaRecord> ServiceManager::Launch(const std::string& service,
                                                    const store::ServiceSpecRecord& spec,
                                                    store::ReplicaRecord rec) {
  ASSIGN_OR_RETURN(Starting started, StartReplica(service, spec, std::move(rec)));
  return AwaitReady(std::move(started));
}

}  // namespace tandem::serving
