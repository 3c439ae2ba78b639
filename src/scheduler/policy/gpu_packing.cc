// gpu-packing, as in the FGD artifact: prefer, in this order, (1) sharing partly used
// GPUs (fewer free thousandths on them is better), (2) fully free GPUs of a node that is
// already in use (fewer of them is better), (3) a node with all GPUs free. Integer scores
// in 0..100, ties to the first node name (scoring.h); CPU-only tasks score 0 everywhere,
// so they land on the first node by name that can host them.
#include <algorithm>

#include "scheduler/policy/policies.h"
#include "scheduler/policy/scoring.h"

namespace tandem::scheduler {
namespace {

class GpuPacking : public PlacementPolicy {
 public:
  const char* name() const override { return "gpu-packing"; }
  std::optional<Placement> Place(const ClusterState& c, const Request& r) override {
    const Demand d = c.Resolve(r);
    return PickBest(c, d, [&](int n) -> std::optional<NodeScore> {
      const GpuMask gpus = BestFitGpus(c, n, d);
      if (d.gpu_count == 0) return NodeScore{0, gpus};
      const NodeState& s = c.node(n);
      const int64_t fully_free = s.fully_free_gpus();
      if (fully_free == s.gpu_count) return NodeScore{double(std::max<int64_t>(33 - fully_free, fully_free)), gpus};
      int free_used = 0;
      int64_t left_percent = 0;
      for (int g = 0; g < s.gpu_count; ++g) {
        if (((gpus >> g) & 1) == 0) continue;
        free_used += s.gpus[g].left() == kMilliPerGpu;
        left_percent += s.gpus[g].left() * 100 / kMilliPerGpu;
      }
      if (free_used > 0) return NodeScore{double(std::max(50 - free_used, 33)), gpus};
      return NodeScore{double(std::max<int64_t>(100 - left_percent / 10, 50)), gpus};
    });
  }
};

}  // namespace

std::unique_ptr<PlacementPolicy> NewGpuPacking(const PolicyContext&) {
  return std::make_unique<GpuPacking>();
}

}  // namespace tandem::scheduler
