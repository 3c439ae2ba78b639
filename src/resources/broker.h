#pragma once
// The server's one front to the live scheduler (scheduler/scheduler.h): the engine asks
// it for each task's resources, the service manager for each replica's fixed slice of
// the inference environment, an admin drains and restores devices through it, and
// `tandem resources` reads its snapshot.
//
// Every job has an owner ("engine", "services") and a holder, the words `tandem
// resources` shows for it ("run-x/train attempt 2", "service fraud replica rep-y").
// What the scheduler decides on its own — a job preempted for a higher-priority one,
// a fixed job moved off a drained device — is queued as a Notice for the owner, who
// takes them on its next pass (TakeNotices) and acts: stops the process (it stays
// queued and is granted again later) or restarts it on its new placement.
//
// Device events (drained, restored, preempted, moved) are kept, the last kMaxEvents of
// them, and logged. Thread-safe: one mutex around the scheduler; nothing blocks under it.
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "scheduler/scheduler.h"

namespace tandem::resources {

using scheduler::JobId;

// Where a started job runs and what it holds.
struct Grant {
  JobId job = 0;
  std::string node;            // the node's name
  std::vector<int> gpus;       // GPU indices on that node (NVML order for a probed node)
  bool gpu_slice = false;      // a fraction of one GPU rather than whole GPUs
  int compute_percent = 100;   // per GPU, its share now (elastic shares move with load)
  int64_t gpu_memory_mib = 0;  // per GPU for a slice with a memory ask; 0 = not capped
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;
};

struct Notice {
  enum class Kind { kPreempted, kMoved };
  Kind kind = Kind::kPreempted;
  JobId job = 0;
  std::string why;
};

class ResourceBroker {
 public:
  static constexpr size_t kMaxEvents = 500;

  explicit ResourceBroker(std::unique_ptr<scheduler::Scheduler> scheduler, Clock& clock);

  // Queues the request and schedules. kInvalidArgument (naming what cannot fit, e.g.
  // "needs 4 CPUs; the largest node has 2") when no node could ever host it.
  Result<JobId> Submit(const std::string& owner, const std::string& holder,
                       const scheduler::Request& request);
  // Books a job whose process already runs on `node` with `gpus` (it outlived a server
  // restart; its task.json or replica names the grant). An error when that node or
  // those GPUs no longer take it; the caller then submits it as new.
  Result<JobId> Adopt(const std::string& owner, const std::string& holder, const scheduler::Request& request,
                      const std::string& node, const std::vector<int>& gpus);
  // The job's grant once it is started; nullopt while it waits (and for unknown jobs).
  std::optional<Grant> Granted(JobId job) const;
  // Why a queued job has not started ("" when running or unknown).
  std::string WaitingReason(JobId job) const;
  // Gives the job's resources back (or drops it from the queue) and schedules the
  // others. Unknown or already released jobs are ignored.
  void Release(JobId job);
  // The owner's notices since the last call, oldest first.
  std::vector<Notice> TakeNotices(const std::string& owner);

  // Takes a node ("box") or one GPU ("box/1") out of service: no new work lands there,
  // its elastic jobs are preempted (requeued), its fixed jobs moved. `by` names who
  // asked ("admin", "nvml"). kNotFound for an unknown node or GPU.
  Status Drain(const std::string& device, const std::string& by);
  Status Restore(const std::string& device, const std::string& by);

  // scheduler::Scheduler::Snapshot plus, per job, its holder and owner, the policy,
  // and "events": the recent device and preemption events, newest last.
  Json Snapshot() const;

 private:
  struct Holder {
    std::string owner;
    std::string holder;
  };
  // Runs the scheduler and turns what it decided into notices and events. mu_ held.
  void ScheduleLocked();
  void Absorb(const scheduler::ScheduleResult& result);
  void Record(const std::string& kind, JobId job, const std::string& detail);
  Grant GrantOf(JobId job) const;  // REQUIRES: running; mu_ held
  Result<std::pair<int, int>> ParseDevice(const std::string& device) const;  // node, gpu (-1: all)

  mutable std::mutex mu_;
  std::unique_ptr<scheduler::Scheduler> scheduler_;
  Clock& clock_;
  std::map<JobId, Holder> holders_;
  std::map<std::string, std::vector<Notice>> notices_;  // by owner
  std::deque<Json> events_;
};

}  // namespace tandem::resources
