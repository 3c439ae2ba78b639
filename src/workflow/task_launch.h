#pragma once
// Preparing one attempt of a task under the task contract: a fresh directory
//   <data_dir>/runs/<run_id>/<node>/attempt-<n>/   with out/<port>/ per output port
// and task.json in it, and the ProcessSpec that runs the operator there.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/launcher.h"
#include "core/status.h"
#include "operators/catalog.h"
#include "operators/runtime.h"
#include "operators/task_contract.h"
#include "store/records.h"

namespace tandem::workflow {

struct PreparedAttempt {
  int attempt = 0;
  std::string task_dir_rel;          // relative to data_dir, as the store keeps it
  std::filesystem::path task_dir;    // absolute
  ProcessSpec process;
};

// Picks attempt = task.attempt + 1, or the next number whose directory does not exist
// yet (a process started just before a crash may still be writing the old one), makes
// the directories, writes task.json and builds the process of the operator's runtime
// (operators/runtime.h: argv, cwd = task_dir, TANDEM_TASK_DIR, stdout.log, stderr.log).
// task.json "allocation" is `allocation` (NodeOptions::allocation).
// kFailedPrecondition when the runtime cannot start this operator.
Result<PreparedAttempt> PrepareAttempt(const std::filesystem::path& data_dir,
                                       const operators::RuntimeConfig& runtime,
                                       const store::TaskRecord& task,
                                       const operators::OperatorDef& def,
                                       const std::map<std::string, operators::InputArtifact>& inputs,
                                       const Json& allocation = {{"cpus", 1},
                                                                 {"memory_mib", 0},
                                                                 {"gpus", Json::array()}});

}  // namespace tandem::workflow
