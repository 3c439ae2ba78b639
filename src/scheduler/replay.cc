#include "scheduler/replay.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <queue>

#include "scheduler/policy.h"
#include "scheduler/scheduler.h"

namespace tandem::scheduler {

namespace {

struct SimEvent {
  double at;
  int kind;  // 0 = completion (first at equal times, frees room), 1 = arrival
  uint64_t ref;   // arrival: index into the drawn jobs; completion: the job id
  uint64_t epoch; // completion: the run it belongs to (a preempted run's end is stale)
  bool operator>(const SimEvent& o) const { return std::tie(at, kind, ref) > std::tie(o.at, o.kind, o.ref); }
};

struct JobRun {
  double submitted = 0;
  double remaining = 0;  // seconds of work left
  double started = -1;   // current run's start, -1 when not running
  double first_start = -1;
  uint64_t epoch = 0;
  bool counted = true;  // false for the jobs the run starts with (see warm start)
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

}  // namespace

Result<ReplayResult> RunReplay(const std::vector<NodeSpec>& nodes, const std::vector<TracePod>& pods,
                               const ReplayOptions& options) {
  if (nodes.empty() || pods.empty()) return InvalidArgument("replay: needs nodes and pods");
  if (options.load <= 0) return InvalidArgument("--load: must be positive");
  SchedulerOptions sched_options;
  sched_options.policy = options.policy;
  sched_options.seed = options.seed;
  ASSIGN_OR_RETURN(std::unique_ptr<Scheduler> scheduler,
                   Scheduler::Create(ClusterState(nodes, options.oversubscription), sched_options));
  const double total_gpus = static_cast<double>(scheduler->cluster().total_gpu_milli()) / kMilliPerGpu;

  // Draw the jobs and their durations, then scale arrivals to the asked load:
  // rate = load x GPUs / (mean GPU demand x mean duration).
  Rng draw(options.seed);
  std::vector<const TracePod*> drawn;
  std::vector<double> durations;
  double gpu_seconds = 0;
  for (int i = 0; i < options.jobs; ++i) {
    const TracePod* p = &pods[draw.Below(pods.size())];
    double d = 0;
    if (p->creation_s && p->deletion_s && *p->deletion_s > *p->creation_s) {
      d = *p->deletion_s - *p->creation_s;
    } else {
      d = -std::log(1 - draw.Unit()) * options.default_duration_s;
    }
    drawn.push_back(p);
    durations.push_back(std::clamp(d, 1.0, std::max(1.0, options.max_duration_s)));
    gpu_seconds += durations.back() * static_cast<double>(p->request.gpu.total_milli()) / kMilliPerGpu;
  }
  const double mean_gpu_seconds = gpu_seconds / options.jobs;
  if (mean_gpu_seconds <= 0) return InvalidArgument("replay: the drawn jobs ask for no GPU time");
  const double rate = options.load * total_gpus / mean_gpu_seconds;  // arrivals per second

  std::priority_queue<SimEvent, std::vector<SimEvent>, std::greater<>> events;
  double t = 0, warm = 0;
  for (int i = 0; i < options.jobs; ++i) {
    t += -std::log(1 - draw.Unit()) / rate;
    events.push({t, 1, static_cast<uint64_t>(i), 0});
    if (i == options.jobs / 4) warm = t;  // without a warm start, the first quarter fills the cluster
  }
  const double last_arrival = t;
  if (options.warm_start) {
    // The jobs a cluster at this load is running at any moment: rate x mean duration of
    // them (Little's law), each drawn in proportion to its duration (a long job is more
    // likely to be running at a given moment) with a uniform part of it left. Their GPU
    // demand is then load x GPUs on average. Without them the cluster is loaded only
    // once the longest jobs' time has passed (2 h of virtual time), which the arrivals
    // barely cover. They count for utilization, not for queueing or completion times.
    double total_s = 0;
    std::vector<double> cumulative;
    for (double d : durations) cumulative.push_back(total_s += d);
    const int running = static_cast<int>(std::lround(rate * total_s / options.jobs));
    for (int j = 0; j < running; ++j) {
      const size_t k = std::min<size_t>(
          std::lower_bound(cumulative.begin(), cumulative.end(), draw.Unit() * total_s) - cumulative.begin(),
          durations.size() - 1);
      drawn.push_back(drawn[k]);
      durations.push_back(std::max(1.0, draw.Unit() * durations[k]));
      events.push({0.0, 1, drawn.size() - 1, 0});
    }
    warm = 0;
  }

  ReplayResult out;
  out.policy = options.policy;
  out.seed = options.seed;
  out.jobs = options.jobs;
  std::map<JobId, JobRun> runs;
  std::vector<double> queueing, jct;
  std::vector<std::pair<double, double>> samples;
  double last_t = 0, util_area = 0, decision_s = 0;
  int cycles = 0;
  while (!events.empty()) {
    const double now = events.top().at;
    const double util = static_cast<double>(scheduler->cluster().allocated_gpu_milli()) /
                        static_cast<double>(scheduler->cluster().total_gpu_milli());
    const double from = std::max(last_t, warm), to = std::min(now, last_arrival);
    if (to > from) util_area += util * (to - from);
    last_t = now;
    samples.emplace_back(now, util);
    // Everything that happens at this instant, then one scheduling cycle.
    while (!events.empty() && events.top().at == now) {
      const SimEvent e = events.top();
      events.pop();
      if (e.kind == 1) {
        auto id = scheduler->Submit(drawn[e.ref]->request, static_cast<TimeMs>(now * 1000));
        if (!id.ok()) continue;  // no node could ever host it: not part of the load
        runs[*id] = JobRun{now, durations[e.ref], -1, -1, 0, e.ref < static_cast<uint64_t>(options.jobs)};
      } else {
        JobRun& run = runs[e.ref];
        if (run.epoch != e.epoch || run.started < 0) continue;
        (void)scheduler->Release(e.ref);
        if (run.counted) jct.push_back(now - run.submitted);
        run.started = -1;
      }
    }
    const auto start = std::chrono::steady_clock::now();
    ScheduleResult r = scheduler->Schedule(static_cast<TimeMs>(now * 1000));
    decision_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++cycles;
    for (JobId victim : r.preempted) {
      JobRun& run = runs[victim];
      run.remaining -= now - run.started;
      run.started = -1;
      ++run.epoch;
      ++out.preemptions;
    }
    for (const Allocation& a : r.started) {
      JobRun& run = runs[a.job];
      if (run.first_start < 0) {
        run.first_start = now;
        if (run.counted) queueing.push_back(now - run.submitted);
      }
      run.started = now;
      events.push({now + std::max(0.0, run.remaining), 0, a.job, run.epoch});
    }
  }
  out.makespan_s = last_t;
  out.mean_queueing_s = Mean(queueing);
  out.p95_queueing_s = Percentile(queueing, 0.95);
  out.mean_jct_s = Mean(jct);
  out.p95_jct_s = Percentile(jct, 0.95);
  out.mean_gpu_utilization = last_arrival > warm ? util_area / (last_arrival - warm) : 0;
  const size_t stride = std::max<size_t>(1, samples.size() / 50);
  for (size_t i = 0; i < samples.size(); i += stride) out.utilization.push_back(samples[i]);
  out.decision_us_per_cycle = cycles ? decision_s * 1e6 / cycles : 0;
  return out;
}

Json ToJson(const ReplayResult& r) {
  Json series = Json::array();
  for (auto [at, util] : r.utilization) series.push_back({{"t_s", at}, {"gpu", util}});
  return Json{{"policy", r.policy},
              {"mode", "replay"},
              {"seed", r.seed},
              {"jobs", r.jobs},
              {"queueing_delay_s", {{"mean", r.mean_queueing_s}, {"p95", r.p95_queueing_s}}},
              {"jct_s", {{"mean", r.mean_jct_s}, {"p95", r.p95_jct_s}}},
              {"mean_gpu_utilization", r.mean_gpu_utilization},
              {"utilization_over_time", series},
              {"preemptions", r.preemptions},
              {"makespan_s", r.makespan_s},
              {"decision_us_per_cycle", r.decision_us_per_cycle}};
}

}  // namespace tandem::scheduler
