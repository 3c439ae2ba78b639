#include "serving/broker_allocator.h"

#include <cmath>

#include "resources/grant_limits.h"
#include "resources/resource_request.h"

namespace tandem::serving {

namespace {

// A replica books no CPU unless it asks: most wait on the network, and on a small
// machine a few services must not starve every pipeline of its task slots.
const Json kReplicaDefaults = {{"environment", "infer"}, {"cpus", 0}};

}  // namespace

Result<ReplicaAllocation> BrokerReplicaAllocator::Acquire(const std::string& service,
                                                          const std::string& replica_id,
                                                          const Json& resources) {
  const std::string holder = "service " + service + " replica " + replica_id;
  ASSIGN_OR_RETURN(scheduler::Request request,
                   resources::RequestFor(kReplicaDefaults, resources, service + "/" + replica_id, "resources"));
  ASSIGN_OR_RETURN(resources::JobId job, broker_.Submit("services", holder, request));
  std::optional<resources::Grant> grant = broker_.Granted(job);
  if (!grant) {
    const std::string why = broker_.WaitingReason(job);
    broker_.Release(job);
    return Unavailable("no room in the " + std::string(scheduler::EnvironmentName(request.environment)) +
                       " environment for " + holder + ": " + why);
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_[{service, replica_id}] = job;
  }
  ReplicaAllocation out;
  const bool cpus_asked = resources::DeclaresCpus(Json::object(), resources);
  out.limits = resources::LimitsFor(*grant, cpus_asked, resources::DeclaresMemory(Json::object(), resources));
  if (cpus_asked) {
    out.threads = std::max(1, static_cast<int>(std::ceil(static_cast<double>(grant->cpu_milli) / 1000.0)));
  }
  out.env["TANDEM_ALLOCATION"] = resources::AllocationJson(*grant).dump();
  return out;
}

void BrokerReplicaAllocator::Release(const std::string& service, const std::string& replica_id) {
  resources::JobId job = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = jobs_.find({service, replica_id});
    if (it == jobs_.end()) return;
    job = it->second;
    jobs_.erase(it);
  }
  broker_.Release(job);
}

std::vector<std::pair<std::string, std::string>> BrokerReplicaAllocator::TakeMoved() {
  std::vector<resources::Notice> notices = broker_.TakeNotices("services");
  std::vector<std::pair<std::string, std::string>> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const resources::Notice& n : notices) {
    for (const auto& [replica, job] : jobs_) {
      if (job == n.job) out.push_back(replica);
    }
  }
  return out;
}

}  // namespace tandem::serving
