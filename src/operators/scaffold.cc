#include "operators/scaffold.h"

#include <filesystem>
#include <regex>

#include "core/fs.h"

namespace tandem::operators {
namespace {

namespace fs = std::filesystem;

const char* kTestTable = "x,label\n1,a\n5,b\n2,a\n8,b\n3,a\n";

// The python scaffold: keeps the rows whose column is at least `min`.
std::string PythonManifest(const std::string& name) {
  return "name: " + name + R"(
version: 1
category: process
description: Keeps the rows whose value in `column` is at least `min`.
inputs:
  table: {type: table}
outputs:
  table: {type: table}
params:
  type: object
  additionalProperties: false
  required: [column]
  properties:
    column: {type: string, description: "Numeric column to compare"}
    min: {type: number, default: 3, description: "Smallest value kept"}
ui:
  column: {"ui:widget": column-picker}
runtime: {kind: python, entry: main.py}
resources: {cpus: 1, memory: 256Mi, environment: train}
tests:
  - name: keeps-three-rows
    params: {column: x, min: 3}
    inputs: {table: tests/five-rows.csv}
    expect:
      outputs: {table: {rows: 3, columns: [x, label]}}
      metrics: {rows_dropped: 2}
)";
}

const char* kPythonMain = R"py(#!/usr/bin/env python3
"""Keeps the rows whose value in params.column is at least params.min.

Run by Tandem as `python3 main.py TASK_DIR`; the tandem_op module reads task.json,
gives the params and the input path, and writes outputs.json when run() returns.
"""
import tandem_op


@tandem_op.main
def run(task):
    column, low = task.params["column"], task.params["min"]
    header, columns = task.read_columns("table")
    if column not in header:
        raise tandem_op.BadInput("params.column: no column '%s' (columns: %s)" % (column, ", ".join(header)))
    values = columns[header.index(column)]
    keep = [i for i, v in enumerate(values) if isinstance(v, float) and v >= low]
    task.progress(0.5, "keeping %d of %d rows" % (len(keep), len(values)))
    rows = [[columns[c][i] for c in range(len(header))] for i in keep]
    task.write_table("table", rows, columns=header)
    task.log_metric("rows_dropped", len(values) - len(keep))
)py";

// The train scaffold (python): fits a scikit-learn model, reports evaluate's metrics and
// saves the model in tandem_op.save_python_model's format, which the python serving
// backend serves. Two well-separated classes, so its tests pass out of the box.
const char* kTrainTable =
    "x1,x2,label\n1.0,1.2,low\n1.4,0.8,low\n0.6,1.1,low\n1.2,0.5,low\n0.9,1.5,low\n1.6,1.0,low\n"
    "4.1,3.9,high\n3.6,4.4,high\n4.4,4.0,high\n3.9,3.5,high\n4.6,4.3,high\n3.7,4.1,high\n";
const char* kTrainTestTable = "x1,x2,label\n1.1,0.9,low\n0.7,1.3,low\n1.5,1.4,low\n4.0,4.2,high\n4.3,3.7,high\n3.8,3.9,high\n";

std::string TrainManifest(const std::string& name) {
  return "name: " + name + R"(
version: 1
category: train
description: >-
  Logistic regression (classification) or ridge regression (scikit-learn), trained on
  `train`, scored on `test` when wired, saved for the python serving backend.
inputs:
  train: {type: table}
  test: {type: table, optional: true}
outputs:
  model: {type: model, formats: [python]}
  metrics: {type: metrics}
params:
  type: object
  additionalProperties: false
  properties:
    label: {type: string, minLength: 1, description: "Column to predict; the table's label when absent"}
    regularization: {type: number, exclusiveMinimum: 0, default: 1.0, description: "Inverse strength (C) for classifiers, alpha for regression"}
ui:
  label: {"ui:widget": column-picker}
runtime: {kind: python, entry: main.py}
resources: {cpus: 1, memory: 512Mi, environment: train}
tests:
  - name: learns-two-classes
    params: {label: label}
    inputs: {train: tests/train.csv, test: tests/test.csv}
    expect:
      outputs: {model: {exists: true}, metrics: {exists: true}}
      metrics: {accuracy: {min: 0.99}, n: 6}
      check: tests/check_model.py
  - name: refuses-unknown-label
    params: {label: colour}
    inputs: {train: tests/train.csv}
    expect: {exit_code: 2, error_contains: "params.label"}
)";
}

const char* kTrainMain = R"py(#!/usr/bin/env python3
"""Trains a scikit-learn model on `train` and saves it for Tandem's python serving backend.

Run by Tandem as `python3 main.py TASK_DIR`. tandem_op reads the table (the label from
params.label or the table's schema), save_python_model writes model.py with the fitted
estimator embedded and the meta that evaluate, predict and serving read, and
report_metrics writes evaluate's metrics (accuracy, f1, ... or rmse, mae, r2).
"""
import tandem_op


@tandem_op.main
def run(task):
    from sklearn.linear_model import LogisticRegression, Ridge

    p = task.params
    X, y, features, label, classes, kind = tandem_op.feature_matrix(task, "train", p.get("label"))
    task.progress(0.2, "fitting on %d rows x %d features" % (len(y), len(features)))
    if kind == "classification":
        model = LogisticRegression(C=p["regularization"], max_iter=1000)
    else:
        model = Ridge(alpha=p["regularization"])
    model.fit(X, y)
    operator = task.spec.get("operator", {}).get("name", "train")
    tandem_op.save_python_model(task, "model", model, features, classes, kind, label, operator)
    task.progress(0.8, "scoring")
    tandem_op.report_metrics(task, model, X, y, label, classes, kind)
)py";

