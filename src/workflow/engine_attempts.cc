// How a task's attempt ends short of success: retried after a backoff, or ended without
// running (skipped by its `when`, or cancelled).
#include <algorithm>

#include "core/log.h"
#include "workflow/duration.h"
#include "workflow/engine.h"
#include "workflow/engine_state.h"

namespace tandem::workflow {

namespace st = store::state;

void Engine::FailAttempt(RunState& run, size_t index, const std::string& error, int exit_code) {
  TaskState& task = run.tasks[index];
  // Attempts stopped by preemption were not the task's fault.
  const int attempts = task.options.retries + 1;
  const int attempt = std::max(task.rec.attempt - task.preempted_attempts, 1);
  if (attempt >= attempts) {
    FailTask(run, index, error, exit_code);
    return;
  }
  // Exponential backoff; the exponent is capped so the shift cannot overflow.
  const int64_t delay = task.options.backoff_ms << std::min(attempt - 1, 20);
  store::TaskRecord next = task.rec;
  next.state = st::kPending;
  next.error = error;
  next.exit_code = exit_code;
  next.pid = 0;
  next.start_ticks = 0;
  next.finished_ms = clock_.NowMs();
  next.message = "retrying in " + FormatDuration(delay) + " (attempt " + std::to_string(attempt + 1) +
                 " of " + std::to_string(attempts) + ")";
  const TimeMs retry_at = clock_.NowMs() + delay;
  // The wait is stored with the state: a restart during the backoff still waits.
  Status st = store_.Transaction([&]() -> Status {
    RETURN_IF_ERROR(store_.UpdateTask(next));
    return store_.SetTaskNotBefore(next.id, retry_at);
  });
  if (!st.ok()) spdlog::error("task {}: recording the retry: {}", next.id, st.ToString());
  task.rec = std::move(next);
  task.retry_at_ms = retry_at;
}

void Engine::EndUnrun(RunState& run, size_t index, const std::string& state, const std::string& why) {
  TaskState& task = run.tasks[index];
  ReleaseResources(task);
  store::TaskRecord next = task.rec;
  next.state = state;
  next.message = why;
  if (state != st::kSkipped) next.error = why;
  next.finished_ms = clock_.NowMs();
  Status st = store_.UpdateTask(next);
  if (!st.ok()) spdlog::error("task {}: recording {}: {}", next.id, state, st.ToString());
  task.rec = std::move(next);
}

}  // namespace tandem::workflow
