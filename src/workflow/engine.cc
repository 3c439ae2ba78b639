// The engine's loop: start ready tasks, watch running ones, finish runs.
// Submit, Cancel and Recover live in engine_submit.cc, retries and skips in
// engine_attempts.cc, the cache in engine_cache.cc.
#include "workflow/engine.h"

#include <signal.h>

#include <algorithm>

#include "core/log.h"
#include "operators/foreign_inputs.h"
#include "resources/grant_limits.h"
#include "resources/resource_request.h"
#include "workflow/duration.h"
#include "workflow/engine_running.h"
#include "workflow/engine_state.h"
#include "workflow/engine_wake.h"
#include "workflow/registration.h"
#include "workflow/task_launch.h"
#include "workflow/task_logs.h"
#include "workflow/task_outputs.h"

namespace tandem::workflow {

namespace fs = std::filesystem;
using store::state::IsTerminal;
namespace st = store::state;

Engine::Engine(EngineOptions options, store::Store& store, store::ArtifactStore& artifacts,
               const operators::Catalog& catalog, Launcher& launcher, Clock& clock)
    : options_(std::move(options)), store_(store), artifacts_(artifacts), catalog_(catalog),
      launcher_(launcher), clock_(clock), waker_(std::make_unique<LoopWaker>()) {
  // task.json carries absolute paths: the operator runs with its own cwd.
  std::error_code ec;
  fs::path abs = fs::absolute(options_.data_dir, ec);
  if (!ec) options_.data_dir = abs.lexically_normal().string();
  if (options_.max_parallel < 1) options_.max_parallel = 1;
  if (options_.poll_interval_ms < 1) options_.poll_interval_ms = 1;
}

Engine::~Engine() { Stop(); }

Status Engine::Start() {
  if (thread_.joinable()) return FailedPrecondition("the engine is already started");
  RETURN_IF_ERROR(Recover());
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void Engine::Stop() {
  stop_ = true;
  waker_->Wake();
  if (thread_.joinable()) thread_.join();
}

void Engine::Loop() {
  while (!stop_) {
    Tick();
    std::vector<int> exit_fds;
    if (options_.wake_on_exit) {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& r : running_) exit_fds.push_back(r->exit_watch.fd());
    }
    // Not Clock::SleepMs: an exit, a Submit or Stop() wakes the loop at once.
    waker_->Wait(exit_fds, options_.poll_interval_ms);
  }
}

int Engine::RunningCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(running_.size());
}

