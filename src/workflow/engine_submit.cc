// The engine's entry points besides the loop: Submit, Cancel and Recover.

#include <algorithm>

#include "core/ids.h"
#include "core/log.h"
#include "core/sha256.h"
#include "workflow/dataset_input.h"
#include "workflow/engine.h"
#include "workflow/engine_running.h"
#include "workflow/engine_state.h"
#include "workflow/engine_wake.h"
#include "workflow/model_input.h"
#include "workflow/pipeline_spec.h"
#include "workflow/validate.h"

namespace tandem::workflow {

namespace st = store::state;

Result<store::RunRecord> Engine::Submit(const std::string& pipeline_yaml,
                                        const SubmitOptions& options) {
  if (!options.params.is_object()) return InvalidArgument("params: expected an object");
  ASSIGN_OR_RETURN(PipelineSpec spec, ParsePipelineYaml(pipeline_yaml));
  PipelinePlan plan;
  RETURN_IF_ERROR(ValidatePipeline(spec, catalog_, &plan, options.params, options.allow_drafts));

  const TimeMs now = clock_.NowMs();
  store::RunRecord run;
  run.id = NewId("run");
  run.pipeline_name = spec.name;
  run.state = st::kPending;
  run.params = plan.param_values;
  run.created_ms = now;

  // Datasets are resolved (and their versions pinned) now: a typo fails the submit,
  // not a task minutes later.
  std::string problems;
  std::vector<store::TaskRecord> tasks;
  tasks.reserve(spec.nodes.size());
  for (size_t i = 0; i < spec.nodes.size(); ++i) {
    const NodeSpec& node = spec.nodes[i];
    const operators::OperatorDef& def = plan.operators[i];
    store::TaskRecord t;
    t.id = NewId("task");
    t.run_id = run.id;
    t.node = node.name;
    t.operator_name = def.name;
    t.operator_version = def.version;
    t.state = st::kPending;
    t.params = plan.params[i];
    if (!def.dataset_param.empty()) {
      auto d = ResolveDatasetParam(store_, t.params, def.dataset_param,
                                   "nodes." + node.name + ".params");
      if (d.ok()) {
        t.inputs["dataset"] = DatasetInputRecord(*d);
      } else if (d.status().code() == StatusCode::kInvalidArgument) {
        problems += (problems.empty() ? "" : "; ") + d.status().message();
      } else {
        return d.status();
      }
    }
    // A registered model named in the params is pinned like a dataset; without one,
    // the model port must be wired.
    if (!def.model_param.empty()) {
      const std::string path = "nodes." + node.name + ".params";
      const bool named = t.params.contains(def.model_param);
      const bool wired = node.inputs.count("model") > 0;
      auto problem = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
      if (named && wired) {
        problem(path + "." + def.model_param + ": the model port is wired too; give one of the two");
      } else if (!named && !wired) {
        problem(path + "." + def.model_param + ": name a registered model or wire the model port");
      } else if (named) {
        auto v = ResolveModelParam(store_, t.params, def.model_param, path);
        if (v.ok()) {
          t.inputs["model"] = ModelInputRecord(*v);
        } else if (v.status().code() == StatusCode::kInvalidArgument) {
          problem(v.status().message());
        } else {
          return v.status();
        }
      }
    }
    tasks.push_back(std::move(t));
  }
  if (!problems.empty()) return InvalidArgument(problems);

  store::PipelineRecord pipeline;
  pipeline.id = NewId("pipe");
  pipeline.name = spec.name;
  pipeline.spec = pipeline_yaml;
  pipeline.digest = Sha256Hex(pipeline_yaml);
  Status written = store_.Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(store::PipelineRecord p, store_.CreatePipelineVersion(pipeline));
    run.pipeline_id = p.id;
    run.pipeline_version = p.version;
    RETURN_IF_ERROR(store_.CreateRun(run, tasks));
    // A plain run has the default origin already: no write, so a store without
    // origins (a test's fake) still takes manual runs.
    if (!options.no_cache && options.trigger.empty()) return Status::Ok();
    return store_.SetRunOrigin(run.id, store::RunOrigin{options.trigger, options.no_cache});
  });
  RETURN_IF_ERROR(written);

  ASSIGN_OR_RETURN(RunState state, BuildRunState(run, spec, plan, std::move(tasks)));
  state.no_cache = options.no_cache;
  std::lock_guard<std::mutex> lock(mu_);
  // A concurrent Recover() may have adopted the run from the store already.
  if (!runs_.count(run.id)) {
    runs_[run.id] = std::make_unique<RunState>(std::move(state));
    run_order_.push_back(run.id);
  }
  if (options_.wake_on_exit) waker_->Wake();
  spdlog::info("run {} submitted: pipeline {} v{}", run.id, run.pipeline_name, run.pipeline_version);
  return run;
}

