// random-fit: a node chosen uniformly among those that can host the request, and a
// fitting sharing GPU chosen uniformly on it. The floor every policy must beat.
#include "scheduler/policy/policies.h"
#include "scheduler/policy/scoring.h"

namespace tandem::scheduler {
namespace {

class RandomFit : public PlacementPolicy {
 public:
  explicit RandomFit(uint64_t seed) : rng_(seed) {}
  const char* name() const override { return "random-fit"; }
  std::optional<Placement> Place(const ClusterState& c, const Request& r) override {
    const Demand d = c.Resolve(r);
    std::optional<Placement> p;
    uint64_t hosts = 0;
    for (int n = 0; n < c.node_count(); ++n) {
      if (CanHost(c, n, d) && rng_.Below(++hosts) == 0) p = Placement{n, 0};  // reservoir sampling
    }
    if (!p) return p;
    const GpuMask fitting = c.FittingGpus(p->node, d);
    if (!d.sharing()) {
      p->gpus = LowestBits(fitting, d.gpu_count);
      return p;
    }
    uint64_t seen = 0;
    for (int g = 0; g < kMaxGpusPerNode; ++g) {
      if (((fitting >> g) & 1) && rng_.Below(++seen) == 0) p->gpus = GpuMask{1} << g;
    }
    return p;
  }

 private:
  Rng rng_;
};

}  // namespace

std::unique_ptr<PlacementPolicy> NewRandomFit(const PolicyContext& ctx) {
  return std::make_unique<RandomFit>(ctx.seed);
}

}  // namespace tandem::scheduler
