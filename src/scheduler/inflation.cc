#include "scheduler/inflation.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "scheduler/fragmentation.h"
#include "scheduler/scheduler.h"
#include "scheduler/workload.h"

namespace tandem::scheduler {

namespace {

// Records every checkpoint the demand has reached and not yet recorded.
class Checkpoints {
 public:
  Checkpoints(const InflationOptions& o, const ClusterState& c, const FragmentationModel& f,
              InflationResult& out)
      : options_(o), cluster_(c), frag_(f), out_(out) {}

  void Reached(int64_t demand_milli) {
    for (int pct : options_.checkpoints) {
      if (out_.allocation_ratio.count(pct)) continue;
      if (demand_milli * 100 < int64_t{pct} * cluster_.total_gpu_milli()) continue;
      Record(pct);
    }
  }
  void Finish() {
    for (int pct : options_.checkpoints) {
      if (!out_.allocation_ratio.count(pct)) Record(pct);
    }
  }

 private:
  void Record(int pct) {
    out_.allocation_ratio[pct] =
        static_cast<double>(cluster_.allocated_gpu_milli()) / static_cast<double>(cluster_.total_gpu_milli());
    out_.fragmented_share[pct] = frag_.FragmentedShare(cluster_);
  }
  const InflationOptions& options_;
  const ClusterState& cluster_;
  const FragmentationModel& frag_;
  InflationResult& out_;
};

}  // namespace

int DefaultBatch(const std::string& policy) { return policy == "swarm" ? 32 : 1; }

Result<InflationResult> RunInflation(const std::vector<NodeSpec>& nodes, const std::vector<Request>& pods,
                                     const std::string& policy_name, const InflationOptions& options) {
  if (nodes.empty()) return InvalidArgument("nodes: the cluster has no node");
  if (pods.empty()) return InvalidArgument("pods: the pod list is empty");
  ClusterState cluster(nodes);
  if (cluster.total_gpu_milli() == 0) return InvalidArgument("nodes: the cluster has no healthy GPU");
  // The target workload: the pod list's shapes, counted (as the live scheduler counts
  // them, so both measure fragmentation with the same numbers).
  FragmentationModel frag(cluster);
  std::vector<TaskShape> shapes;
  for (const Request& r : pods) shapes.push_back(ShapeOf(r));
  for (const TaskShape& shape : shapes) frag.Add(shape);
  PolicyContext ctx{&frag, options.seed, options.swarm};
  ASSIGN_OR_RETURN(std::unique_ptr<PlacementPolicy> policy, MakePolicy(policy_name, ctx));
  std::unique_ptr<Scheduler> scheduler;
  if (options.live) {
    SchedulerOptions so;
    so.policy = policy_name;
    so.seed = options.seed;
    so.swarm = options.swarm;
    so.reserve_for_head = false;
    so.workload = shapes;
    ASSIGN_OR_RETURN(scheduler, Scheduler::Create(cluster, so));
  }
  const ClusterState& state = scheduler ? scheduler->cluster() : cluster;

  InflationResult out;
  out.policy = policy_name;
  out.seeds = {options.seed};
  Checkpoints checkpoints(options, state, frag, out);
  // One cycle: whether each request of the batch was placed (and is now applied).
  auto cycle = [&](const std::vector<Request>& batch, TimeMs now) {
    std::vector<bool> placed(batch.size(), false);
    if (scheduler) {
      std::vector<std::optional<JobId>> ids;
      for (Request r : batch) {
        r.priority = 0;
        auto id = scheduler->Submit(r, now);
        ids.push_back(id.ok() ? std::optional<JobId>(*id) : std::nullopt);
      }
      (void)scheduler->Schedule(now);
      for (size_t i = 0; i < batch.size(); ++i) {
        if (!ids[i]) continue;
        placed[i] = scheduler->Find(*ids[i])->state == JobState::kRunning;
        if (!placed[i]) (void)scheduler->Release(*ids[i]);  // the protocol drops a failed task
      }
      return placed;
    }
    std::vector<std::optional<Placement>> plan;
    if (batch.size() == 1) {
      plan.push_back(policy->Place(cluster, batch[0]));
    } else {
      plan = policy->PlaceBatch(cluster, batch);
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      const Demand d = cluster.Resolve(batch[i]);
      if (plan[i] && cluster.Fits(plan[i]->node, d, plan[i]->gpus)) {
        cluster.Apply(d, *plan[i]);
        placed[i] = true;
      }
    }
    return placed;
  };
  // The draw of tasks has its own generator, so every policy sees the same stream.
  Rng draw(options.seed * 0x9E3779B97F4A7C15ull + 1);
  const double limit = options.max_demand * static_cast<double>(cluster.total_gpu_milli());
  int64_t demand = 0;
  double decision_s = 0;
  bool exhausted = false;
  std::vector<Request> batch;
  for (TimeMs now = 0; !exhausted; ++now) {
    batch.clear();
    while (static_cast<int>(batch.size()) < std::max(1, options.batch)) {
      const Request& next = pods[draw.Below(pods.size())];
      if (static_cast<double>(demand + next.gpu.total_milli()) > limit) {
        exhausted = true;
        break;
      }
      demand += next.gpu.total_milli();
      batch.push_back(next);
    }
    if (batch.empty()) break;
    const auto start = std::chrono::steady_clock::now();
    const std::vector<bool> placed = cycle(batch, now);
    decision_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int64_t batch_demand = demand;
    for (const auto& r : batch) batch_demand -= r.gpu.total_milli();
    for (size_t i = 0; i < batch.size(); ++i) {
      out.tasks += 1;
      if (!placed[i]) {
        out.failures += 1;
        out.failed_gpu_demand += static_cast<double>(batch[i].gpu.total_milli()) / kMilliPerGpu;
      }
      batch_demand += batch[i].gpu.total_milli();
      checkpoints.Reached(batch_demand);
    }
  }
  checkpoints.Finish();
  out.decision_us_per_task = out.tasks > 0 ? decision_s * 1e6 / out.tasks : 0;
  return out;
}

Result<InflationResult> RunInflationSeeds(const std::vector<NodeSpec>& nodes,
                                          const std::vector<Request>& pods, const std::string& policy,
                                          const std::vector<uint64_t>& seeds, InflationOptions options,
                                          int threads) {
  if (seeds.empty()) return InvalidArgument("seeds: none given");
  std::vector<Result<InflationResult>> runs(seeds.size(), Result<InflationResult>(Internal("not run")));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < seeds.size(); i = next++) {
      InflationOptions o = options;
      o.seed = seeds[i];
      runs[i] = RunInflation(nodes, pods, policy, o);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::min<int>(threads, static_cast<int>(seeds.size())); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();

  InflationResult mean;
  mean.policy = policy;
  const double n = static_cast<double>(seeds.size());
  for (auto& run : runs) {
    if (!run.ok()) return run.status();
    mean.seeds.push_back(run->seeds[0]);
    for (auto [pct, v] : run->allocation_ratio) mean.allocation_ratio[pct] += v / n;
    for (auto [pct, v] : run->fragmented_share) mean.fragmented_share[pct] += v / n;
    mean.tasks += run->tasks / n;
    mean.failures += run->failures / n;
    mean.failed_gpu_demand += run->failed_gpu_demand / n;
    mean.decision_us_per_task += run->decision_us_per_task / n;
  }
  return mean;
}

Json ToJson(const InflationResult& r) {
  Json ratio = Json::object(), frag = Json::object();
  for (auto [pct, v] : r.allocation_ratio) ratio[std::to_string(pct)] = v;
  for (auto [pct, v] : r.fragmented_share) frag[std::to_string(pct)] = v;
  return Json{{"policy", r.policy},
              {"mode", "inflation"},
              {"seeds", r.seeds},
              {"gpu_allocation_ratio", ratio},
              {"fragmented_gpu_share", frag},
              {"tasks", r.tasks},
              {"placement_failures", r.failures},
              {"failed_gpu_demand", r.failed_gpu_demand},
              {"decision_us_per_task", r.decision_us_per_task}};
}

}  // namespace tandem::scheduler

namespace tandem::scheduler {

Result<std::vector<uint64_t>> ParseSeeds(const std::string& text, const std::string& field) {
  std::vector<uint64_t> seeds;
  auto bad = [&] { return InvalidArgument(field + ": expected S, A-B or S,S,..., got '" + text + "'"); };
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    const std::string part = text.substr(start, comma - start);
    const size_t dash = part.find('-');
    char* end = nullptr;
    const uint64_t first = std::strtoull(part.c_str(), &end, 10);
    if (end == part.c_str()) return bad();
    uint64_t last = first;
    if (dash != std::string::npos) {
      const char* tail = part.c_str() + dash + 1;
      last = std::strtoull(tail, &end, 10);
      if (end == tail || *end != '\0' || last < first || last - first > 10000) return bad();
    } else if (*end != '\0') {
      return bad();
    }
    for (uint64_t s = first; s <= last; ++s) seeds.push_back(s);
    start = comma + 1;
  }
  if (seeds.empty()) return bad();
  return seeds;
}

}  // namespace tandem::scheduler
