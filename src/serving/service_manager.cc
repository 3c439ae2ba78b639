#include "serving/service_manager.h"

#include <signal.h>

#include "core/ids.h"
#include "core/log.h"
#include "core/problems.h"
#include "registry/model_library.h"
#include "resources/resource_request.h"

namespace tandem::serving {
namespace {

constexpr int kMaxReplicas = 64;
constexpr int kMaxBatch = 4096;
constexpr int kMaxBatchDelayUs = 10'000'000;
constexpr const char* kStable = "stable";
constexpr const char* kCanary = "canary";
// Bad Gateway: the replica behind us failed the request it had taken.
constexpr int kReplicaFailedStatus = 502;

// Replicas a canary of `percent` runs beside `replicas` stable ones: its share of
// them, at least one.
int CanaryReplicas(int replicas, int percent) {
  return std::max(1, (replicas * percent + 99) / 100);
}

Status NotRunning(const std::string& name, const std::string& state) {
  return FailedPrecondition("service '" + name + "' is not running (state " + state +
                            "): deploy it first");
}

Status Busy(const std::string& name) {
  return FailedPrecondition("service '" + name +
                            "' is busy: another deploy, update or stop is in progress");
}

// Releases a claimed service name when the operation ends, however it ends.
class ClaimGuard {
 public:
  ClaimGuard(std::function<void()> release) : release_(std::move(release)) {}
  ~ClaimGuard() { release_(); }

