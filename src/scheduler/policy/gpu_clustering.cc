// gpu-clustering, as in the FGD artifact: keep tasks of one kind (sharing, 1-GPU, 2-GPU,
// ...) together. Best: a node running only this kind; then one running it among others;
// then an idle node; last a node running other kinds. Within each band, fuller nodes
// first. Integer scores 0..100, ties to the first node name (scoring.h); CPU-only tasks
// score 0 everywhere, so they land on the first node by name that can host them.
#include "scheduler/policy/policies.h"
#include "scheduler/policy/scoring.h"

namespace tandem::scheduler {
namespace {

constexpr int64_t kMaxSpecGpuMilli = 8000;

class GpuClustering : public PlacementPolicy {
 public:
  const char* name() const override { return "gpu-clustering"; }
  std::optional<Placement> Place(const ClusterState& c, const Request& r) override {
    const Demand d = c.Resolve(r);
    return PickBest(c, d, [&](int n) -> std::optional<NodeScore> {
      const GpuMask gpus = BestFitGpus(c, n, d);
      if (d.kind() < 0) return NodeScore{0, gpus};
      const NodeState& s = c.node(n);
      int kinds = 0;
      for (int16_t count : s.kind_counts) kinds += count > 0;
      const int64_t fullness = 25 * (kMaxSpecGpuMilli - s.gpu_milli_left()) / kMaxSpecGpuMilli;
      int64_t band = 0;
      if (s.kind_counts[d.kind()] > 0) band = kinds == 1 ? 75 : 50;
      else band = kinds == 0 ? 25 : 0;
      return NodeScore{double(fullness + band), gpus};
    });
  }
};

}  // namespace

std::unique_ptr<PlacementPolicy> NewGpuClustering(const PolicyContext&) {
  return std::make_unique<GpuClustering>();
}

}  // namespace tandem::scheduler
