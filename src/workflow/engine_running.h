#pragma once
// Private to the engine: one task process it watches.
#include <filesystem>
#include <map>
#include <string>

#include "core/clock.h"
#include "core/launcher.h"
#include "operators/task_contract.h"
#include "workflow/engine.h"
#include "workflow/engine_wake.h"
#include "workflow/task_logs.h"

namespace tandem::workflow {

struct Engine::Running {
  std::string run_id;
  std::string task_id;
  size_t task = 0;  // index into the run's tasks
  ProcessHandle handle;
  ExitWatch exit_watch;  // wakes the loop when the process exits (engine_wake.h)
  std::filesystem::path task_dir;  // absolute
  std::map<std::string, operators::InputArtifact> inputs;  // as given in task.json
  LogFollower stdout_follower;
  // Set by Cancel: the run is gone from memory and the process only has to end;
  // SIGKILL follows SIGTERM at kill_at_ms.
  bool cancelled = false;
  TimeMs kill_at_ms = 0;
  bool sigkill_sent = false;
  // Set when the attempt ran past its node's timeout: SIGTERM was sent, SIGKILL follows
  // at kill_at_ms, and its exit counts as a failed attempt.
  bool timed_out = false;
  // Its grant's job at the broker (0 = none), released when the process ends unless
  // it was preempted: then it stays queued for the task's next attempt.
  uint64_t job = 0;
  // Set when the broker preempted it: SIGTERM was sent, SIGKILL follows at kill_at_ms.
  bool preempted = false;
  std::string preempted_why;
};

}  // namespace tandem::workflow