 private:
  std::function<void()> release_;
};

}  // namespace

ServiceManager::ServiceManager(ServiceManagerOptions options, store::Store& store,
                               store::ArtifactStore& artifacts, Launcher& launcher, Clock& clock)
    : options_(std::move(options)),
      store_(store),
      artifacts_(artifacts),
      launcher_(launcher),
      clock_(clock) {}

ServiceManager::~ServiceManager() {
  stopping_ = true;
  watchdog_.Stop();
}

bool ServiceManager::Claim(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_.insert(name).second;
}

void ServiceManager::Release(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  busy_.erase(name);
}

Result<store::ModelVersionRecord> ServiceManager::Resolve(const registry::ModelRef& ref) {
  registry::ModelLibrary library(store_);
  return library.Resolve(ref);
}

void ServiceManager::SetState(const std::string& name, const std::string& state,
                              const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = services_.find(name);
  if (it == services_.end()) return;
  it->second.row.state = state;
  it->second.row.error = error;
}

ServiceView ServiceManager::ViewOf(const LiveService& s) const {
  ServiceView v;
  v.service = s.row;
  v.spec = s.spec;
  for (const LiveReplica& r : s.replicas) {
    v.replicas.push_back(r.rec);
    v.in_flight.push_back(r.in_flight->load());
  }
  return v;
}

Result<ServiceView> ServiceManager::Deploy(const std::string& name,
                                           const registry::ModelRef& model,
                                           const ServiceOptions& options) {
  if (!IsValidName(name)) return InvalidArgument(InvalidNameMessage("service name", name));
  if (options.replicas < 1 || options.replicas > kMaxReplicas) {
    return InvalidArgument("replicas: must be 1.." + std::to_string(kMaxReplicas) + ", got " +
                           std::to_string(options.replicas));
  }
  // The deploy limits live here only: the API and the CLI pass what they were given.
  if (options.batch_max < 0 || options.batch_max > kMaxBatch) {
    return InvalidArgument("batch.max: must be 0.." + std::to_string(kMaxBatch) + ", got " +
                           std::to_string(options.batch_max));
  }
  if (options.batch_delay_us < 0 || options.batch_delay_us > kMaxBatchDelayUs) {
    return InvalidArgument("batch.delay_us: must be 0.." + std::to_string(kMaxBatchDelayUs) + ", got " +
                           std::to_string(options.batch_delay_us));
  }
  std::vector<std::string> problems;
  resources::CheckResources(options.resources, "resources", &problems);
  if (!problems.empty()) return InvalidArgument(JoinProblems(problems));
  ASSIGN_OR_RETURN(store::ModelVersionRecord mv, Resolve(model));
  if (!Claim(name)) return Busy(name);
  ClaimGuard guard([this, name] { Release(name); });

  bool running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = services_.find(name);
    running = it != services_.end();
    if (running) {
      LiveService& s = it->second;
      if (!options.replace) {
        return AlreadyExists("service " + name + " exists (serving " + s.row.model_name + ":" +
                             std::to_string(s.row.model_version) + "); use 'tandem service update " +
                             name + " --model MODEL' to roll it to another model version, or "
                             "deploy with --replace to change its options too");
      }
      if (!s.spec.canary_model.empty()) {
        return FailedPrecondition("service '" + name + "' runs a canary of " +
                                  s.spec.canary_model + ":" +
                                  std::to_string(s.spec.canary_version) +
                                  ": promote or roll back first");
      }
      // New batching or resources need new processes: every replica is replaced.
      const bool new_processes = s.spec.batch_max != options.batch_max ||
                                 s.spec.batch_delay_us != options.batch_delay_us ||
                                 s.spec.resources != options.resources ||
                                 s.spec.strict_inputs != options.strict_inputs;
      for (LiveReplica& r : s.replicas) r.replace = r.replace || new_processes;
      s.spec.replicas = options.replicas;
      s.spec.batch_max = options.batch_max;
      s.spec.batch_delay_us = options.batch_delay_us;
      s.spec.resources = options.resources;
      s.spec.strict_inputs = options.strict_inputs;
    }
  }
  if (running) {
    std::string old_model;
    int old_version = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      LiveService& s = services_.at(name);
      old_model = s.row.model_name;
      old_version = s.row.model_version;
      s.row.model_name = mv.model_name;
      s.row.model_version = mv.version;
      s.row.state = "updating";
    }
    RETURN_IF_ERROR(Save(name));
    Status rolled = RollTrack(name, kStable, mv.model_name, mv.version, options.replicas);
    if (!rolled.ok()) {
      spdlog::warn("service '{}': update to {} v{} failed, rolling back: {}", name,
                   mv.model_name, mv.version, rolled.ToString());
      {
        std::lock_guard<std::mutex> lock(mu_);
        LiveService& s = services_.at(name);
        s.row.model_name = old_model;
        s.row.model_version = old_version;
        for (LiveReplica& r : s.replicas) r.replace = false;
      }
      Status back = RollTrack(name, kStable, old_model, old_version, options.replicas);
      if (!back.ok()) spdlog::error("service '{}': rolling back: {}", name, back.ToString());
    }
    SetState(name, "ready", "");
    RETURN_IF_ERROR(Save(name));
    if (!rolled.ok()) return rolled;
    return Get(name);
  }

  // A new service, or one that is stopped, failed, or run by no one (its replicas, if
  // any still live, are stopped once the new ones serve).
  const TimeMs now = clock_.NowMs();
  LiveService s;
  s.row.name = name;
  s.row.model_name = mv.model_name;
  s.row.model_version = mv.version;
  s.row.state = "starting";
  s.row.created_ms = now;
  std::vector<store::ReplicaRecord> leftovers;
  if (auto old = store_.GetService(name); old.ok()) {
    s.row.created_ms = old->created_ms;
    if (auto reps = store_.ListReplicas(name); reps.ok()) leftovers = *reps;
    if (leftovers.empty() && old->pid > 0) {
      store::ReplicaRecord legacy;
      legacy.pid = old->pid;
      legacy.start_ticks = old->start_ticks;
      leftovers.push_back(legacy);
    }
    for (const auto& r : leftovers) s.last_id = std::max(s.last_id, ReplicaNumber(r.id));
  }
  s.spec.name = name;
  s.spec.replicas = options.replicas;
  s.spec.batch_max = options.batch_max;
  s.spec.batch_delay_us = options.batch_delay_us;
  s.spec.resources = options.resources;
  s.spec.strict_inputs = options.strict_inputs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    services_[name] = std::move(s);
  }
  // Stored from the start, so a crash mid-deploy leaves a trace to restore.
  RETURN_IF_ERROR(Save(name));
  Status st = RollTrack(name, kStable, mv.model_name, mv.version, options.replicas);
  if (!st.ok()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (LiveReplica& r : services_.at(name).replicas) r.rec.state = "draining";
    }
    (void)RetireDraining(name);
    SetState(name, "failed", st.message());
    Status saved = Save(name);
    if (!saved.ok()) spdlog::error("recording failed service '{}': {}", name, saved.ToString());
    std::lock_guard<std::mutex> lock(mu_);
    services_.erase(name);
    return st;
  }
  for (const auto& r : leftovers) {
    ProcessHandle h{r.pid, r.start_ticks};
    if (h.pid > 0 && launcher_.Alive(h)) Terminate(h);
  }
  SetState(name, "ready", "");
  RETURN_IF_ERROR(Save(name));
  spdlog::info("service '{}' serves model '{}' version {} with {} replica(s)", name,
               mv.model_name, mv.version, options.replicas);
  return Get(name);
}

