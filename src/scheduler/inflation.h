#pragma once
// The FGD paper's inflation protocol: tasks drawn from a pod list with replacement
// (seeded) are only added, never removed, until the GPUs they ask for reach
// `max_demand` times the cluster's GPUs. Measured as demand grows: the GPU allocation
// ratio (allocated thousandths / total), the fragmented share of the free GPU capacity
// (against the list's workload), placement failures and the time per decision.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "scheduler/cluster.h"
#include "scheduler/policy.h"

namespace tandem::scheduler {

struct InflationOptions {
  uint64_t seed = 42;
  double max_demand = 1.30;
  std::vector<int> checkpoints = {50, 80, 90, 95, 100, 110, 120, 130};  // demand, percent
  // Arrivals handed to the policy at once (PlaceBatch): the pending queue of one
  // scheduling cycle. 1 = one decision per task, as the paper runs.
  int batch = 1;
  SwarmOptions swarm;
  // Drive the live Scheduler instead of calling the policy: each cycle's arrivals are
  // submitted (at priority 0: the protocol has no priorities, and no head reservation)
  // and one Schedule runs; what is still pending after it failed and is released. The
  // figures are then the server's, and equal the direct ones (scheduler_test checks).
  bool live = false;
};

struct InflationResult {
  std::string policy;
  std::vector<uint64_t> seeds;
  std::map<int, double> allocation_ratio;  // demand percent -> allocated share of GPUs
  std::map<int, double> fragmented_share;  // demand percent -> fragmented share of free GPUs
  double tasks = 0;
  double failures = 0;                     // tasks no node could host
  double failed_gpu_demand = 0;            // their GPU asks, in GPUs
  double decision_us_per_task = 0;
};

// The arrivals per cycle a policy is simulated with unless told: 1 (the paper's
// protocol) for the greedy policies; 32 for swarm, which plans a queue jointly.
int DefaultBatch(const std::string& policy);

// One run. kInvalidArgument for an unknown policy or an empty node or pod list.
Result<InflationResult> RunInflation(const std::vector<NodeSpec>& nodes, const std::vector<Request>& pods,
                                     const std::string& policy, const InflationOptions& options);

// One run per seed on up to `threads` threads, averaged.
Result<InflationResult> RunInflationSeeds(const std::vector<NodeSpec>& nodes,
                                          const std::vector<Request>& pods, const std::string& policy,
                                          const std::vector<uint64_t>& seeds, InflationOptions options,
                                          int threads);

// {"policy", "mode": "inflation", "seeds", "gpu_allocation_ratio": {"50": ...},
//  "fragmented_gpu_share": {"50": ...}, "tasks", "placement_failures",
//  "failed_gpu_demand", "decision_us_per_task"}
Json ToJson(const InflationResult& r);

}  // namespace tandem::scheduler

namespace tandem::scheduler {

// "42" or "42-51" (inclusive) or "1,5,9". kInvalidArgument names `field`.
Result<std::vector<uint64_t>> ParseSeeds(const std::string& text, const std::string& field);

}  // namespace tandem::scheduler
