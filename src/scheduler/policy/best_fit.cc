// best-fit, as in the FGD artifact: the node whose free CPU and free GPU capacity after
// the placement are smallest, weighted half each and normalised by the largest node
// (128 cores, 8 GPUs); the score is truncated to an integer 0..100 like every
// kube-scheduler score, ties to the first node name (scoring.h). On the node, the sharing GPU with the
// least left that fits.
#include <cmath>

#include "scheduler/policy/policies.h"
#include "scheduler/policy/scoring.h"

namespace tandem::scheduler {
namespace {

constexpr double kMaxSpecCpuMilli = 128000;
constexpr double kMaxSpecGpuMilli = 8000;

class BestFit : public PlacementPolicy {
 public:
  const char* name() const override { return "best-fit"; }
  std::optional<Placement> Place(const ClusterState& c, const Request& r) override {
    const Demand d = c.Resolve(r);
    return PickBest(c, d, [&](int n) -> std::optional<NodeScore> {
      const NodeState& s = c.node(n);
      const double waste = 0.5 * static_cast<double>(s.cpu_left - d.cpu_milli) / kMaxSpecCpuMilli +
                           0.5 * static_cast<double>(s.gpu_milli_left() - d.total_gpu_milli()) /
                               kMaxSpecGpuMilli;
      return NodeScore{std::trunc((1.0 - waste) * 100), BestFitGpus(c, n, d)};
    });
  }
};

}  // namespace

std::unique_ptr<PlacementPolicy> NewBestFit(const PolicyContext&) {
  return std::make_unique<BestFit>();
}

}  // namespace tandem::scheduler