Result<ServiceView> ServiceManager::Update(const std::string& name,
                                           const registry::ModelRef& model, int canary_percent) {
  if (canary_percent < 0 || canary_percent > 100) {
    return InvalidArgument("canary: must be a percentage 0..100, got " +
                           std::to_string(canary_percent));
  }
  ASSIGN_OR_RETURN(store::ModelVersionRecord mv, Resolve(model));
  ServiceOptions options;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = services_.find(name);
    if (it == services_.end()) {
      auto row = store_.GetService(name);
      if (!row.ok()) return NotFound("service '" + name + "' not found");
      return NotRunning(name, row->state);
    }
    options.replicas = it->second.spec.replicas;
    options.batch_max = it->second.spec.batch_max;
    options.batch_delay_us = it->second.spec.batch_delay_us;
    options.resources = it->second.spec.resources;
    options.strict_inputs = it->second.spec.strict_inputs;
    options.replace = true;
  }
  if (canary_percent == 0) return Deploy(name, model, options);

  if (!Claim(name)) return Busy(name);
  ClaimGuard guard([this, name] { Release(name); });
  {
    std::lock_guard<std::mutex> lock(mu_);
    LiveService& s = services_.at(name);
    if (!s.spec.canary_model.empty()) {
      return FailedPrecondition("service '" + name + "' already runs a canary of " +
                                s.spec.canary_model + ":" +
                                std::to_string(s.spec.canary_version) +
                                ": promote or roll back first");
    }
    s.spec.canary_model = mv.model_name;
    s.spec.canary_version = mv.version;
    s.spec.canary_weight = canary_percent;
  }
  RETURN_IF_ERROR(Save(name));
  Status st = RollTrack(name, kCanary, mv.model_name, mv.version,
                        CanaryReplicas(options.replicas, canary_percent));
  if (!st.ok()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      LiveService& s = services_.at(name);
      s.spec.canary_model.clear();
      s.spec.canary_version = s.spec.canary_weight = 0;
      for (LiveReplica& r : s.replicas) {
        if (r.rec.track == kCanary) r.rec.state = "draining";
      }
    }
    (void)RetireDraining(name);
    RETURN_IF_ERROR(Save(name));
    return st;
  }
  spdlog::info("service '{}': canary {} v{} gets {}% of requests", name, mv.model_name,
               mv.version, canary_percent);
  return Get(name);
}

