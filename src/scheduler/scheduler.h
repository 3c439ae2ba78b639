#pragma once
// The live scheduler: the one object the server (and the replay simulator) drives.
// Pure logic over a ClusterState; time is passed in (a fake clock in tests), nothing is
// persisted here (the server stores allocations and events).
//
// How the server wires it:
//   Scheduler s(ClusterState(config.nodes, config.oversubscription), options);
//   auto id = s.Submit(request, clock.NowMs());      // a job asks for resources
//   ScheduleResult r = s.Schedule(clock.NowMs());    // after every submit/release/tick
//     for (auto& a : r.started)   launch a.job with a.placement (CUDA_VISIBLE_DEVICES =
//                                  the GPU indices, MPS limits from a.compute_percent and
//                                  a.gpu_memory_mib)
//     for (auto& p : r.preempted) tell the job (checkpoint), stop it; it is queued again
//                                  and will appear in a later r.started
//   s.Release(id);                                   // the job finished or was stopped
//   s.DrainGpu(node, gpu, now) / s.DrainNode(node, now) on an NVML error or an admin's
//     `tandem resources drain`; the result says which jobs to stop or move
//   s.Snapshot() for `tandem resources` (ToJson).
//
// Semantics:
// - fixed jobs are never oversubscribed and never preempted; elastic jobs may share a
//   GPU's compute up to ClusterState::oversubscription() while GPU memory fits; under
//   contention each elastic job's compute share is proportional to milli x (1 + priority)
//   of what the fixed jobs leave.
// - The queue is ordered by priority (high first), then submission time, then id.
// - A job over its project's quota waits without blocking others.
// - A job that does not fit may preempt lower-priority elastic jobs: on the node where
//   it then fits with the fewest victims (ties: the lowest total victim priority, then
//   the lowest node index); victims are taken lowest priority first, most recently
//   started first, until it fits; then those it also fits without are spared (the most
//   valuable first). Victims are requeued with their original submission time.
// - Each cycle hands the pending queue (the jobs that may start now, in queue order) to
//   the policy's PlaceBatch, as the simulator does, so a policy that plans a queue
//   jointly (swarm) decides the same way in the server as in `tandem sim`. The plan is
//   carried out in queue order until the cluster departs from what it assumed (a job
//   it placed is over quota by then, a preemption, a new head); the rest is planned
//   again from there. For a policy that places one job at a time this is exactly one
//   Place per job on the state the earlier ones left.
// - The first job that still cannot start is the head: it reserves the node closest to
//   fitting it (the fewest missing GPU thousandths, then CPU); jobs behind it start only
//   if they are no larger than the head (GPU thousandths and CPU) and avoid that node
//   (backfill that does not delay the head). With reserve_for_head off there is no
//   head: a job that cannot start waits and holds nobody back (the FGD paper's
//   simulation protocol, which bench/scheduler's live mode replays).
// - Draining a GPU or a node: no new work lands there; its elastic jobs are requeued,
//   its fixed jobs moved to another placement at once (requeued if none fits); each
//   step is an Event.
// Not thread-safe: the server serialises calls.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "scheduler/cluster.h"
#include "scheduler/policy.h"
#include "scheduler/workload.h"

namespace tandem::scheduler {

using JobId = uint64_t;

struct ProjectQuota {
  int64_t gpu_milli = -1;  // -1 = unlimited
  int64_t cpu_milli = -1;
  int64_t memory_mib = -1;
};

struct SchedulerOptions {
  std::string policy = "best-fit";  // a greedy policy that needs no workload model
  uint64_t seed = 42;
  std::map<std::string, ProjectQuota> quotas;  // projects not listed are unlimited
  bool backfill = true;
  bool reserve_for_head = true;
  SwarmOptions swarm;
  // fgd/swarm: the target workload fragmentation is measured against, one shape per
  // task (the counts make the frequencies). Empty: the shapes of the jobs in the table,
  // counted as they are submitted and released.
  std::vector<TaskShape> workload;
};

struct Allocation {
  JobId job = 0;
  Placement placement;
  int compute_percent = 100;  // per GPU; for CUDA_MPS_ACTIVE_THREAD_PERCENTAGE
  int64_t gpu_memory_mib = 0; // per GPU; 0 = the whole GPU's memory
};

struct Event {
  TimeMs at = 0;
  std::string kind;  // "started", "preempted", "requeued", "moved", "drained"
  JobId job = 0;     // 0 for device events
  std::string detail;
};

struct ScheduleResult {
  std::vector<Allocation> started;
  std::vector<JobId> preempted;  // stopped and queued again
  std::vector<Allocation> moved; // fixed jobs moved off a drained device (restart there)
  std::vector<Event> events;
};

enum class JobState { kPending, kRunning };

struct JobInfo {
  JobId id = 0;
  Request request;
  JobState state = JobState::kPending;
  TimeMs submitted_ms = 0;
  TimeMs started_ms = -1;
  std::optional<Placement> placement;
  int preemptions = 0;
  std::string waiting_reason;  // why a pending job is not running yet
};

class Scheduler {
 public:
  // kInvalidArgument for an unknown policy. fgd and swarm measure fragmentation against
  // options.workload, or else the shapes of the jobs in the table.
  static Result<std::unique_ptr<Scheduler>> Create(ClusterState cluster, SchedulerOptions options);

