// The engine's use of the task cache: a task whose key matches an earlier success is
// recorded `cached` with that task's outputs instead of running.
#include "core/log.h"
#include "workflow/cache_key.h"
#include "workflow/engine.h"
#include "workflow/engine_state.h"

namespace tandem::workflow {

namespace st = store::state;

bool Engine::TryCache(RunState& run, size_t index) {
  TaskState& task = run.tasks[index];
  task.rec.cache_key.clear();
  if (!OperatorIsCacheable(task.def)) return false;
  auto inputs = InputsOf(run, index);
  if (!inputs.ok()) return false;  // StartTask reports the same problem
  // Recorded even when this task may not read the cache: a later run may reuse it.
  task.rec.cache_key = CacheKey(task.def, task.rec.params, *inputs);
  if (!task.options.cache || run.no_cache) return false;
  auto found = store_.FindCachedTask(task.rec.cache_key);
  if (!found.ok()) {
    spdlog::warn("task {}: reading the cache: {}", task.rec.id, found.status().ToString());
    return false;
  }
  if (!found->has_value()) return false;
  const store::TaskRecord& earlier = **found;

  const TimeMs now = clock_.NowMs();
  store::TaskRecord next = task.rec;
  next.state = st::kCached;
  next.outputs = earlier.outputs;
  next.progress = 1;
  next.started_ms = now;
  next.finished_ms = now;
  next.error.clear();
  next.message = "cached: outputs of task " + earlier.id + " (run " + earlier.run_id + ")";
  Status written = RecordTaskBegun(run, index, std::move(next), *inputs);
  if (!written.ok()) {
    spdlog::warn("task {}: recording the cache hit: {}", task.rec.id, written.ToString());
    return false;  // runs instead
  }
  return true;
}

}  // namespace tandem::workflow
