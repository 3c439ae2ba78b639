#pragma once
// Replicas' fixed slices of the inference environment, from the resource broker. Each
// replica asks for its service's `resources` with environment infer and mode fixed
// unless the service says otherwise (fixed work is never oversubscribed or preempted),
// and no CPU on the books when it names none. A replica that does not fit now is refused at once
// (kUnavailable naming why): a deploy fails rather than waits.
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "resources/broker.h"
#include "serving/service_manager.h"

namespace tandem::serving {

class BrokerReplicaAllocator : public ReplicaAllocator {
 public:
  explicit BrokerReplicaAllocator(resources::ResourceBroker& broker) : broker_(broker) {}

  // Threads: the CPUs asked for, rounded up (the replica's own default when none).
  Result<ReplicaAllocation> Acquire(const std::string& service, const std::string& replica_id,
                                    const Json& resources) override;
  void Release(const std::string& service, const std::string& replica_id) override;
  std::vector<std::pair<std::string, std::string>> TakeMoved() override;

 private:
  resources::ResourceBroker& broker_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, resources::JobId> jobs_;  // (service, replica)
};

}  // namespace tandem::serving
