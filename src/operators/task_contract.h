#pragma once
// The task contract (DESIGN.md): how any operator runs, locally, under Slurm or in
// `tandem operator test`.
//
// The engine makes a fresh task directory and writes <dir>/task.json:
//   {"run_id": "...", "task_id": "...", "node": "train", "attempt": 1,
//    "operator": {"name": "xgboost-train", "version": 1},
//    "params": {...},                         // validated, defaults filled
//    "inputs": {"train": {"path": "/abs/file", "digest": "<sha256>", "type": "table",
//                         "meta": {...}}},    // meta = what the producer wrote
//    "outputs": {"model": {"dir": "/abs/<dir>/out/model", "type": "model"}},
//    "allocation": {"cpus": 1, "memory_mib": 0, "gpus": []},
//    "environment": "train"}
// and starts the runtime with the directory as working directory, as its first
// argument and in TANDEM_TASK_DIR. The operator writes one file per output port under
// that port's dir and then <dir>/outputs.json:
//   {"outputs": {"model": {"file": "model.json", "meta": {...}}},   // file relative to the port dir
//    "metrics": {"accuracy": 0.97},          // optional: shown on the task
//    "register": {...}}                      // optional: a model version to register
// Progress: lines "progress <0..1> <message>" on stdout. Exit code 0 = success.
#include <map>
#include <string>

#include "core/json.h"
#include "core/status.h"

namespace tandem::operators {

struct InputArtifact {
  std::string path;
  std::string digest;
  std::string type;
  Json meta = Json::object();
};

struct OutputSlot {
  std::string dir;
  std::string type;
};

struct TaskSpec {
  std::string run_id;
  std::string task_id;
  std::string node;
  int attempt = 1;
  std::string operator_name;
  int operator_version = 1;
  Json params = Json::object();
  std::map<std::string, InputArtifact> inputs;
  std::map<std::string, OutputSlot> outputs;
  Json allocation = Json::object();
  std::string environment = "train";
};

struct OutputFile {
  std::string file;           // relative to its port dir
  Json meta = Json::object();
};

struct TaskOutputs {
  std::map<std::string, OutputFile> outputs;
  Json metrics = Json::object();
  Json register_model;        // null when absent
};

Json TaskSpecToJson(const TaskSpec& spec);
// Errors name the field ("task.json: inputs.train.path: required field is missing").
Result<TaskSpec> TaskSpecFromJson(const Json& j);
Json TaskOutputsToJson(const TaskOutputs& out);
Result<TaskOutputs> TaskOutputsFromJson(const Json& j);

// File helpers for both sides of the contract.
Status WriteTaskSpec(const std::string& task_dir, const TaskSpec& spec);
Result<TaskSpec> ReadTaskSpec(const std::string& task_dir);
Status WriteTaskOutputs(const std::string& task_dir, const TaskOutputs& out);
// kNotFound when the operator wrote no outputs.json.
Result<TaskOutputs> ReadTaskOutputs(const std::string& task_dir);

// Parses a stdout line "progress 0.5 training round 50"; false if it is not one.
bool ParseProgressLine(const std::string& line, double* fraction, std::string* message);

}  // namespace tandem::operators
