#pragma once
// The operator manifest, operator.yaml (or operator.json), in the folder that holds the
// operator's code: what a user writes to add an operator to Tandem without touching
// Tandem's code. Checked against a JSON Schema of its own (manifest_schema.cc); every
// problem is reported at once with its field ("operator.yaml: version: expected integer").
//
//   name: iqr-filter            # [a-z0-9-], unique per project
//   version: 1                  # integer >= 1; a published version is immutable
//   category: process           # import|explore|process|augment|feature|train|evaluate|deploy|other
//   description: Drops rows whose value lies outside k interquartile ranges.
//   inputs:  {table: {type: table}}
//   outputs: {table: {type: table}, report: {type: report, optional: true}}
//   params: {type: object, ...}                     # JSON Schema (draft 7) of the params
//   ui: {columns: {"ui:widget": "column-picker"}}   # optional form hints, passed through
//   runtime: {kind: python, entry: main.py}         # python | exec | builtin
//   resources: {cpus: 1, memory: 512Mi, environment: train}
//   tests:
//     - name: drops-outlier
//       params: {columns: [x]}
//       inputs: {table: tests/five-rows.csv}        # files in the operator's folder
//       expect: {outputs: {table: {rows: 4}}}       # see test_runner.h for every check
#include <map>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "operators/catalog.h"

namespace tandem::operators {

struct OperatorTestCase {
  std::string name;
  Json params = Json::object();
  std::map<std::string, std::string> inputs;  // port -> file, relative to the operator folder
  Json expect = Json::object();
};

struct OperatorManifest {
  OperatorDef def;            // digest, code_dir and state are left for the caller
  std::vector<OperatorTestCase> tests;
  Json source;                // the manifest as JSON, as written
};

// The manifest files looked for, in order.
inline const char* const kManifestFiles[] = {"operator.yaml", "operator.yml", "operator.json"};

// Checks a manifest document. `what` leads every problem ("operator.yaml").
Result<OperatorManifest> ParseManifest(const Json& doc, const std::string& what);

// Reads and checks the manifest of the operator folder `dir`, and that the files it
// names (the runtime entry, test inputs and check scripts) exist inside the folder
// (no "..", no absolute paths, no symlinks leading out). Sets def.code_dir to the
// folder's absolute path. kNotFound when the folder has no manifest.
Result<OperatorManifest> LoadManifestDir(const std::string& dir);

// The JSON Schema that manifests are checked against (for docs and clients).
const Json& ManifestSchema();

}  // namespace tandem::operators