Result<ServiceView> ServiceManager::Promote(const std::string& name) {
  if (!Claim(name)) return Busy(name);
  ClaimGuard guard([this, name] { Release(name); });
  std::string model;
  int version = 0, replicas = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = services_.find(name);
    if (it == services_.end() || it->second.spec.canary_model.empty()) {
      return FailedPrecondition("service '" + name + "' has no canary to promote");
    }
    model = it->second.spec.canary_model;
    version = it->second.spec.canary_version;
    replicas = it->second.spec.replicas;
  }
  // Scale the canary to full size first, so the switch below leaves no one short.
  RETURN_IF_ERROR(RollTrack(name, kCanary, model, version, replicas));
  {
    // The switch: one store write moves every request to the new version.
    std::lock_guard<std::mutex> lock(mu_);
    LiveService& s = services_.at(name);
    for (LiveReplica& r : s.replicas) {
      if (r.rec.track == kStable) {
        r.rec.state = "draining";
      } else {
        r.rec.track = kStable;
      }
    }
    s.row.model_name = model;
    s.row.model_version = version;
    s.spec.canary_model.clear();
    s.spec.canary_version = s.spec.canary_weight = 0;
  }
  RETURN_IF_ERROR(Save(name));
  RETURN_IF_ERROR(RetireDraining(name));
  spdlog::info("service '{}': promoted {} v{}", name, model, version);
  return Get(name);
}

Result<ServiceView> ServiceManager::Rollback(const std::string& name) {
  if (!Claim(name)) return Busy(name);
  ClaimGuard guard([this, name] { Release(name); });
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = services_.find(name);
    if (it == services_.end() || it->second.spec.canary_model.empty()) {
      return FailedPrecondition("service '" + name + "' has no canary to roll back");
    }
    LiveService& s = it->second;
    s.spec.canary_model.clear();
    s.spec.canary_version = s.spec.canary_weight = 0;
    for (LiveReplica& r : s.replicas) {
      if (r.rec.track == kCanary) r.rec.state = "draining";
    }
  }
  RETURN_IF_ERROR(Save(name));
  RETURN_IF_ERROR(RetireDraining(name));
  spdlog::info("service '{}': canary rolled back", name);
  return Get(name);
}

Status ServiceManager::Stop(const std::string& name) {
  auto row = store_.GetService(name);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return NotFound("service '" + name + "' not found");
    }
    return row.status();
  }
  if (!Claim(name)) return Busy(name);
  ClaimGuard guard([this, name] { Release(name); });
  bool managed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = services_.find(name);
    managed = it != services_.end();
    if (managed) {
      for (LiveReplica& r : it->second.replicas) r.rec.state = "draining";
    }
  }
  if (managed) {
    RETURN_IF_ERROR(RetireDraining(name));
    SetState(name, "stopped", "");
    Status st = Save(name);
    std::lock_guard<std::mutex> lock(mu_);
    services_.erase(name);
    return st;
  }
  // Not run here (no RestoreAll yet): stop whatever the store says still runs.
  std::vector<store::ReplicaRecord> replicas;
  if (auto listed = store_.ListReplicas(name); listed.ok()) replicas = *listed;
  std::vector<ProcessHandle> handles;
  for (const auto& r : replicas) handles.push_back({r.pid, r.start_ticks});
  if (handles.empty()) handles.push_back({row->pid, row->start_ticks});
  for (const ProcessHandle& h : handles) {
    if (h.pid > 0 && launcher_.Alive(h)) Terminate(h);
  }
  row->state = "stopped";
  row->error.clear();
  row->pid = row->port = 0;
  row->start_ticks = 0;
  row->updated_ms = clock_.NowMs();
  store::ServiceSpecRecord spec;
  if (auto stored = store_.GetServiceSpec(name); stored.ok()) spec = *stored;
  spec.name = name;
  return store_.PutServiceState(*row, spec, {});
}

Result<ServiceView> ServiceManager::Get(const std::string& name) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = services_.find(name); it != services_.end()) return ViewOf(it->second);
  }
  auto row = store_.GetService(name);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) {
      return NotFound("service '" + name + "' not found");
    }
    return row.status();
  }
  ServiceView v;
  v.service = *row;
  if (auto spec = store_.GetServiceSpec(name); spec.ok()) v.spec = *spec;
  v.spec.name = name;
  if (auto reps = store_.ListReplicas(name); reps.ok()) v.replicas = *reps;
  v.in_flight.assign(v.replicas.size(), 0);
  return v;
}

