#pragma once
// FGD, fragmentation gradient descent (Weng et al., "Beware of Fragmentation", USENIX
// ATC'23): place each task where it increases the node's fragmentation against the
// target workload the least (see fragmentation.h). Exposed beyond the policy because
// the swarm policy ranks its candidate placements with the same measure.
#include <optional>
#include <vector>

#include "scheduler/fragmentation.h"
#include "scheduler/policy/scoring.h"

namespace tandem::scheduler {

struct FgdChoice {
  double frag_increase;  // F_n(M) after minus before, in GPU thousandths
  GpuMask gpus;
};

// The node state after placing `d` on `gpus`.
NodeState AfterPlacing(const NodeState& s, const Demand& d, GpuMask gpus);

// The least-fragmenting GPU choice on node `n`. REQUIRES: CanHost(c, n, d).
// With `quantized`, choices compare by the published integer score
// int(100 * sigmoid(-increase / 1000)), the first GPU winning ties, as the artifact does.
FgdChoice BestFgdChoice(const FragmentationModel& frag, const ClusterState& c, int n,
                        const Demand& d, bool quantized);

// The published integer score of a fragmentation increase.
double QuantizedFgdScore(double frag_increase);

// Up to `k` placements of `d` with the smallest fragmentation increase (best first,
// one per node), for searches that look beyond the greedy choice.
std::vector<std::pair<Placement, double>> FgdCandidates(const FragmentationModel& frag,
                                                        const ClusterState& c, const Demand& d,
                                                        int k);

}  // namespace tandem::scheduler
