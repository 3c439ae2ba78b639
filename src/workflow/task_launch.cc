#include "workflow/task_launch.h"

#include "operators/foreign_inputs.h"

namespace tandem::workflow {

namespace fs = std::filesystem;

Result<PreparedAttempt> PrepareAttempt(const fs::path& data_dir,
                                       const operators::RuntimeConfig& runtime,
                                       const store::TaskRecord& task,
                                       const operators::OperatorDef& def,
                                       const std::map<std::string, operators::InputArtifact>& inputs,
                                       const Json& allocation) {
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
  RETURN_IF_ERROR(operators::PrepareForeignInputs(def, p.task_dir.string(), &spec));
  RETURN_IF_ERROR(operators::WriteTaskSpec(p.task_dir.string(), spec));

  ASSIGN_OR_RETURN(p.process, operators::RuntimeProcess(def, runtime, p.task_dir.string(), spec));
  return p;
}

}  // namespace tandem::workflow