  // Queues a job. kInvalidArgument when no node of the cluster could ever host it
  // (even empty and healthy) or it asks for more than its project's quota.
  Result<JobId> Submit(const Request& request, TimeMs now);
  // Books a job that is already running at `where` (its process outlived a server
  // restart). kFailedPrecondition when it no longer fits there (the cluster changed, or
  // those GPUs are not the node's); kInvalidArgument for a node the cluster lacks.
  Result<JobId> Adopt(const Request& request, const Placement& where, TimeMs now);
  // Starts what can start now, preempting where priorities say so.
  ScheduleResult Schedule(TimeMs now);
  // Frees a running job's resources (or drops a pending one) and forgets the job: Find
  // returns null after. kNotFound for an unknown or already released job.
  Status Release(JobId job);
  ScheduleResult DrainGpu(int node, int gpu, TimeMs now);
  ScheduleResult DrainNode(int node, TimeMs now);
  // Makes a drained GPU (or node) take work again.
  void Restore(int node, int gpu);
  void RestoreNode(int node);

  const ClusterState& cluster() const { return cluster_; }
  const JobInfo* Find(JobId job) const;
  std::vector<JobId> PendingInOrder() const;
  // The compute percent per GPU the job gets now (100 x its share of one GPU).
  int ComputePercent(JobId job) const;
  // Devices, environments, allocations, utilization and the queue, for `tandem resources`.
  Json Snapshot() const;

 private:
  Scheduler(ClusterState cluster, SchedulerOptions options);
  bool WithinQuota(const Request& r) const;
  // Whether a pending job may start in this cycle at all, behind `head` if there is one.
  bool MayStart(const JobInfo& job, const std::optional<Request>& head) const;
  // The policy's joint placement of `queue` with `avoid_node` (if >= 0) hidden.
  std::vector<std::optional<Placement>> PlanAvoiding(const std::vector<Request>& queue, int avoid_node);
  // Victims on the best node for `job`, and the placement it then gets; nullopt if none.
  std::optional<std::pair<std::vector<JobId>, Placement>> FindPreemption(const JobInfo& job);
  int ReservedNodeFor(const Request& r) const;
  // A new pending job in the table, with the next id.
  JobInfo& NewJob(const Request& request, TimeMs now);
  void Start(JobInfo& job, const Placement& p, TimeMs now, ScheduleResult& out);
  // Gives back a running job's resources and its project's quota share.
  void Unbook(JobInfo& job);
  void Requeue(JobInfo& job, TimeMs now, const std::string& kind, const std::string& why, ScheduleResult& out);
  ScheduleResult EvacuateNode(int node, GpuMask gpus, TimeMs now, const std::string& what);
  Allocation AllocationOf(const JobInfo& job) const;

  ClusterState cluster_;
  SchedulerOptions options_;
  std::map<JobId, JobInfo> jobs_;
  JobId next_id_ = 1;
  std::map<std::string, ProjectQuota> used_;  // per project, running jobs
  ClusterState empty_;  // the cluster with nothing placed: what a node could ever host
  // fgd/swarm: the fragmentation model; it counts the shapes of the job table unless
  // options_.workload fixed them. Made once with the policy, so the policy's random
  // stream runs on from cycle to cycle as in the simulator.
  std::unique_ptr<FragmentationModel> frag_;
  bool counts_jobs_ = false;
  std::unique_ptr<PlacementPolicy> policy_;
};

}  // namespace tandem::scheduler
