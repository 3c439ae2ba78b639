#pragma once
// Datasets as operator inputs. An operator whose OperatorDef::dataset_param is set
// (dataset-load: "dataset") names a dataset in that param, and optionally a version in
// "<param>_version". Submit pins the version it resolved into task.inputs["dataset"], so
// a run started later reads the same data even when a new version was uploaded since.
#include <string>

#include "core/json.h"
#include "core/status.h"
#include "operators/task_contract.h"
#include "store/artifact_store.h"
#include "store/store.h"

namespace tandem::workflow {

// params[param] (a dataset name) and params[param + "_version"] (optional, >= 1) looked
// up in the store. kInvalidArgument naming `path` (the node's params path) for a
// missing/ill-typed param or an unknown dataset: "nodes.load.params.dataset: unknown
// dataset 'x'"; other store errors as they come.
Result<store::DatasetRecord> ResolveDatasetParam(store::Store& store, const Json& params,
                                                 const std::string& param,
                                                 const std::string& path);

// The task.inputs["dataset"] entry: {"digest", "type": "table", "dataset": {name, version, id}}.
Json DatasetInputRecord(const store::DatasetRecord& d);

// The operator's "dataset" input from a task.inputs["dataset"] entry: the dataset's file,
// with meta {"dataset": {name, version, id}, "schema": <dataset schema>}.
Result<operators::InputArtifact> DatasetInput(store::Store& store,
                                              const store::ArtifactStore& artifacts,
                                              const Json& record);

}  // namespace tandem::workflow
