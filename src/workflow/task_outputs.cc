#include "workflow/task_outputs.h"

#include "core/fs.h"
#include "operators/task_contract.h"

namespace tandem::workflow {

Result<CollectedOutputs> CollectOutputs(const std::filesystem::path& task_dir,
                                        const operators::OperatorDef& def,
                                        store::ArtifactStore& artifacts) {
  ASSIGN_OR_RETURN(operators::TaskOutputs out, operators::ReadTaskOutputs(task_dir.string()));
  for (const auto& [port, _] : out.outputs) {
    if (!def.outputs.count(port)) {
      return InvalidArgument("outputs.json: outputs." + port + ": operator '" + def.name +
                             "' has no output port '" + port + "'");
    }
  }
  // Each output file is hard-linked into the artifact store, not copied: the task dir's
  // out/<port>/ name and the artifact are one copy of the bytes on disk.
  CollectedOutputs collected;
  for (const auto& [port, pd] : def.outputs) {
    auto it = out.outputs.find(port);
    if (it == out.outputs.end()) {
      if (pd.optional) continue;
      return InvalidArgument("outputs.json: outputs." + port + ": required output is missing");
    }
    const std::string field = "outputs.json: outputs." + port + ".file";
    ASSIGN_OR_RETURN(fs::path file, PathInside(task_dir / "out" / port, it->second.file, field));
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
      return InvalidArgument(field + ": '" + it->second.file + "' is not a file");
    }
    ASSIGN_OR_RETURN(store::ArtifactRecord a, artifacts.LinkFile(file, pd.type, it->second.meta));
    collected.outputs[port] = {{"digest", a.digest}, {"type", pd.type}, {"meta", it->second.meta}};
  }
  if (!out.metrics.empty()) collected.outputs["_metrics"] = out.metrics;
  collected.register_model = out.register_model;
  return collected;
}

}  // namespace tandem::workflow
