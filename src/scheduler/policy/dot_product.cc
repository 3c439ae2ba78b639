// dot-product (Tetris, Grandl et al. SIGCOMM'14, as the FGD artifact runs it: "merge"
// dimensions, "max" normalisation): the dot product of the node's free vector (CPU, all
// free GPU thousandths) and the request, both normalised by the largest node (128 cores,
// 8 GPUs); the smallest product wins (integer score 0..100, ties to the first node
// name), and on the node the best-fitting GPU.
#include <cmath>

#include "scheduler/policy/policies.h"
#include "scheduler/policy/scoring.h"

namespace tandem::scheduler {
namespace {

constexpr double kMaxSpecCpuMilli = 128000;
constexpr double kMaxSpecGpuMilli = 8000;

class DotProduct : public PlacementPolicy {
 public:
  const char* name() const override { return "dot-product"; }
  std::optional<Placement> Place(const ClusterState& c, const Request& r) override {
    const Demand d = c.Resolve(r);
    const double pod_cpu = static_cast<double>(d.cpu_milli) / kMaxSpecCpuMilli;
    const double pod_gpu = static_cast<double>(d.total_gpu_milli()) / kMaxSpecGpuMilli;
    return PickBest(c, d, [&](int n) -> std::optional<NodeScore> {
      const NodeState& s = c.node(n);
      const double dot = (static_cast<double>(s.cpu_left) / kMaxSpecCpuMilli * pod_cpu +
                          static_cast<double>(s.gpu_milli_left()) / kMaxSpecGpuMilli * pod_gpu) /
                         2;
      return NodeScore{std::trunc((1 - dot) * 100), BestFitGpus(c, n, d)};
    });
  }
};

}  // namespace

std::unique_ptr<PlacementPolicy> NewDotProduct(const PolicyContext&) {
  return std::make_unique<DotProduct>();
}

}  // namespace tandem::scheduler
