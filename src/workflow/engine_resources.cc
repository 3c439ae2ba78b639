// How tasks get, keep and give back their resources (EngineOptions::broker).
#include "core/log.h"
#include "operators/task_contract.h"
#include "resources/resource_request.h"
#include "workflow/engine.h"
#include "workflow/engine_running.h"
#include "workflow/engine_state.h"

namespace tandem::workflow {

namespace st = store::state;

namespace {

constexpr const char* kOwner = "engine";

// The task's name on the scheduler's books: "run-x/node".
std::string TaskName(const RunState& run, const TaskState& task) { return run.rec.id + "/" + task.rec.node; }

// What the task asks the scheduler for, and who holds it (shown by `tandem resources`).
Result<scheduler::Request> TaskRequest(const RunState& run, const TaskState& task) {
  return resources::RequestFor(task.def.resources, task.options.resources, TaskName(run, task),
                               "nodes." + task.rec.node + ".resources");
}

std::string TaskHolder(const RunState& run, const TaskState& task) {
  return TaskName(run, task) + " attempt " + std::to_string(std::max(task.rec.attempt, 0) + 1);
}

}  // namespace

Result<std::optional<resources::Grant>> Engine::AcquireResources(RunState& run, size_t index) {
  TaskState& task = run.tasks[index];
  if (task.job == 0) {
    ASSIGN_OR_RETURN(scheduler::Request request, TaskRequest(run, task));
    auto job = options_.broker->Submit(kOwner, TaskHolder(run, task), request);
    if (!job.ok()) return job.status().WithContext("nodes." + task.rec.node + ".resources");
    task.job = *job;
  }
  if (auto grant = options_.broker->Granted(task.job)) return grant;
  const std::string message = "waiting for resources: " + options_.broker->WaitingReason(task.job);
  if (task.rec.state == st::kPending && message != task.rec.message) {
    store::TaskRecord next = task.rec;
    next.message = message;
    Status written = store_.UpdateTask(next);
    if (written.ok()) {
      task.rec = std::move(next);
    } else {
      spdlog::warn("task {}: recording its wait: {}", task.rec.id, written.ToString());
    }
  }
  return std::optional<resources::Grant>();
}

void Engine::AdoptResources(RunState& run, size_t index, const std::string& task_dir) {
  TaskState& task = run.tasks[index];
  // Booked again where its process runs (task.json names the grant it started with), so
  // nothing else is put on its GPUs; queued like a new task only if that no longer fits.
  auto spec = operators::ReadTaskSpec(task_dir);
  auto request = TaskRequest(run, task);
  if (spec.ok() && request.ok() && spec->allocation.contains("node")) {
    const Json& a = spec->allocation;
    std::vector<int> gpus;
    for (const Json& g : a.value("gpus", Json::array())) {
      if (g.is_number_integer()) gpus.push_back(g.get<int>());
    }
    auto job = options_.broker->Adopt(kOwner, TaskHolder(run, task), *request,
                                      a["node"].is_string() ? a["node"].get<std::string>() : "", gpus);
    if (job.ok()) {
      task.job = *job;
      return;
    }
    spdlog::warn("task {}: cannot book it where it runs: {}; asking the scheduler again", task.rec.id,
                 job.status().ToString());
  }
  auto acquired = AcquireResources(run, index);
  if (!acquired.ok()) spdlog::warn("task {}: resources: {}", task.rec.id, acquired.status().ToString());
}

void Engine::ReleaseResources(TaskState& task) {
  if (options_.broker == nullptr || task.job == 0) return;
  options_.broker->Release(task.job);
  task.job = 0;
}

void Engine::StopPreempted() {
  if (options_.broker == nullptr) return;
  for (const resources::Notice& notice : options_.broker->TakeNotices(kOwner)) {
    for (auto& r : running_) {
      if (r->job != notice.job || r->cancelled || r->preempted) continue;
      // SIGTERM first: the operator may checkpoint before it goes.
      Terminate(*r);
      r->preempted = true;
      r->preempted_why = notice.why;
      spdlog::info("task {}: preempted ({}); stopping it", r->task_id, notice.why);
    }
  }
}

void Engine::RequeuePreempted(RunState& run, Running& r) {
  TaskState& task = run.tasks[r.task];
  store::TaskRecord next = task.rec;
  next.state = st::kPending;
  next.pid = 0;
  next.start_ticks = 0;
  next.finished_ms = clock_.NowMs();
  next.message = "preempted in attempt " + std::to_string(next.attempt) + " (" + r.preempted_why +
                 "); queued again";
  Status written = store_.UpdateTask(next);
  if (!written.ok()) spdlog::error("task {}: recording its preemption: {}", next.id, written.ToString());
  task.rec = std::move(next);
  ++task.preempted_attempts;
}

}  // namespace tandem::workflow
