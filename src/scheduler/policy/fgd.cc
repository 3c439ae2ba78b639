#include "scheduler/policy/fgd.h"

#include <algorithm>
#include <cmath>

#include "scheduler/policy/policies.h"

namespace tandem::scheduler {

NodeState AfterPlacing(const NodeState& s, const Demand& d, GpuMask gpus) {
  NodeState out = s;
  out.cpu_left -= d.cpu_milli;
  out.memory_left -= d.memory_mib;
  for (int g = 0; g < s.gpu_count; ++g) {
    if ((gpus >> g) & 1) out.gpus[g].used_milli += d.gpu_milli;
  }
  return out;
}

double QuantizedFgdScore(double frag_increase) {
  return std::trunc(100.0 / (1.0 + std::exp(frag_increase / 1000.0)));
}

FgdChoice BestFgdChoice(const FragmentationModel& frag, const ClusterState& c, int n,
                        const Demand& d, bool quantized) {
  const NodeState& s = c.node(n);
  const double before = frag.CachedNodeFragmentation(s);
  if (!d.sharing()) {
    const GpuMask gpus = LowestBits(c.FittingGpus(n, d), d.gpu_count);
    return {frag.CachedNodeFragmentation(AfterPlacing(s, d, gpus)) - before, gpus};
  }
  const GpuMask fitting = c.FittingGpus(n, d);
  std::optional<FgdChoice> best;
  double best_key = 0;
  uint32_t seen[kMaxGpusPerNode];  // (model, left) of GPUs already tried: same outcome
  int seen_count = 0;
  for (int g = 0; g < s.gpu_count; ++g) {
    if (((fitting >> g) & 1) == 0) continue;
    const uint32_t id = (uint32_t{s.gpus[g].model} << 16) | static_cast<uint32_t>(s.gpus[g].left());
    if (std::find(seen, seen + seen_count, id) != seen + seen_count) continue;
    seen[seen_count++] = id;
    const GpuMask gpus = GpuMask{1} << g;
    const double increase = frag.CachedNodeFragmentation(AfterPlacing(s, d, gpus)) - before;
    const double key = quantized ? QuantizedFgdScore(increase) : -increase;
    if (!best || key > best_key) {
      best = FgdChoice{increase, gpus};
      best_key = key;
    }
  }
  return *best;
}

std::vector<std::pair<Placement, double>> FgdCandidates(const FragmentationModel& frag,
                                                        const ClusterState& c, const Demand& d,
                                                        int k) {
  std::vector<std::pair<Placement, double>> all;
  for (int n = 0; n < c.node_count(); ++n) {
    if (!CanHost(c, n, d)) continue;
    FgdChoice choice = BestFgdChoice(frag, c, n, d, /*quantized=*/false);
    all.push_back({Placement{n, choice.gpus}, choice.frag_increase});
  }
  const size_t keep = std::min(all.size(), static_cast<size_t>(std::max(k, 0)));
  std::partial_sort(all.begin(), all.begin() + keep, all.end(),
                    [](const auto& a, const auto& b) { return a.second < b.second; });
  all.resize(keep);
  return all;
}

namespace {

class Fgd : public PlacementPolicy {
 public:
  explicit Fgd(const FragmentationModel* frag) : frag_(frag) {}
  const char* name() const override { return "fgd"; }
  std::optional<Placement> Place(const ClusterState& c, const Request& r) override {
    const Demand d = c.Resolve(r);
    return PickBest(c, d, [&](int n) -> std::optional<NodeScore> {
      FgdChoice choice = BestFgdChoice(*frag_, c, n, d, /*quantized=*/true);
      return NodeScore{QuantizedFgdScore(choice.frag_increase), choice.gpus};
    });
  }

 private:
  const FragmentationModel* frag_;
};

}  // namespace

std::unique_ptr<PlacementPolicy> NewFgd(const PolicyContext& ctx) {
  return std::make_unique<Fgd>(ctx.fragmentation);
}

}  // namespace tandem::scheduler
