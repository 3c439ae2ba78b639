#pragma once
// Replay mode of the simulator: jobs of a pod list arrive as a Poisson process scaled so
// that their GPU demand loads the cluster to `load`, run for their trace durations
// (deletion - creation; exponential with mean `default_duration_s` when the list has no
// times), and go through the live Scheduler (queue, priorities, preemption, backfill)
// on a virtual clock. Preempted work resumes where it stopped when restarted (it was
// told and checkpointed).
#include <cstdint>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "scheduler/cluster.h"
#include "scheduler/trace.h"

namespace tandem::scheduler {

struct ReplayOptions {
  std::string policy = "best-fit";
  uint64_t seed = 42;
  double load = 0.9;                // offered GPU demand / cluster GPUs
  // Arrivals drawn (with replacement) from the list. At load L the cluster holds about
  // L x GPUs / (mean GPUs per job) jobs at once; many more arrivals than that are needed
  // to see it loaded (openb: ~7,000 in flight, so 20,000 arrivals).
  int jobs = 20000;
  double default_duration_s = 3600;
  // Trace durations are heavy-tailed (a few pods live for months); longer ones are cut
  // here so that one pod does not stretch the run.
  double max_duration_s = 2 * 3600;
  double oversubscription = 1.0;
  // Start with the jobs a cluster at `load` would already be running (replay.cc), so the
  // whole run is loaded; otherwise it fills from empty and is measured from the arrival
  // of the first quarter of the jobs.
  bool warm_start = true;
};

struct ReplayResult {
  std::string policy;
  uint64_t seed = 0;
  int jobs = 0;
  double mean_queueing_s = 0, p95_queueing_s = 0;
  double mean_jct_s = 0, p95_jct_s = 0;
  // Time-weighted, from the start (warm start) or the arrival of the first quarter of
  // the jobs (the warm-up otherwise) to the last arrival: the loaded window.
  double mean_gpu_utilization = 0;
  std::vector<std::pair<double, double>> utilization;     // (time s, allocated share), ~50 points
  int preemptions = 0;
  double makespan_s = 0;
  double decision_us_per_cycle = 0;
};

Result<ReplayResult> RunReplay(const std::vector<NodeSpec>& nodes, const std::vector<TracePod>& pods,
                               const ReplayOptions& options);

Json ToJson(const ReplayResult& r);

}  // namespace tandem::scheduler
