#pragma once
// Placement policies behind one interface: given the cluster state and a request, where
// should it run (a node and the GPUs on it), or nowhere. The simulator and the live
// scheduler call the same policies.
//
// Policies are deterministic for a given seed: scoring policies break ties by node name
// (policy/scoring.h) and random choices use the Rng the context seeds, so a run repeats
// exactly. A policy object is not thread-safe (it holds
// its Rng and caches); make one per simulation run.
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/status.h"
#include "scheduler/cluster.h"
#include "scheduler/fragmentation.h"

namespace tandem::scheduler {

// A seeded generator with the two draws policies need.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(engine_); }
  double Unit() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

// The swarm policy's knobs (see policy/swarm.h for what they mean).
struct SwarmOptions {
  int ants = 12;             // colony size per round; ant 0 always follows the heuristic
  int iterations = 24;       // colony rounds per cycle
  int candidates = 8;        // best-ranked nodes each pod of the queue may choose among
  double balance = 0.1;      // weight of the CPU/GPU imbalance a placement leaves
  double starvation = 1.1;   // extra weight when the imbalance is CPU short of free GPUs
  double temperature = 150;  // how far (in heuristic units) ants stray from the best
  double evaporation = 0.3;  // pheromone kept per round: 1 - evaporation
  // Placements scored per cycle (node x pod evaluations, the first ranking included),
  // checked after each ant; once spent, the best solution found so far wins. Counted,
  // not timed, so a result does not depend on the machine. 0 = `iterations` only.
  // On the openb trace a 32-pod cycle scores ~42,000 (at most ~106,000), so the default
  // does not bind there; it bounds a server's cycle over a long queue.
  int64_t budget_evaluations = 250000;
};

struct PolicyContext {
  // The workload's fragmentation measure; FGD and swarm require it, others ignore it.
  const FragmentationModel* fragmentation = nullptr;
  uint64_t seed = 42;
  SwarmOptions swarm;
};

class PlacementPolicy {
 public:
  virtual ~PlacementPolicy() = default;
  virtual const char* name() const = 0;
  // The placement for `request`, or nullopt when no node can host it. Never changes
  // `cluster`; the returned placement Fits.
  virtual std::optional<Placement> Place(const ClusterState& cluster, const Request& request) = 0;
  // Places a queue of requests (one scheduling cycle's pending jobs, in queue order),
  // each seeing the earlier ones placed; a policy that optimises a batch jointly
  // overrides it. The default places one at a time. It may apply placements to
  // `cluster` while it works (cheaper than copying a 1000-node cluster per cycle) and
  // leaves it exactly as it found it. The returned placements all fit together.
  virtual std::vector<std::optional<Placement>> PlaceBatch(ClusterState& cluster,
                                                           const std::vector<Request>& queue);
};

// first-fit, best-fit, dot-product, gpu-packing, gpu-clustering, random-fit, fgd, swarm.
std::vector<std::string> PolicyNames();
// kInvalidArgument names an unknown policy, or fgd/swarm without a fragmentation model.
Result<std::unique_ptr<PlacementPolicy>> MakePolicy(const std::string& name, const PolicyContext& context);

}  // namespace tandem::scheduler
