#pragma once
// Model registration asked for by a task: outputs.json
//   "register": {"name": N, "model_port": "model", "metrics": {...}, "format": "xgboost"}
// names an INPUT port of the task that holds the model (already an artifact), so the
// engine registers that artifact; no bytes are copied.
#include <map>
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "operators/task_contract.h"
#include "store/records.h"

namespace tandem::workflow {

// The model version to create (version and created_ms left for the store to assign):
// artifact_digest = the input's digest, format = register.format or the input meta's
// "format", signature = the input meta's "signature" (or {}), metrics = register.metrics,
// lineage as given. kInvalidArgument naming the field ("outputs.json: register.name: ...")
// for a bad name, an unknown model_port or no format.
Result<store::ModelVersionRecord> ModelVersionFor(
    const Json& register_model, const std::map<std::string, operators::InputArtifact>& inputs,
    Json lineage);

}  // namespace tandem::workflow
