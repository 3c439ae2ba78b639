#pragma once
// The DAG engine: turns submitted pipelines into runs and tasks in the store, starts
// each task under the task contract (operators/task_contract.h) when its inputs are
// ready, watches it, records its outputs as artifacts, and carries unfinished runs over
// a server restart.
//
// Layout of one attempt (task_dir in the store is relative to data_dir):
//   <data_dir>/runs/<run_id>/<node>/attempt-<n>/
//     task.json  outputs.json  stdout.log  stderr.log  out/<port>/...
//
// task.outputs in the store (TaskRecord::outputs):
//   "<port>":      {"digest": <sha256>, "type": <port type>, "meta": {...}}  per output port
//   "_metrics":    the operator's outputs.json "metrics" (present when non-empty)
//   "_registered": {"model": <name>, "version": <n>}  when the task registered a model
// task.cache_key: sha256 of operator, resolved params and inputs with their meta (cache_key.h);
//   a task is `cached` (outputs copied, nothing run) when an earlier task with its key
//   succeeded, unless its node says cache: false, the run was submitted no_cache, or
//   its operator is never cached (registrations and other side effects).
// Per node (node_options.h): failed attempts are retried after backoff * 2^(attempt-1)
//   as new attempts, the task pending meanwhile with message "retrying in 2s (attempt
//   2 of 3)"; an attempt past its timeout gets SIGTERM, SIGKILL after kill_grace_ms,
//   and fails with "timed out after 30s"; a false `when` makes the task and everything
//   that depends on it `skipped`, which a run may end with and still succeed.
// task.inputs: "<port>": {"digest", "type", "from": "<node>.<port>"}; a resolved dataset
// is "dataset": {"digest", "type": "table", "dataset": {"name", "version", "id"}}.
//
// Thread-safety: Submit, Cancel, Tick and Recover may be called from any thread; one
// mutex guards the engine's state and is never held while the loop sleeps. The loop
// sleeps until a task's process exits (a pidfd), a Submit or Cancel, or
// poll_interval_ms, so the next task starts within a fraction of a millisecond of the
// last one's exit (bench/engine).
// Engine code never forks or reads the clock itself: it uses the Launcher and Clock.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/launcher.h"
#include "core/status.h"
#include "operators/catalog.h"
#include "operators/runtime.h"
#include "operators/task_contract.h"
#include "resources/broker.h"
#include "store/artifact_store.h"
#include "store/store.h"

namespace tandem::workflow {

struct EngineOptions {
  std::string data_dir;                     // task dirs live under <data_dir>/runs/
  int max_parallel = 2;                     // tasks running at once, over all runs
  operators::RuntimeConfig runtime;         // how tasks of each runtime start
                                            // (operators/runtime.h)
  int poll_interval_ms = 20;  // the loop's longest sleep; exits and submits wake it sooner
  // false: the loop sleeps the whole poll interval whatever happens (how it was before
  // engine_wake.h; bench/engine measures both).
  bool wake_on_exit = true;
  int kill_grace_ms = 5000;  // Cancel: SIGTERM, then SIGKILL when still alive after this
  std::map<std::string, std::string> task_env;  // added to every task's environment
  // Where tasks get their resources (engine_resources.cc): each ready task asks for its
  // node's `resources` over its operator's defaults, waits (pending, "waiting for
  // resources: ...") until granted, and starts confined to its grant. Preempted tasks
  // get SIGTERM (SIGKILL after kill_grace_ms), go back to pending without using up a
  // retry, and start again as a new attempt when granted again. nullptr: tasks start as
  // max_parallel allows, with no limits (unit tests of the loop alone).
  resources::ResourceBroker* broker = nullptr;
};

struct SubmitOptions {
  // Values of the pipeline's declared params (over their defaults); the resolved values
  // of all of them are recorded on the run (RunRecord::params).
  Json params = Json::object();
  // Runs every task even when an earlier task with the same cache key succeeded.
  bool no_cache = false;
  // Accepts draft (unpublished) operators, for trying them out.
  bool allow_drafts = false;
  // What submitted the run ("" = by hand; "schedule:nightly"), kept with no_cache as the
  // run's origin (store::RunOrigin) so a restarted server honours no_cache too.
  std::string trigger;
};

struct RunState;   // engine-private (engine_state.h)
struct TaskState;  // engine-private (engine_state.h)
class LoopWaker;   // engine-private (engine_wake.h)

class Engine {
 public:
  // Every reference must outlive the engine.
  Engine(EngineOptions options, store::Store& store, store::ArtifactStore& artifacts,
         const operators::Catalog& catalog, Launcher& launcher, Clock& clock);
  ~Engine();  // Stop()s the thread; running task processes are left running (adopted
              // by the next Start).
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Recover()s, then starts the loop thread that Tick()s every poll_interval_ms.
  // kFailedPrecondition when already started.
  Status Start();
  // Stops and joins the loop thread. Idempotent.
  void Stop();

