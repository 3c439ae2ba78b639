#pragma once
// Registered models as operator inputs. An operator whose OperatorDef::model_param is
// set (predict: "model") may name a model version in that param: NAME (the latest),
// NAME:VERSION or NAME@ALIAS. Submit resolves it and pins the version into
// task.inputs["model"], so moving an alias later never changes a run; the task gets
// that version's model file on its "model" port, with the artifact's meta.
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "operators/task_contract.h"
#include "store/artifact_store.h"
#include "store/store.h"

namespace tandem::workflow {

// The version params[param] names. kInvalidArgument naming `path` (the node's params
// path): "nodes.score.params.model: model 'x' not found"; other store errors as they come.
Result<store::ModelVersionRecord> ResolveModelParam(store::Store& store, const Json& params,
                                                    const std::string& param,
                                                    const std::string& path);

// The task.inputs["model"] entry: {"digest", "type": "model", "model": {name, version}}.
Json ModelInputRecord(const store::ModelVersionRecord& v);

// The operator's "model" input from that entry: the version's model file, with the meta
// its training task gave the artifact plus "model": {name, version}.
Result<operators::InputArtifact> ModelInput(store::Store& store,
                                            const store::ArtifactStore& artifacts,
                                            const Json& record);

}  // namespace tandem::workflow
