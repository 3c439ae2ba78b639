#include "scheduler/policy/swarm.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "scheduler/policy/fgd.h"
#include "scheduler/policy/policies.h"

namespace tandem::scheduler {

double SwarmImbalance(const ClusterState& c, int n, const Demand& d, double balance, double starvation) {
  const NodeState& s = c.node(n);
  const double cpu_free = c.spec(n).cpu_milli > 0
                              ? static_cast<double>(s.cpu_left - d.cpu_milli) / static_cast<double>(c.spec(n).cpu_milli)
                              : 0;
  const double gpu_free = s.gpu_count > 0 ? static_cast<double>(s.gpu_milli_left() - d.total_gpu_milli()) /
                                                (double{kMilliPerGpu} * s.gpu_count)
                                          : 0;
  // Spare CPU is cheap (CPU-only tasks soak it up); GPUs left without the CPU to feed
  // them are what fails GPU tasks at saturation, hence the extra weight on that side.
  const double starved = std::max(0.0, gpu_free - cpu_free);
  return (balance * std::abs(cpu_free - gpu_free) + starvation * starved) * kMilliPerGpu;
}

double SwarmHeuristic(const ClusterState& c, int n, const Demand& d, double frag_increase, double balance,
                      double starvation) {
  return frag_increase + SwarmImbalance(c, n, d, balance, starvation) -
         SwarmImbalance(c, n, Demand{}, balance, starvation);
}

namespace {

constexpr double kUnplacedCostPerMilli = 10;
// Each pod ranks this many times `candidates` nodes at the start of a cycle: the reserve
// a walk falls back on when earlier pods took its candidates, instead of scanning
// every node again (near saturation that scan, per pod and per walk, was most of a
// cycle and ran it past its budget).
constexpr size_t kReserveFactor = 8;

struct Option {
  Placement placement;
  double heuristic;
};

class Swarm : public PlacementPolicy {
 public:
  Swarm(const FragmentationModel* frag, uint64_t seed, SwarmOptions options)
      : frag_(frag), rng_(seed), options_(options) {}
  const char* name() const override { return "swarm"; }

  std::optional<Placement> Place(const ClusterState& c, const Request& r) override {
    ClusterState scratch = c;
    return PlaceBatch(scratch, {r})[0];
  }

  std::vector<std::optional<Placement>> PlaceBatch(ClusterState& c,
                                                   const std::vector<Request>& queue) override {
    evaluations_ = 0;
    std::vector<Demand> demands;
    std::vector<std::vector<Option>> ranked;  // candidates per pod, evaluated on the initial state
    for (const Request& r : queue) {
      demands.push_back(c.Resolve(r));
      ranked.push_back(RankNodes(c, demands.back(), Candidates() * kReserveFactor));
    }
    std::vector<size_t> arrival(queue.size()), big_first;
    for (size_t i = 0; i < queue.size(); ++i) arrival[i] = i;
    big_first = arrival;
    std::stable_partition(big_first.begin(), big_first.end(), [&](size_t i) { return demands[i].gpu_count >= 2; });
    std::map<std::pair<size_t, int>, double> pheromone;  // (pod, node) -> trail
    // Each walk applies its placements to `c` and takes them back (copying 1213 nodes
    // per walk was most of the search's time).
    ClusterState& scratch = c;
    std::vector<std::optional<Placement>> best;
    double best_cost = 0;
    for (int round = 0; round < std::max(1, options_.iterations); ++round) {
      std::vector<std::optional<Placement>> round_best;
      double round_cost = 0;
      for (int ant = 0; ant < std::max(1, options_.ants); ++ant) {
        const bool greedy = round == 0 && ant == 0;
        double cost = 0;
        // Odd ants place the multi-GPU pods of the queue first: big tasks need whole
        // free nodes, which the small ones ahead of them may be about to break up.
        std::vector<std::optional<Placement>> walk =
            Walk(scratch, demands, ranked, pheromone, greedy, ant % 2 == 1 ? big_first : arrival, cost);
        if (round_best.empty() || cost < round_cost) {
          round_best = std::move(walk);
          round_cost = cost;
        }
        if (OverBudget()) break;
      }
      if (best.empty() || round_cost < best_cost) {
        best = round_best;
        best_cost = round_cost;
      }
      for (auto& [key, trail] : pheromone) trail *= 1 - options_.evaporation;
      for (size_t i = 0; i < best.size(); ++i) {
        if (best[i]) pheromone[{i, best[i]->node}] += 1;
      }
      if (queue.size() == 1 || OverBudget()) break;  // one pod: the heuristic decides
    }
    return best;
  }

 private:
  // Counted in evaluations, not time: a cycle then ends at the same point on any
  // machine and under any load, so a seed gives the same placements everywhere.
  bool OverBudget() const { return options_.budget_evaluations > 0 && evaluations_ >= options_.budget_evaluations; }

