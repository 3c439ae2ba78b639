#pragma once
// What the scoring policies share: the scan over nodes that can host a demand, keeping
// the highest score and breaking ties uniformly at random, as kube-scheduler's
// selectHost does (the FGD artifact runs inside it; its scores are integers 0..100, so
// ties are common and how they break matters).
#include <cstdint>
#include <optional>

#include "scheduler/cluster.h"
#include "scheduler/policy.h"

namespace tandem::scheduler {

struct NodeScore {
  double score;
  GpuMask gpus;
};

// Whether the node has the CPU, memory and enough fitting GPUs for the demand.
inline bool CanHost(const ClusterState& c, int node, const Demand& d) {
  return c.HostFits(node, d) && BitCount(c.FittingGpus(node, d)) >= d.gpu_count;
}

// `score(node)` -> std::optional<NodeScore> for each node that CanHost the demand (nullopt
// skips it); the best score wins, ties broken by `rng` (reservoir sampling).
template <typename ScoreFn>
std::optional<Placement> PickBest(const ClusterState& c, const Demand& d, Rng& rng, ScoreFn&& score) {
  std::optional<Placement> best;
  double best_score = 0;
  uint64_t ties = 0;
  for (int n = 0; n < c.node_count(); ++n) {
    if (!CanHost(c, n, d)) continue;
    std::optional<NodeScore> s = score(n);
    if (!s) continue;
    if (!best || s->score > best_score) {
      best = Placement{n, s->gpus};
      best_score = s->score;
      ties = 1;
    } else if (s->score == best_score && rng.Below(++ties) == 0) {
      best = Placement{n, s->gpus};
    }
  }
  return best;
}

// The sharing GPU with the least left that still fits; whole GPUs: the lowest free ones.
inline GpuMask BestFitGpus(const ClusterState& c, int node, const Demand& d) {
  return c.DefaultChoice(node, d).value_or(0);
}

}  // namespace tandem::scheduler