void Engine::Tick() {
  std::lock_guard<std::mutex> lock(mu_);
  StopPreempted();
  for (size_t i = 0; i < running_.size();) {
    bool finished = false;
    Running& r = *running_[i];
    PollRunning(r, &finished);
    if (finished) {
      // A preempted task stays queued for its next attempt; anything else gives back.
      if (options_.broker != nullptr && r.job != 0 && (r.cancelled || !r.preempted)) {
        options_.broker->Release(r.job);
        if (auto it = runs_.find(r.run_id); it != runs_.end() && it->second->tasks[r.task].job == r.job) {
          it->second->tasks[r.task].job = 0;
        }
      }
      running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  FinishRuns();
  StartReadyTasks();
}

void Engine::Terminate(Running& r) {
  Status st = launcher_.Kill(r.handle, SIGTERM);
  if (!st.ok()) spdlog::warn("task {}: SIGTERM: {}", r.task_id, st.ToString());
  r.kill_at_ms = clock_.NowMs() + options_.kill_grace_ms;
}

void Engine::KillAfterGrace(Running& r) {
  if (r.sigkill_sent || clock_.NowMs() < r.kill_at_ms) return;
  Status st = launcher_.Kill(r.handle, SIGKILL);
  if (!st.ok()) spdlog::warn("task {}: SIGKILL: {}", r.task_id, st.ToString());
  r.sigkill_sent = true;
}

void Engine::PollRunning(Running& r, bool* finished) {
  if (r.cancelled) {
    // The run is gone from memory; only the process is left to end.
    if (launcher_.Poll(r.handle).has_value() || !launcher_.Alive(r.handle)) {
      *finished = true;
      return;
    }
    KillAfterGrace(r);
    return;
  }
  auto it = runs_.find(r.run_id);
  if (it == runs_.end()) {  // cannot happen: a run leaves memory only once its tasks end
    *finished = true;
    return;
  }
  RunState& run = *it->second;
  TaskState& task = run.tasks[r.task];
  // Progress before the exit check, so the last lines of a finished task count too.
  double fraction = task.rec.progress;
  std::string message = task.rec.message;
  r.stdout_follower.Follow(r.task_dir / "stdout.log", [&](const std::string& line) {
    double f;
    std::string m;
    if (operators::ParseProgressLine(line, &f, &m)) {
      fraction = f;
      message = m;
    }
  });
  std::optional<ExitInfo> exit = launcher_.Poll(r.handle);
  if (r.preempted) {
    if (exit) {
      RequeuePreempted(run, r);
      *finished = true;
    } else {
      KillAfterGrace(r);
    }
    return;
  }
  const int64_t timeout_ms = task.options.timeout_ms;
  if (!exit && timeout_ms > 0) {
    const TimeMs now = clock_.NowMs();
    if (!r.timed_out && now - task.rec.started_ms >= timeout_ms) {
      Terminate(r);
      r.timed_out = true;
    } else if (r.timed_out) {
      KillAfterGrace(r);
    }
  }
  if (!exit && (fraction != task.rec.progress || message != task.rec.message)) {
    store::TaskRecord next = task.rec;
    next.progress = fraction;
    next.message = message;
    Status st = store_.UpdateTask(next);
    if (st.ok()) {
      task.rec = std::move(next);
    } else {
      spdlog::warn("task {}: recording progress: {}", task.rec.id, st.ToString());
    }
  }
  if (!exit) return;
  task.rec.progress = fraction;
  task.rec.message = message;
  if (r.timed_out) {
    FailAttempt(run, r.task, "timed out after " + FormatDuration(timeout_ms),
                exit->signaled ? 128 + exit->signal : exit->code);
  } else {
    CompleteTask(run, r, *exit);
  }
  *finished = true;
}

void Engine::CompleteTask(RunState& run, Running& r, const ExitInfo& exit) {
  TaskState& task = run.tasks[r.task];
  operators::RemoveForeignInputs(r.task_dir.string());  // an exec task's CSV inputs
  const bool have_outputs = fs::exists(r.task_dir / "outputs.json");
  // An adopted process is not our child: its exit code is unknown (-1), and a valid
  // outputs.json is the only evidence that it succeeded.
  const bool unknown_exit = !exit.signaled && exit.code == -1;
  if (!exit.success() && !(unknown_exit && have_outputs)) {
    std::string error = unknown_exit ? "process ended (exit code unknown) without outputs.json"
                                     : exit.Describe();
    std::string last = LastNonEmptyLine(r.task_dir / "stderr.log");
    if (!last.empty()) error += ": " + last;
    FailAttempt(run, r.task, error, exit.signaled ? 128 + exit.signal : exit.code);
    return;
  }
  auto collected = CollectOutputs(r.task_dir, task.def, artifacts_);
  if (!collected.ok()) {
    FailAttempt(run, r.task, collected.status().message(), exit.code);
    return;
  }
  store::TaskRecord next = task.rec;
  next.state = st::kSucceeded;
  next.exit_code = 0;
  next.progress = 1;
  next.finished_ms = clock_.NowMs();
  next.outputs = std::move(collected->outputs);

  std::optional<store::ModelVersionRecord> model;
  if (!collected->register_model.is_null()) {
    auto v = ModelVersionFor(collected->register_model, r.inputs, LineageFor(run, r.task));
    if (!v.ok()) {
      FailTask(run, r.task, v.status().message(), 0);
      return;
    }
    model = std::move(*v);
  }
  // The model version and the task's success land together or not at all: a crash
  // never leaves a registered model whose task looks unfinished, or the reverse.
  Status st = store_.Transaction([&]() -> Status {
    if (model) {
      ASSIGN_OR_RETURN(store::ModelVersionRecord created, store_.CreateModelVersion(*model));
      next.outputs["_registered"] = {{"model", created.model_name}, {"version", created.version}};
    }
    return store_.UpdateTask(next);
  });
  if (!st.ok()) {
    FailTask(run, r.task, "recording the outputs: " + st.message(), 0);
    return;
  }
  task.rec = std::move(next);
}

void Engine::FailTask(RunState& run, size_t index, const std::string& error, int exit_code) {
  TaskState& task = run.tasks[index];
  store::TaskRecord next = task.rec;
  next.state = st::kFailed;
  next.error = error;
  next.exit_code = exit_code;
  next.finished_ms = clock_.NowMs();
  Status st = store_.UpdateTask(next);
  // The copy moves on even when the write fails: a later write of the whole record (the
  // run's end) carries the state into the store.
  if (!st.ok()) spdlog::error("task {}: recording failure: {}", next.id, st.ToString());
  task.rec = std::move(next);
}

Status Engine::RecordTaskBegun(RunState& run, size_t index, store::TaskRecord next,
                               const std::map<std::string, operators::InputArtifact>& inputs) {
  TaskState& task = run.tasks[index];
  Json recorded = next.inputs.is_object() ? next.inputs : Json::object();
  for (const auto& [port, wire] : task.wires) {
    auto it = inputs.find(port);
    if (it == inputs.end()) continue;
    recorded[port] = {{"digest", it->second.digest},
                      {"type", it->second.type},
                      {"from", run.tasks[wire.producer].rec.node + "." + wire.port}};
  }
  next.inputs = std::move(recorded);
  store::RunRecord run_next = run.rec;
  const bool run_starts = run.rec.state == st::kPending;
  if (run_starts) {
    run_next.state = st::kRunning;
    run_next.started_ms = next.started_ms;
  }
  RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    RETURN_IF_ERROR(store_.UpdateTask(next));
    return run_starts ? store_.UpdateRun(run_next) : Status::Ok();
  }));
  task.rec = std::move(next);
  run.rec = std::move(run_next);
  return Status::Ok();
}