  Option Evaluate(const ClusterState& c, int n, const Demand& d) {
    ++evaluations_;
    FgdChoice choice = BestFgdChoice(*frag_, c, n, d, /*quantized=*/false);
    return {Placement{n, choice.gpus},
            SwarmHeuristic(c, n, d, choice.frag_increase, options_.balance, options_.starvation)};
  }

  // The best `keep` placements of `d` by the heuristic, best first.
  std::vector<Option> RankNodes(const ClusterState& c, const Demand& d, size_t keep) {
    std::vector<Option> all;
    for (int n = 0; n < c.node_count(); ++n) {
      if (CanHost(c, n, d)) all.push_back(Evaluate(c, n, d));
    }
    keep = std::min(all.size(), keep);
    std::partial_sort(all.begin(), all.begin() + keep, all.end(),
                      [](const Option& a, const Option& b) { return a.heuristic < b.heuristic; });
    all.resize(keep);
    return all;
  }

  size_t Candidates() const { return static_cast<size_t>(std::max(1, options_.candidates)); }

  // One ant's placements of the whole queue. `scratch` is the cycle's starting state; the
  // walk places on it and takes everything back before returning. Its cost: the sum of
  // the heuristic's increases (the fragmentation and imbalance the walk adds, node by
  // node from where the cycle found it to where the walk leaves it) plus the queueing
  // of pods left unplaced.
  std::vector<std::optional<Placement>> Walk(ClusterState& scratch, const std::vector<Demand>& demands,
                                             const std::vector<std::vector<Option>>& ranked,
                                             const std::map<std::pair<size_t, int>, double>& pheromone,
                                             bool greedy, const std::vector<size_t>& order, double& cost) {
    std::vector<int> touched;
    std::vector<size_t> applied;
    std::vector<std::optional<Placement>> out(demands.size());
    cost = 0;
    for (size_t i : order) {
      const Demand& d = demands[i];
      std::vector<Option> options;
      auto is_touched = [&](int n) { return std::find(touched.begin(), touched.end(), n) != touched.end(); };
      auto consider = [&](int n) {
        for (const Option& o : options) {
          if (o.placement.node == n) return;
        }
        if (CanHost(scratch, n, d)) options.push_back(Evaluate(scratch, n, d));
      };
      // The pod's candidates; once earlier pods of the walk have taken them all, the
      // next ones of its reserve; once those are gone too, a fresh look at every node.
      size_t next = 0;
      auto take_candidates = [&](bool first) {
        for (size_t added = 0; next < ranked[i].size() && added < Candidates(); ++next) {
          const Option& o = ranked[i][next];
          if (!is_touched(o.placement.node)) {
            options.push_back(o);  // a node this walk has not placed on is as it was when ranked
            ++added;
          } else if (first) {
            consider(o.placement.node);
            ++added;
          }
        }
      };
      take_candidates(true);
      for (int n : touched) consider(n);
      while (options.empty() && next < ranked[i].size()) take_candidates(false);
      if (options.empty() && !ranked[i].empty()) options = RankNodes(scratch, d, Candidates());
      if (options.empty()) {
        cost += kUnplacedCostPerMilli * static_cast<double>(d.total_gpu_milli());
        continue;
      }
      const Option& chosen = greedy ? Best(options) : Draw(options, pheromone, i);
      scratch.Apply(d, chosen.placement);
      applied.push_back(i);
      touched.push_back(chosen.placement.node);
      cost += chosen.heuristic;
      out[i] = chosen.placement;
    }
    for (auto it = applied.rbegin(); it != applied.rend(); ++it) scratch.Release(demands[*it], *out[*it]);
    return out;
  }

  static const Option& Best(const std::vector<Option>& options) {
    return *std::min_element(options.begin(), options.end(),
                             [](const Option& a, const Option& b) { return a.heuristic < b.heuristic; });
  }

  const Option& Draw(const std::vector<Option>& options,
                     const std::map<std::pair<size_t, int>, double>& pheromone, size_t pod) {
    const double best = Best(options).heuristic;
    std::vector<double> weights;
    double total = 0;
    for (const Option& o : options) {
      auto it = pheromone.find({pod, o.placement.node});
      const double trail = 1 + (it == pheromone.end() ? 0 : it->second);
      const double w = trail * std::exp(-(o.heuristic - best) / std::max(1e-9, options_.temperature));
      weights.push_back(w);
      total += w;
    }
    double pick = rng_.Unit() * total;
    for (size_t j = 0; j < options.size(); ++j) {
      pick -= weights[j];
      if (pick <= 0) return options[j];
    }
    return options.back();
  }

  const FragmentationModel* frag_;
  Rng rng_;
  SwarmOptions options_;
  int64_t evaluations_ = 0;  // placements scored in the current cycle
};

}  // namespace

std::unique_ptr<PlacementPolicy> NewSwarm(const PolicyContext& ctx) {
  return std::make_unique<Swarm>(ctx.fragmentation, ctx.seed, ctx.swarm);
}

}  // namespace tandem::scheduler