Result<std::vector<ServiceView>> ServiceManager::List() {
  ASSIGN_OR_RETURN(std::vector<store::ServiceRecord> rows, store_.ListServices());
  std::vector<ServiceView> out;
  for (const auto& row : rows) {
    ASSIGN_OR_RETURN(ServiceView v, Get(row.name));
    out.push_back(std::move(v));
  }
  return out;
}

Result<http::Response> ServiceManager::Forward(const std::string& service_name,
                                               const std::string& method,
                                               const std::string& path, const std::string& body) {
  if (path.empty() || path[0] != '/') {
    return InvalidArgument("forwarded path must start with '/', got '" + path + "'");
  }
  std::set<std::string> failed;  // replicas that did not answer this request
  std::string last_error;
  while (true) {
    std::string id, host;
    int port = 0;
    std::shared_ptr<std::atomic<int>> in_flight;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = services_.find(service_name);
      if (it != services_.end()) {
        LiveService& s = it->second;
        std::vector<RouteCandidate> candidates;
        for (const LiveReplica& r : s.replicas) {
          candidates.push_back({r.rec.track == kCanary, r.rec.state == "ready",
                                r.in_flight->load(), failed.count(r.rec.id) > 0});
        }
        const int weight = s.spec.canary_model.empty() ? 0 : s.spec.canary_weight;
        if (auto pick = s.router->Pick(candidates, weight)) {
          const LiveReplica& r = s.replicas[*pick];
          id = r.rec.id;
          host = r.rec.host;
          port = r.rec.port;
          in_flight = r.in_flight;
          in_flight->fetch_add(1);
        }
      }
    }
    if (!in_flight) break;
    auto resp = http::Call(method, ReplicaBaseUrl(host, port) + path, body);
    in_flight->fetch_sub(1);
    if (resp.ok()) return resp;
    const std::string replica = "replica " + id + " at " + host + ":" + std::to_string(port);
    if (ClassifyForwardFailure(resp.status()) == ForwardFailure::kTaken) {
      // Never sent again: the watchdog restarts the replica if it died.
      spdlog::warn("service '{}': {} took a request and failed it: {}", service_name, replica,
                   resp.status().message());
      return http::JsonResponse(
          {{"error", "service '" + service_name + "': " + replica +
                         " failed while handling the request (not retried): " +
                         resp.status().message()},
           {"replica", id}},
          kReplicaFailedStatus);
    }
    failed.insert(id);
    last_error = replica + " does not answer: " + resp.status().message();
  }
  if (!last_error.empty()) {
    return Unavailable("service '" + service_name + "': " + last_error);
  }
  auto rec = store_.GetService(service_name);
  if (!rec.ok()) {
    if (rec.status().code() == StatusCode::kNotFound) {
      return NotFound("service '" + service_name + "' not found");
    }
    return rec.status();
  }
  std::string why = rec->state == "ready" ? "no replica is ready" : "state " + rec->state;
  if (!rec->error.empty()) why += ": " + rec->error;
  return Unavailable("service '" + service_name + "' is not ready (" + why + ")");
}

Status ServiceManager::RestoreAll() {
  ASSIGN_OR_RETURN(std::vector<store::ServiceRecord> rows, store_.ListServices());
  std::string failures;
  int failed = 0;
  for (const store::ServiceRecord& row : rows) {
    if (row.state != "ready" && row.state != "starting" && row.state != "updating") continue;
    if (!Claim(row.name)) continue;
    ClaimGuard guard([this, name = row.name] { Release(name); });
    Status st = Restore(row);
    if (!st.ok()) {
      ++failed;
      failures += (failures.empty() ? "" : "; ") + row.name + ": " + st.message();
    }
  }
  if (failed > 0) {
    return Unavailable("could not restore " + std::to_string(failed) + " service(s): " + failures);
  }
  return Status::Ok();
}

