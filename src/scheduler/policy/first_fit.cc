// first-fit: the first node (in inventory order) that can host the request, and on it
// the lowest-indexed GPUs that fit. The cheapest policy and the worst packer.
#include "scheduler/policy/policies.h"
#include "scheduler/policy/scoring.h"

namespace tandem::scheduler {
namespace {

class FirstFit : public PlacementPolicy {
 public:
  const char* name() const override { return "first-fit"; }
  std::optional<Placement> Place(const ClusterState& c, const Request& r) override {
    const Demand d = c.Resolve(r);
    for (int n = 0; n < c.node_count(); ++n) {
      if (!CanHost(c, n, d)) continue;
      return Placement{n, LowestBits(c.FittingGpus(n, d), d.gpu_count)};
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<PlacementPolicy> NewFirstFit(const PolicyContext&) { return std::make_unique<FirstFit>(); }

}  // namespace tandem::scheduler