// Checks the saved model the way the python serving backend will use it.
const char* kTrainCheck = R"py(#!/usr/bin/env python3
"""The model is python format and its predict() scores the test rows like the service."""
import csv, importlib.util, json, os, sys

task_dir = sys.argv[1]
with open(os.path.join(task_dir, "outputs.json")) as f:
    model_out = json.load(f)["outputs"]["model"]
with open(os.path.join(task_dir, "task.json")) as f:
    model_dir = json.load(f)["outputs"]["model"]["dir"]
meta = model_out["meta"]
assert meta["format"] == "python", meta
spec = importlib.util.spec_from_file_location("model", os.path.join(model_dir, model_out["file"]))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "test.csv")) as f:
    rows = list(csv.DictReader(f))
import numpy as np
x = np.array([[float(r[c]) for c in meta["features"]] for r in rows], dtype=np.float32)
proba = module.predict({"input": x})["probabilities"]
assert proba.shape == (len(rows), len(meta["classes"])), proba.shape
predicted = [meta["classes"][i] for i in proba.argmax(axis=1)]
assert predicted == [r[meta["label"]] for r in rows], predicted
)py";

// The exec scaffold: a shell script (any executable works) keeping the first N rows.
std::string ExecManifest(const std::string& name) {
  return "name: " + name + R"(
version: 1
category: process
description: Keeps the header and the first `rows` rows of a table.
inputs:
  table: {type: table}
outputs:
  table: {type: table}
params:
  type: object
  additionalProperties: false
  properties:
    rows: {type: integer, minimum: 0, default: 3, description: "Rows to keep"}
runtime: {kind: exec, entry: main.sh}
resources: {cpus: 1, memory: 64Mi, environment: train}
tests:
  - name: keeps-first-rows
    params: {rows: 2}
    inputs: {table: tests/five-rows.csv}
    expect:
      outputs: {table: {rows: 2, columns: [x, label]}}
)";
}

// Tandem gives executables their inputs, output dirs and scalar params in the environment.
const char* kExecMain = R"sh(#!/bin/sh
# Keeps the header and the first $TANDEM_PARAM_ROWS rows of the input table.
# Run by Tandem as `main.sh TASK_DIR` in TASK_DIR, with the task in the environment:
#   TANDEM_TASK_DIR             the task folder (also $1 and the working directory)
#   TANDEM_INPUT_<PORT>         path of each input artifact    (here TANDEM_INPUT_TABLE)
#   TANDEM_OUTPUT_<PORT>        folder of each output port      (here TANDEM_OUTPUT_TABLE)
#   TANDEM_PARAM_<NAME>         each scalar param               (here TANDEM_PARAM_ROWS)
#   TANDEM_PARAMS               all params as JSON
#   CUDA_VISIBLE_DEVICES, TANDEM_GPU_*   the GPUs or GPU slice granted, when any
# PORT and NAME are upper-cased with '-' as '_'. Write outputs.json before exiting 0.
set -eu
echo "progress 0.1 copying rows"
head -n "$((TANDEM_PARAM_ROWS + 1))" "$TANDEM_INPUT_TABLE" > "$TANDEM_OUTPUT_TABLE/table.csv"
printf '{"outputs": {"table": {"file": "table.csv"}}}\n' > outputs.json
)sh";

}  // namespace

Status ScaffoldOperator(const std::string& dir, const std::string& name, const std::string& runtime,
                        const std::string& kind) {
  static const std::regex kName("^[a-z0-9][a-z0-9-]{0,62}$");
  if (!std::regex_match(name, kName)) {
    return InvalidArgument("name: '" + name + "' must be lowercase letters, digits and '-' (at most 63)");
  }
  if (runtime != "python" && runtime != "exec") {
    return InvalidArgument("--runtime: '" + runtime + "' is not python or exec");
  }
  if (kind != "process" && kind != "train") {
    return InvalidArgument("--template: '" + kind + "' is not process or train");
  }
  if (kind == "train" && runtime != "python") {
    return InvalidArgument("--template: the train template is a python operator; use --runtime python");
  }
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return AlreadyExists("'" + dir + "' exists and is not empty");
  }
  fs::create_directories(fs::path(dir) / "tests", ec);
  if (ec) return IoError("cannot create '" + dir + "': " + ec.message());
  if (kind == "train") {
    const fs::path entry = fs::path(dir) / "main.py";
    RETURN_IF_ERROR(WriteFileAtomic(fs::path(dir) / "operator.yaml", TrainManifest(name)));
    RETURN_IF_ERROR(WriteFileAtomic(entry, kTrainMain));
    RETURN_IF_ERROR(WriteFileAtomic(fs::path(dir) / "tests" / "train.csv", kTrainTable));
    RETURN_IF_ERROR(WriteFileAtomic(fs::path(dir) / "tests" / "test.csv", kTrainTestTable));
    RETURN_IF_ERROR(WriteFileAtomic(fs::path(dir) / "tests" / "check_model.py", kTrainCheck));
    fs::permissions(entry, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add, ec);
    return Status::Ok();
  }
  const bool python = runtime == "python";
  const fs::path entry = fs::path(dir) / (python ? "main.py" : "main.sh");
  RETURN_IF_ERROR(WriteFileAtomic(fs::path(dir) / "operator.yaml", python ? PythonManifest(name) : ExecManifest(name)));
  RETURN_IF_ERROR(WriteFileAtomic(entry, python ? kPythonMain : kExecMain));
  RETURN_IF_ERROR(WriteFileAtomic(fs::path(dir) / "tests" / "five-rows.csv", kTestTable));
  fs::permissions(entry, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add, ec);
  return Status::Ok();
}

}  // namespace tandem::operators