Status ServiceManager::Restore(const store::ServiceRecord& row) {
  const std::string& name = row.name;
  LiveService s;
  s.row = row;
  if (auto spec = store_.GetServiceSpec(name); spec.ok()) s.spec = *spec;
  s.spec.name = name;
  std::vector<store::ReplicaRecord> stored;
  if (auto reps = store_.ListReplicas(name); reps.ok()) stored = *reps;
  if (stored.empty() && row.pid > 0) {
    // A service stored before replica rows existed: its one replica is in the row.
    store::ReplicaRecord legacy;
    legacy.service = name;
    legacy.id = "r1";
    legacy.track = kStable;
    legacy.model_name = row.model_name;
    legacy.model_version = row.model_version;
    legacy.state = "ready";
    legacy.host = row.host;
    legacy.port = row.port;
    legacy.pid = row.pid;
    legacy.start_ticks = row.start_ticks;
    stored.push_back(legacy);
  }
  std::vector<store::ReplicaRecord> dead;
  for (const store::ReplicaRecord& r : stored) {
    s.last_id = std::max(s.last_id, ReplicaNumber(r.id));
    ProcessHandle h{r.pid, r.start_ticks};
    const bool alive = r.pid > 0 && launcher_.Alive(h);
    if (alive && r.state == "ready" && r.port > 0 && Ready(r.host, r.port)) {
      s.replicas.push_back(LiveReplica{r});
      spdlog::info("service '{}': adopted replica {} (pid {})", name, r.id, r.pid);
      // Back on the scheduler's books (the process keeps the limits it started with).
      if (options_.allocator) {
        auto booked = options_.allocator->Acquire(name, r.id, s.spec.resources);
        if (!booked.ok()) {
          spdlog::warn("service '{}': replica {} runs beyond the books: {}", name, r.id,
                       booked.status().ToString());
        }
      }
      continue;
    }
    if (alive) Terminate(h);
    // Stored as starting but without a pid: the last server crashed while spawning it.
    if (r.pid <= 0 && r.state == "starting") StopUntracked(name, r.id);
    if (r.state != "draining") dead.push_back(r);
  }
  const int replicas = s.spec.replicas;
  {
    std::lock_guard<std::mutex> lock(mu_);
    services_[name] = std::move(s);
  }
  // Dead replicas come back in their slots, with the restart counted.
  for (store::ReplicaRecord r : dead) {
    store::ServiceSpecRecord spec;
    {
      std::lock_guard<std::mutex> lock(mu_);
      spec = services_.at(name).spec;
    }
    r.restarts += 1;
    auto launched = Launch(name, spec, r);
    if (!launched.ok()) {
      spdlog::warn("service '{}': replica {} did not come back: {}", name, r.id,
                   launched.status().ToString());
      // Its process is gone (AwaitReady saw to it); the rollout below replaces it.
      std::lock_guard<std::mutex> lock(mu_);
      std::erase_if(services_.at(name).replicas,
                    [&](const LiveReplica& live) { return live.rec.id == r.id; });
      continue;
    }
    PutLive(name, *launched);
  }
  // Finish what was under way: the stable track at its version and size, the canary
  // (if any) at its own.
  Status st = RollTrack(name, kStable, row.model_name, row.model_version, replicas);
  store::ServiceSpecRecord spec;
  {
    std::lock_guard<std::mutex> lock(mu_);
    spec = services_.at(name).spec;
  }
  if (st.ok() && !spec.canary_model.empty()) {
    st = RollTrack(name, kCanary, spec.canary_model, spec.canary_version,
                   CanaryReplicas(spec.replicas, spec.canary_weight));
  }
  SetState(name, st.ok() ? "ready" : "failed", st.ok() ? "" : st.message());
  Status saved = Save(name);
  if (!st.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    services_.erase(name);
    return st;
  }
  return saved;
}

