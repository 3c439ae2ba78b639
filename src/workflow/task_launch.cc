#include "workflow/task_launch.h"

namespace tandem::workflow {

namespace fs = std::filesystem;

Result<PreparedAttempt> PrepareAttempt(const fs::path& data_dir,
                                       const std::vector<std::string>& builtin_runner,
                                       const store::TaskRecord& task,
                                       const operators::OperatorDef& def,
                                       const std::map<std::string, operators::InputArtifact>& inputs,
                                       const Json& allocation) {
  if (def.runtime != "builtin") {
    return FailedPrecondition("runtime '" + def.runtime + "' of operator '" + def.name +
                              "' is not supported by this engine yet");
  }
  if (builtin_runner.empty()) return FailedPrecondition("no runner configured for builtin operators");

  PreparedAttempt p;
  const fs::path node_rel = fs::path("runs") / task.run_id / task.node;
  std::error_code ec;
  for (p.attempt = std::max(task.attempt, 0) + 1;; ++p.attempt) {
    fs::path rel = node_rel / ("attempt-" + std::to_string(p.attempt));
    if (!fs::exists(data_dir / rel, ec)) {
      p.task_dir_rel = rel.string();
      break;
    }
  }
  p.task_dir = data_dir / p.task_dir_rel;
  fs::create_directories(p.task_dir, ec);
  if (ec) return IoError("cannot create task dir '" + p.task_dir.string() + "': " + ec.message());

  operators::TaskSpec spec;
  spec.run_id = task.run_id;
  spec.task_id = task.id;
  spec.node = task.node;
  spec.attempt = p.attempt;
  spec.operator_name = def.name;
  spec.operator_version = def.version;
  spec.params = task.params;
  spec.inputs = inputs;
  for (const auto& [port, pd] : def.outputs) {
    fs::path dir = p.task_dir / "out" / port;
    fs::create_directories(dir, ec);
    if (ec) return IoError("cannot create '" + dir.string() + "': " + ec.message());
    spec.outputs[port] = operators::OutputSlot{dir.string(), pd.type};
  }
  spec.allocation = allocation;
  RETURN_IF_ERROR(operators::WriteTaskSpec(p.task_dir.string(), spec));

  p.process.argv = builtin_runner;
  p.process.argv.push_back(p.task_dir.string());
  p.process.env["TANDEM_TASK_DIR"] = p.task_dir.string();
  p.process.cwd = p.task_dir.string();
  p.process.stdout_path = (p.task_dir / "stdout.log").string();
  p.process.stderr_path = (p.task_dir / "stderr.log").string();
  return p;
}

}  // namespace tandem::workflow