  // Parses and validates the YAML (kInvalidArgument naming every problem, including
  // "nodes.load.params.dataset: unknown dataset 'x'"), records the pipeline version, the
  // run and all its tasks (pending) in one store transaction, and returns the run.
  Result<store::RunRecord> Submit(const std::string& pipeline_yaml, const SubmitOptions& = {});

  // SIGTERMs running tasks' process groups (SIGKILL after kill_grace_ms, sent by Tick),
  // and marks every unfinished task and the run cancelled in one transaction.
  // kNotFound for an unknown run, kFailedPrecondition for a finished one.
  Status Cancel(const std::string& run_id);

  // One pass: polls running tasks (progress, completion), cancels tasks whose inputs
  // can never come, finishes runs, and starts ready tasks up to max_parallel. Failures
  // of single tasks are recorded on them; nothing here throws or returns an error.
  void Tick();

  // Adopts the unfinished runs in the store without starting the thread: finished
  // tasks are kept, running tasks whose process lives are watched again, running tasks
  // whose process is gone start again as a new attempt, pending tasks proceed.
  Status Recover();

  // Tasks this engine watches right now (running, or cancelled and not yet exited).
  int RunningCount() const;

 private:
  struct Running;  // a watched task process (engine_running.h)

  Status AdoptRun(const store::RunRecord& run);
  void PollRunning(Running& r, bool* finished);
  // SIGTERM to the task's process group, SIGKILL due kill_grace_ms later.
  void Terminate(Running& r);
  // The SIGKILL that Terminate scheduled, once it is due (once).
  void KillAfterGrace(Running& r);
  void StartReadyTasks();
  void FinishRuns();
  Status StartTask(RunState& run, size_t task, const std::optional<resources::Grant>& grant);
  // engine_resources.cc: the task's grant, nullopt while it waits (its message says
  // why), an error when it can never be granted.
  Result<std::optional<resources::Grant>> AcquireResources(RunState& run, size_t task);
  // A task whose process outlived a restart: booked again on the node and GPUs its
  // task.json names, else asked for like a new one.
  void AdoptResources(RunState& run, size_t task, const std::string& task_dir);
  // Gives a task's queued or granted resources back (no-op without a job).
  void ReleaseResources(TaskState& task);
  // Stops the running tasks the broker preempted (or moved); run at the start of a Tick.
  void StopPreempted();
  // A preempted attempt has exited: the task is pending again, still queued for its
  // resources, and the attempt does not count against its retries.
  void RequeuePreempted(RunState& run, Running& r);
  // Writes `next` (a task that starts running or is served from the cache) with the
  // provenance of its inputs, and the run's own start when it is its first task, in one
  // transaction; updates the in-memory records only when that lands.
  Status RecordTaskBegun(RunState& run, size_t task, store::TaskRecord next,
                         const std::map<std::string, operators::InputArtifact>& inputs);
  // Sets the task's cache key (cache_key.h) and, when an earlier task with that key
  // succeeded and the node and run allow it, records the task cached with that task's
  // outputs. True when the task is done without running.
  bool TryCache(RunState& run, size_t task);
  void CompleteTask(RunState& run, Running& r, const ExitInfo& exit);
  void FailTask(RunState& run, size_t task, const std::string& error, int exit_code);
  // A failed attempt: back to pending for a retry after backoff * 2^(attempt-1) while
  // the node's retries last, else FailTask.
  void FailAttempt(RunState& run, size_t task, const std::string& error, int exit_code);
  // Ends a pending task without running it (skipped or cancelled), in the store first.
  void EndUnrun(RunState& run, size_t task, const std::string& state, const std::string& why);
  // The operator inputs of a task from its producers' recorded outputs (and its dataset).
  Result<std::map<std::string, operators::InputArtifact>> InputsOf(const RunState& run,
                                                                   size_t task);
  Json LineageFor(const RunState& run, size_t task) const;
  void Loop();

  EngineOptions options_;
  store::Store& store_;
  store::ArtifactStore& artifacts_;
  const operators::Catalog& catalog_;
  Launcher& launcher_;
  Clock& clock_;

  mutable std::mutex mu_;  // guards everything below
  std::map<std::string, std::unique_ptr<RunState>> runs_;  // unfinished runs by id
  std::vector<std::string> run_order_;                     // ids, oldest first
  std::vector<std::unique_ptr<Running>> running_;

  // What the loop sleeps on: a task's exit, Wake() from Submit/Cancel/Stop, or the poll
  // interval (engine_wake.h).
  std::unique_ptr<LoopWaker> waker_;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
};

}  // namespace tandem::workflow
