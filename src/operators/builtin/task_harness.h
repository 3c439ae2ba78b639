#pragma once
// Test support: runs built-in operators through RunBuiltinTask the way the engine does —
// a fresh task dir per node, task.json written by hand, outputs of one node handed to
// the next as input artifacts — in a temp dir removed after the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "core/json.h"
#include "data/table.h"
#include "operators/task_contract.h"

namespace tandem::operators {

struct TaskRun {
  int code = -1;
  std::string dir;
  std::string out;  // stdout
  std::string err;  // stderr
  TaskOutputs outputs;
};

class TaskHarness : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs `op` with `params` and `inputs`, offering output dirs for `outputs` (port -> type).
  TaskRun Run(const std::string& op, Json params, std::map<std::string, InputArtifact> inputs,
              std::map<std::string, std::string> outputs);
  // Output `port` of a finished task as the engine hands it to the next node.
  static InputArtifact Artifact(const TaskRun& run, const std::string& port, const std::string& type);
  // A table written as a CSV in the temp dir, as a table input with meta {"label": label}.
  InputArtifact TableArtifact(const data::Table& table, const std::string& label = "");
  // Reads output `port` (a table) of a finished task.
  static data::Table ReadTable(const TaskRun& run, const std::string& port = "table");

  std::filesystem::path root_;
  int count_ = 0;
};

}  // namespace tandem::operators
