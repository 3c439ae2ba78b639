#pragma once
// How a task of each runtime becomes a process (the task contract of DESIGN.md):
//   builtin  <builtin_runner...> TASK_DIR          (tandem task-exec TASK_DIR)
//   python   <python> -u <code_dir>/<entry> TASK_DIR, with the tandem_op module on PYTHONPATH
//   exec     <code_dir>/<entry> TASK_DIR
// always with the task dir as working directory and in TANDEM_TASK_DIR, stdout and stderr
// in TASK_DIR/stdout.log and stderr.log. So that any executable can take part without a
// JSON parser, the task is also in the environment:
//   TANDEM_INPUT_<PORT>=/abs/input/file   TANDEM_OUTPUT_<PORT>=/abs/output/dir
//   TANDEM_PARAM_<NAME>=value (scalar params)   TANDEM_PARAMS={...json...}
// (PORT and NAME upper-cased, '-' as '_'). The launcher puts each in its own process
// group, so a timeout or cancel kills everything the operator started.
// Used by the workflow engine and by `tandem operator test`, so both run operators alike.
#include <string>
#include <vector>

#include "core/launcher.h"
#include "core/status.h"
#include "operators/catalog.h"
#include "operators/task_contract.h"

namespace tandem::operators {

struct RuntimeConfig {
  std::vector<std::string> builtin_runner;  // e.g. {"/usr/bin/tandem", "task-exec"}
  std::string python = "/usr/bin/python3";
  std::string python_lib_dir;               // holds tandem_op.py (InstallPythonSupport)
};

// kFailedPrecondition for an unknown runtime, a plug-in without code_dir/entry, or a
// builtin without a runner configured.
Result<ProcessSpec> RuntimeProcess(const OperatorDef& def, const RuntimeConfig& runtime,
                                   const std::string& task_dir, const TaskSpec& spec);

// Writes the tandem_op module (python/tandem_op.py, embedded at build time) into `dir`
// when it is absent or differs.
Status InstallPythonSupport(const std::string& dir);

}  // namespace tandem::operators