Status Engine::StartTask(RunState& run, size_t index, const std::optional<resources::Grant>& grant) {
  TaskState& task = run.tasks[index];
  ASSIGN_OR_RETURN(auto inputs, InputsOf(run, index));
  ASSIGN_OR_RETURN(PreparedAttempt p, PrepareAttempt(options_.data_dir, options_.runtime,
                                                     task.rec, task.def, inputs,
                                                     grant ? resources::AllocationJson(*grant) : Json::object()));
  for (const auto& [key, value] : options_.task_env) p.process.env[key] = value;
  if (grant) {
    p.process.limits = resources::LimitsFor(*grant, resources::DeclaresCpus(task.def.resources, task.options.resources),
                                            resources::DeclaresMemory(task.def.resources, task.options.resources));
  }
  ASSIGN_OR_RETURN(ProcessHandle handle, launcher_.Start(p.process));

  store::TaskRecord next = task.rec;
  next.state = st::kRunning;
  next.attempt = p.attempt;
  next.task_dir = p.task_dir_rel;
  next.pid = handle.pid;
  next.start_ticks = handle.start_ticks;
  next.started_ms = clock_.NowMs();
  next.finished_ms = 0;
  next.progress = 0;
  next.message.clear();
  next.error.clear();
  next.exit_code = 0;
  // The process counts as running only once the store knows its pid: after a crash the
  // pid and start time are how the next server finds it again.
  Status st = RecordTaskBegun(run, index, std::move(next), inputs);
  if (!st.ok()) {
    Status killed = launcher_.Kill(handle, SIGKILL);
    if (!killed.ok()) spdlog::warn("task {}: {}", task.rec.id, killed.ToString());
    return st.WithContext("recording the start");
  }
  auto r = std::make_unique<Running>();
  r->run_id = run.rec.id;
  r->task_id = task.rec.id;
  r->task = index;
  r->handle = handle;
  r->exit_watch = ExitWatch(handle.pid);
  r->task_dir = p.task_dir;
  r->inputs = std::move(inputs);
  r->job = task.job;
  running_.push_back(std::move(r));
  return Status::Ok();
}

void Engine::StartReadyTasks() {
  for (const std::string& id : run_order_) {
    RunState& run = *runs_.at(id);
    for (size_t i : run.order) {
      if (static_cast<int>(running_.size()) >= options_.max_parallel) return;
      TaskState& task = run.tasks[i];
      if (task.rec.state != st::kPending) continue;
      if (clock_.NowMs() < task.retry_at_ms) continue;
      bool ready = std::all_of(task.producers.begin(), task.producers.end(), [&](size_t p) {
        return run.tasks[p].rec.state == st::kSucceeded || run.tasks[p].rec.state == st::kCached;
      });
      if (!ready) continue;
      if (task.when_node && !EvaluateWhen(*task.options.when, run.tasks[*task.when_node].rec.outputs)) {
        const WhenExpr& w = *task.options.when;
        EndUnrun(run, i, st::kSkipped, "skipped: when '" + w.node + ".metrics." + w.metric + " " +
                                           w.op + " " + Json(w.value).dump() + "' is false");
        continue;
      }
      if (TryCache(run, i)) continue;
      std::optional<resources::Grant> grant;
      if (options_.broker != nullptr) {
        auto acquired = AcquireResources(run, i);
        if (!acquired.ok()) {
          FailTask(run, i, acquired.status().message(), 0);
          continue;
        }
        if (!acquired->has_value()) continue;  // waits; its message says why
        grant = std::move(*acquired);
      }
      Status st = StartTask(run, i, grant);
      if (!st.ok()) {
        ReleaseResources(task);
        FailTask(run, i, st.message(), 0);
      }
    }
  }
}