Status Engine::Cancel(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  const TimeMs now = clock_.NowMs();
  auto it = runs_.find(run_id);
  store::RunRecord run_next;
  std::vector<store::TaskRecord> tasks;
  if (it != runs_.end()) {
    run_next = it->second->rec;
    for (const auto& t : it->second->tasks) tasks.push_back(t.rec);
  } else {
    // Not adopted by this engine (Recover not called yet): cancel it in the store only.
    ASSIGN_OR_RETURN(run_next, store_.GetRun(run_id));
    if (st::IsTerminal(run_next.state)) {
      return FailedPrecondition("run " + run_id + " is already " + run_next.state);
    }
    ASSIGN_OR_RETURN(tasks, store_.ListTasks(run_id));
  }
  run_next.state = st::kCancelled;
  run_next.finished_ms = now;
  Status written = store_.Transaction([&]() -> Status {
    for (auto& t : tasks) {
      if (st::IsTerminal(t.state)) continue;
      t.state = st::kCancelled;
      t.error = "cancelled";
      t.finished_ms = now;
      RETURN_IF_ERROR(store_.UpdateTask(t));
    }
    return store_.UpdateRun(run_next);
  });
  RETURN_IF_ERROR(written);

  // The store says cancelled; now make it so. SIGTERM lets an operator clean up; Tick
  // sends SIGKILL to whatever is still there after the grace period.
  for (auto& r : running_) {
    if (r->run_id != run_id || r->cancelled) continue;
    Terminate(*r);
    r->cancelled = true;
  }
  if (it != runs_.end()) {
    // Running tasks give their resources back when their process ends (Tick); the
    // ones still waiting for theirs leave the queue now.
    for (TaskState& t : it->second->tasks) {
      const bool running = std::any_of(running_.begin(), running_.end(), [&](const auto& r) {
        return r->run_id == run_id && r->job == t.job;
      });
      if (!running) ReleaseResources(t);
    }
    runs_.erase(it);
    run_order_.erase(std::find(run_order_.begin(), run_order_.end(), run_id));
  }
  spdlog::info("run {} cancelled", run_id);
  return Status::Ok();
}

Status Engine::Recover() {
  ASSIGN_OR_RETURN(std::vector<store::RunRecord> runs, store_.ListUnfinishedRuns());
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& run : runs) {
    if (runs_.count(run.id)) continue;
    Status st = AdoptRun(run);
    if (!st.ok()) spdlog::error("run {}: cannot resume: {}", run.id, st.ToString());
  }
  return Status::Ok();
}

