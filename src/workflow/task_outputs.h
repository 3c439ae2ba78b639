#pragma once
// Turning what an operator left behind (outputs.json and the files under out/<port>/)
// into artifacts and the task.outputs document the store keeps (see engine.h).
#include <filesystem>

#include "core/json.h"
#include "core/status.h"
#include "operators/catalog.h"
#include "store/artifact_store.h"

namespace tandem::workflow {

struct CollectedOutputs {
  Json outputs = Json::object();  // "<port>": {"digest","type","meta"}, "_metrics": {...}
  Json register_model;            // outputs.json "register", null when absent
};

// Reads <task_dir>/outputs.json and links each output port's file into the artifact
// store (ArtifactStore::LinkFile: one copy on disk, read-only from then on). Fails
// (kInvalidArgument naming the field, or the store's error) when outputs.json is
// missing or malformed, a port is not declared by `def`, a required port is missing,
// or a file is absent or escapes its port dir (<task_dir>/out/<port>/).
Result<CollectedOutputs> CollectOutputs(const std::filesystem::path& task_dir,
                                        const operators::OperatorDef& def,
                                        store::ArtifactStore& artifacts);

}  // namespace tandem::workflow