Status ServiceManager::CheckReplicas() {
  std::vector<std::string> names;
  std::vector<ProcessHandle> moved;
  const auto moved_replicas = options_.allocator ? options_.allocator->TakeMoved()
                                                 : std::vector<std::pair<std::string, std::string>>{};
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, s] : services_) names.push_back(name);
    for (const auto& [service, id] : moved_replicas) {
      auto it = services_.find(service);
      if (it == services_.end()) continue;
      for (const LiveReplica& r : it->second.replicas) {
        if (r.rec.id == id && r.rec.pid > 0) moved.push_back({r.rec.pid, r.rec.start_ticks});
      }
    }
  }
  // A replica whose device was drained ends here and restarts below (now or next
  // pass) on the slice the scheduler moved it to.
  for (const ProcessHandle& h : moved) {
    spdlog::info("replica pid {}: its device was drained; restarting it on its new slice", h.pid);
    (void)launcher_.Kill(h, SIGTERM);
  }
  Status result;
  for (const std::string& name : names) {
    if (!Claim(name)) continue;  // an operation runs; the next pass looks again
    ClaimGuard guard([this, name] { Release(name); });
    std::vector<store::ReplicaRecord> dead;
    store::ServiceSpecRecord spec;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = services_.find(name);
      if (it == services_.end()) continue;
      spec = it->second.spec;
      for (LiveReplica& r : it->second.replicas) {
        ProcessHandle h{r.rec.pid, r.rec.start_ticks};
        const bool gone = r.rec.state == "failed" || h.pid <= 0 || launcher_.Poll(h).has_value();
        if (!gone) continue;
        // Out of the rotation until it is back.
        if (r.rec.state != "failed") {
          spdlog::warn("service '{}': replica {} (pid {}) died; starting it again", name,
                       r.rec.id, r.rec.pid);
        }
        r.rec.state = "starting";
        r.rec.port = 0;
        dead.push_back(r.rec);
      }
    }
    if (dead.empty()) continue;
    (void)Save(name);
    for (store::ReplicaRecord r : dead) {
      ReleaseAllocation(name, r.id);
      r.restarts += 1;
      auto launched = Launch(name, spec, r);
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (LiveReplica& live : services_.at(name).replicas) {
          if (live.rec.id != r.id) continue;
          if (launched.ok()) {
            live.rec = *launched;
          } else {
            live.rec.state = "failed";
            live.rec.restarts = r.restarts;
            live.rec.pid = 0;
          }
        }
      }
      if (!launched.ok()) {
        spdlog::error("service '{}': replica {} did not restart: {}", name, r.id,
                      launched.status().ToString());
        result = launched.status();
      }
    }
    Status saved = Save(name);
    if (!saved.ok()) result = saved;
  }
  return result;
}

void ServiceManager::StartWatchdog(int64_t interval_ms) {
  if (stopping_) return;
  watchdog_.Start(interval_ms, [this] {  // a no-op when already started
    Status st = CheckReplicas();
    if (!st.ok()) spdlog::warn("replica watchdog: {}", st.ToString());
  });
}

void ServiceManager::StopAll() {
  // The watchdog would start again what is stopped here.
  stopping_ = true;
  watchdog_.Stop();
  std::vector<ProcessHandle> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, s] : services_) {
      for (const LiveReplica& r : s.replicas) all.push_back({r.rec.pid, r.rec.start_ticks});
    }
    services_.clear();
  }
  // SIGTERM to every replica first, so their grace periods run side by side.
  for (const ProcessHandle& h : all) {
    if (h.pid > 0) (void)launcher_.Kill(h, SIGTERM);
  }
  const TimeMs start = clock_.NowMs();
  for (const ProcessHandle& h : all) {
    if (h.pid <= 0) continue;
    int64_t left = 3000 - (clock_.NowMs() - start);
    if (WaitExit(h, std::max<int64_t>(left, 0))) continue;
    (void)launcher_.Kill(h, SIGKILL);
    WaitExit(h, 2000);
  }
}

}  // namespace tandem::serving
