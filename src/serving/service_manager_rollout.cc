// The steps every rollout is made of: add a replica, retire a replica, bring a track
// to a version one replica at a time. Each step is stored before the next begins.
#include "core/digits.h"
#include "core/log.h"
#include "serving/service_manager.h"

namespace tandem::serving {
namespace {

constexpr int64_t kDrainPollMs = 10;

}  // namespace

int ServiceManager::ReplicaNumber(const std::string& id) {
  if (id.size() < 2 || id[0] != 'r') return 0;
  return ParseDigits(std::string_view(id).substr(1), 9).value_or(0);
}

std::string ServiceManager::NextReplicaId(const LiveService& s) const {
  int highest = s.last_id;
  for (const LiveReplica& r : s.replicas) highest = std::max(highest, ReplicaNumber(r.rec.id));
  return "r" + std::to_string(highest + 1);
}

Status ServiceManager::Save(const std::string& name) {
  store::ServiceRecord row;
  store::ServiceSpecRecord spec;
  std::vector<store::ReplicaRecord> replicas;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = services_.find(name);
    if (it == services_.end()) return Internal("service '" + name + "' is not managed here");
    LiveService& s = it->second;
    // The row's endpoint is the first ready stable replica: what older clients show.
    s.row.host.clear();
    s.row.port = s.row.pid = 0;
    s.row.start_ticks = 0;
    for (const LiveReplica& r : s.replicas) {
      if (r.rec.track == "stable" && r.rec.state == "ready") {
        s.row.host = r.rec.host;
        s.row.port = r.rec.port;
        s.row.pid = r.rec.pid;
        s.row.start_ticks = r.rec.start_ticks;
        break;
      }
    }
    s.row.updated_ms = clock_.NowMs();
    row = s.row;
    spec = s.spec;
    for (const LiveReplica& r : s.replicas) replicas.push_back(r.rec);
  }
  spec.name = name;
  return store_.PutServiceState(row, spec, replicas);
}

Status ServiceManager::AddReplica(const std::string& name, const std::string& track,
                                  const std::string& model, int version, int restarts) {
  store::ServiceSpecRecord spec;
  store::ReplicaRecord rec;
  {
    std::lock_guard<std::mutex> lock(mu_);
    LiveService& s = services_.at(name);
    spec = s.spec;
    rec.id = NextReplicaId(s);
    s.last_id = ReplicaNumber(rec.id);
    rec.service = name;
    rec.track = track;
    rec.model_name = model;
    rec.model_version = version;
    rec.restarts = restarts;
  }
  auto drop = [&](const Status& why) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto& reps = services_.at(name).replicas;
      std::erase_if(reps, [&](const LiveReplica& r) { return r.rec.id == rec.id; });
    }
    Status st = Save(name);
    if (!st.ok()) spdlog::error("recording service '{}': {}", name, st.ToString());
    return why;
  };
  // StartReplica stores the replica before and after the spawn: a crash now leaves a
  // row that the next server adopts or cleans up.
  auto started = StartReplica(name, spec, rec);
  if (!started.ok()) return drop(started.status());
  auto ready = AwaitReady(*std::move(started));
  if (!ready.ok()) return drop(ready.status());
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (LiveReplica& r : services_.at(name).replicas) {
      if (r.rec.id == ready->id) r.rec = *ready;
    }
  }
  spdlog::info("service '{}': replica {} ({} v{}, {}) ready on port {}", name, ready->id, model,
               version, track, ready->port);
  return Save(name);
}

Status ServiceManager::RetireReplica(const std::string& name, const std::string& id) {
  std::shared_ptr<std::atomic<int>> in_flight;
  ProcessHandle handle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (LiveReplica& r : services_.at(name).replicas) {
      if (r.rec.id != id) continue;
      r.rec.state = "draining";
      in_flight = r.in_flight;
      handle = {r.rec.pid, r.rec.start_ticks};
    }
  }
  if (!in_flight) return Status::Ok();
  RETURN_IF_ERROR(Save(name));
  // Out of the rotation now: no new request reaches it; wait for those it has.
  const TimeMs start = clock_.NowMs();
  while (in_flight->load() > 0 && clock_.NowMs() - start < options_.drain_timeout_ms) {
    clock_.SleepMs(kDrainPollMs);
  }
  if (in_flight->load() > 0) {
    spdlog::warn("service '{}': replica {} still has {} request(s) after {} ms; stopping it", name,
                 id, in_flight->load(), options_.drain_timeout_ms);
  }
  if (handle.pid > 0 && launcher_.Alive(handle)) Terminate(handle);
  ReleaseAllocation(name, id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(services_.at(name).replicas,
                  [&](const LiveReplica& r) { return r.rec.id == id; });
  }
  spdlog::info("service '{}': replica {} stopped", name, id);
  return Save(name);
}

Status ServiceManager::RetireDraining(const std::string& name) {
  while (true) {
    std::string id;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const LiveReplica& r : services_.at(name).replicas) {
        if (r.rec.state == "draining") id = r.rec.id;
      }
    }
    if (id.empty()) return Status::Ok();
    RETURN_IF_ERROR(RetireReplica(name, id));
  }
}

Status ServiceManager::RollTrack(const std::string& name, const std::string& track,
                                 const std::string& model, int version, int count) {
  while (true) {
    int fitting = 0;
    std::string misfit, newest_fitting;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const LiveReplica& r : services_.at(name).replicas) {
        if (r.rec.track != track || r.rec.state == "draining") continue;
        const bool fits = r.rec.model_name == model && r.rec.model_version == version &&
                          !r.replace && r.rec.state != "failed";
        if (fits) {
          ++fitting;
          newest_fitting = r.rec.id;
        } else if (misfit.empty()) {
          misfit = r.rec.id;
        }
      }
    }
    if (fitting < count) {
      // One in before one out: the track never serves with fewer replicas than before.
      RETURN_IF_ERROR(AddReplica(name, track, model, version));
      if (!misfit.empty()) RETURN_IF_ERROR(RetireReplica(name, misfit));
    } else if (!misfit.empty()) {
      RETURN_IF_ERROR(RetireReplica(name, misfit));
    } else if (fitting > count) {
      RETURN_IF_ERROR(RetireReplica(name, newest_fitting));
    } else {
      return Status::Ok();
    }
  }
}

}  // namespace tandem::serving