void Engine::FinishRuns() {
  for (size_t r = 0; r < run_order_.size();) {
    RunState& run = *runs_.at(run_order_[r]);
    // Tasks that can never get their inputs: cancelled, in topological order so the
    // cancellation flows down the whole graph in one pass.
    std::vector<store::TaskRecord> changed;
    std::vector<size_t> changed_index;
    std::vector<std::string> states(run.tasks.size());
    for (size_t i = 0; i < run.tasks.size(); ++i) states[i] = run.tasks[i].rec.state;
    // A task whose producer was skipped is skipped too (when no producer failed).
    for (size_t i : run.order) {
      if (states[i] != st::kPending) continue;
      const size_t* skipped_by = nullptr;
      for (const size_t& p : run.tasks[i].producers) {
        if (states[p] == st::kFailed || states[p] == st::kCancelled) {
          store::TaskRecord next = run.tasks[i].rec;
          next.state = st::kCancelled;
          next.error = "upstream node '" + run.tasks[p].rec.node + "' did not succeed";
          next.finished_ms = clock_.NowMs();
          states[i] = st::kCancelled;
          changed.push_back(std::move(next));
          changed_index.push_back(i);
          skipped_by = nullptr;
          break;
        }
        if (states[p] == st::kSkipped && skipped_by == nullptr) skipped_by = &p;
      }
      if (skipped_by != nullptr) {
        store::TaskRecord next = run.tasks[i].rec;
        next.state = st::kSkipped;
        next.message = "skipped: upstream node '" + run.tasks[*skipped_by].rec.node + "' was skipped";
        next.finished_ms = clock_.NowMs();
        states[i] = st::kSkipped;
        changed.push_back(std::move(next));
        changed_index.push_back(i);
      }
    }
    bool all_done = std::all_of(states.begin(), states.end(),
                                [](const std::string& s) { return IsTerminal(s); });
    store::RunRecord run_next = run.rec;
    if (all_done) {
      const TaskState* failed = nullptr;
      bool cancelled = false;
      for (size_t i : run.order) {
        if (states[i] == st::kFailed && failed == nullptr) failed = &run.tasks[i];
        if (states[i] == st::kCancelled) cancelled = true;
      }
      if (failed != nullptr) {
        run_next.state = st::kFailed;
        run_next.error = "node " + failed->rec.node + " failed: " + failed->rec.error;
      } else {
        run_next.state = cancelled ? st::kCancelled : st::kSucceeded;
      }
      run_next.finished_ms = clock_.NowMs();
    }
    if (changed.empty() && !all_done) {
      ++r;
      continue;
    }
    Status st = store_.Transaction([&]() -> Status {
      for (const auto& t : changed) RETURN_IF_ERROR(store_.UpdateTask(t));
      // Failed tasks were written as they failed; rewrite them with the run's end so a
      // write lost then is not lost for good.
      if (all_done) {
        for (size_t i = 0; i < run.tasks.size(); ++i) {
          if (run.tasks[i].rec.state == st::kFailed) RETURN_IF_ERROR(store_.UpdateTask(run.tasks[i].rec));
        }
        RETURN_IF_ERROR(store_.UpdateRun(run_next));
      }
      return Status::Ok();
    });
    if (!st.ok()) {
      spdlog::error("run {}: recording its progress: {}", run.rec.id, st.ToString());
      ++r;
      continue;
    }
    for (size_t k = 0; k < changed.size(); ++k) run.tasks[changed_index[k]].rec = std::move(changed[k]);
    if (all_done) {
      spdlog::info("run {} {}{}", run.rec.id, run_next.state,
                   run_next.error.empty() ? "" : ": " + run_next.error);
      runs_.erase(run_order_[r]);
      run_order_.erase(run_order_.begin() + static_cast<std::ptrdiff_t>(r));
    } else {
      run.rec = std::move(run_next);
      ++r;
    }
  }
}

}  // namespace tandem::workflow
