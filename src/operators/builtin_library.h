#pragma once
// The operators built into the tandem binary: dataset-load, csv-import, split,
// xgboost-train, evaluate, register-model. Ports, params and outputs of each are
// documented in its file under builtin/.
#include <string>

#include "core/status.h"
#include "operators/catalog.h"

namespace tandem::operators {

// Adds every built-in operator's definition (version 1, runtime "builtin", params as a
// draft-7 JSON Schema with defaults, bounds and descriptions) to the catalog. digest =
// sha256 of the definition's JSON and the operator's code version. kAlreadyExists when
// called twice on one catalog.
Status RegisterBuiltins(Catalog& catalog);

// The child side of `tandem task-exec DIR`: reads DIR/task.json, runs the named
// built-in, writes its outputs and DIR/outputs.json, prints "progress f msg" lines on
// stdout and errors on stderr. Returns the process exit code: 0 ok; 2 bad params or
// inputs (the message names the param or port: "params.test_fraction: ..."); 1 any
// other failure.
int RunBuiltinTask(const std::string& task_dir);

}  // namespace tandem::operators
