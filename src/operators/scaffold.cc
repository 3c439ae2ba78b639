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
# Run by Tandem as `main.sh TASK_DIR` in TASK_DIR; see `tandem operator --help`.
set -eu
echo "progress 0.1 copying rows"
head -n "$((TANDEM_PARAM_ROWS + 1))" "$TANDEM_INPUT_TABLE" > "$TANDEM_OUTPUT_TABLE/table.csv"
printf '{"outputs": {"table": {"file": "table.csv"}}}\n' > outputs.json
)sh";

}  // namespace

Status ScaffoldOperator(const std::string& dir, const std::string& name, const std::string& runtime) {
  static const std::regex kName("^[a-z0-9][a-z0-9-]{0,62}$");
  if (!std::regex_match(name, kName)) {
    return InvalidArgument("name: '" + name + "' must be lowercase letters, digits and '-' (at most 63)");
  }
  if (runtime != "python" && runtime != "exec") {
    return InvalidArgument("--runtime: '" + runtime + "' is not python or exec");
  }
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    return AlreadyExists("'" + dir + "' exists and is not empty");
  }
  fs::create_directories(fs::path(dir) / "tests", ec);
  if (ec) return IoError("cannot create '" + dir + "': " + ec.message());
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