Status Engine::AdoptRun(const store::RunRecord& run) {
  ASSIGN_OR_RETURN(std::vector<store::TaskRecord> tasks, store_.ListTasks(run.id));
  const TimeMs now = clock_.NowMs();
  // A run that cannot be rebuilt (its pipeline no longer validates, say, because an
  // operator left the catalog) fails with the reason rather than hanging forever.
  auto fail_run = [&](const Status& why) -> Status {
    store::RunRecord next = run;
    next.state = st::kFailed;
    next.error = "cannot resume: " + why.message();
    next.finished_ms = now;
    return store_.Transaction([&]() -> Status {
      for (auto t : tasks) {
        if (st::IsTerminal(t.state)) continue;
        t.state = st::kCancelled;
        t.finished_ms = now;
        RETURN_IF_ERROR(store_.UpdateTask(t));
      }
      return store_.UpdateRun(next);
    });
  };
  auto pipeline = store_.GetPipeline(run.pipeline_name, run.pipeline_version);
  if (!pipeline.ok()) return fail_run(pipeline.status());
  auto spec = ParsePipelineYaml(pipeline->spec);
  if (!spec.ok()) return fail_run(spec.status());
  PipelinePlan plan;
  // The run's recorded params are the values it was submitted with.
  // Drafts allowed: the run was accepted when it was submitted.
  Status valid = ValidatePipeline(*spec, catalog_, &plan, run.params, /*allow_drafts=*/true);
  if (!valid.ok()) return fail_run(valid);
  auto built = BuildRunState(run, *spec, plan, tasks);
  if (!built.ok()) return fail_run(built.status());
  auto state = std::make_unique<RunState>(std::move(*built));
  // What lived in memory before the restart: --no-cache, and retries' backoff waits.
  if (auto origin = store_.GetRunOrigin(run.id); origin.ok()) {
    state->no_cache = origin->no_cache;
  } else {
    spdlog::warn("run {}: reading its origin: {}", run.id, origin.status().ToString());
  }
  if (auto waits = store_.ListTaskNotBefore(run.id); waits.ok()) {
    for (TaskState& task : state->tasks) {
      if (auto it = waits->find(task.rec.id); it != waits->end()) task.retry_at_ms = it->second;
    }
  } else {
    spdlog::warn("run {}: reading retry times: {}", run.id, waits.status().ToString());
  }

  for (size_t i = 0; i < state->tasks.size(); ++i) {
    TaskState& task = state->tasks[i];
    // The version the task was submitted with, not whatever is latest today.
    auto def = catalog_.Find(task.rec.operator_name + "@" + std::to_string(task.rec.operator_version));
    if (!def.ok()) return fail_run(def.status().WithContext("nodes." + task.rec.node));
    task.def = std::move(*def);
  }
  for (size_t i = 0; i < state->tasks.size(); ++i) {
    TaskState& task = state->tasks[i];
    if (task.rec.state != st::kRunning) continue;
    ProcessHandle handle{task.rec.pid, task.rec.start_ticks};
    if (handle.pid > 0 && launcher_.Alive(handle)) {
      auto inputs = InputsOf(*state, i);
      auto r = std::make_unique<Running>();
      r->run_id = run.id;
      r->task_id = task.rec.id;
      r->task = i;
      r->handle = handle;
      r->exit_watch = ExitWatch(handle.pid);
      r->task_dir = std::filesystem::path(options_.data_dir) / task.rec.task_dir;
      if (inputs.ok()) r->inputs = std::move(*inputs);
      if (options_.broker != nullptr) {
        AdoptResources(*state, i, r->task_dir.string());
        r->job = task.job;
      }
      running_.push_back(std::move(r));
      spdlog::info("task {} ({}): watching pid {} again", task.rec.id, task.rec.node, handle.pid);
      continue;
    }
    // Its process died with the old server: run it again as the next attempt.
    store::TaskRecord next = task.rec;
    next.state = st::kPending;
    next.pid = 0;
    next.start_ticks = 0;
    next.message = "attempt " + std::to_string(next.attempt) + " lost with its process";
    RETURN_IF_ERROR(store_.UpdateTask(next));
    task.rec = std::move(next);
  }
  runs_[run.id] = std::move(state);
  run_order_.push_back(run.id);
  return Status::Ok();
}

}  // namespace tandem::workflow
