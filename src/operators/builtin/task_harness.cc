#include "operators/builtin/task_harness.h"

#include "core/fs.h"
#include "data/csv.h"
#include "data/table_file.h"
#include "operators/builtin_library.h"

namespace tandem::operators {

namespace fs = std::filesystem;

void TaskHarness::SetUp() {
  auto dir = MakeTempDir(fs::temp_directory_path(), "tandem-ops-test-");
  ASSERT_TRUE(dir.ok());
  root_ = *dir;
}

void TaskHarness::TearDown() { fs::remove_all(root_); }

TaskRun TaskHarness::Run(const std::string& op, Json params,
                         std::map<std::string, InputArtifact> inputs,
                         std::map<std::string, std::string> outputs) {
  TaskRun run;
  run.dir = (root_ / (std::to_string(++count_) + "-" + op)).string();
  fs::create_directories(run.dir);
  TaskSpec spec;
  spec.run_id = "run-test";
  spec.task_id = "task-" + std::to_string(count_);
  spec.node = op;
  spec.operator_name = op;
  spec.params = std::move(params);
  spec.inputs = std::move(inputs);
  for (const auto& [port, type] : outputs) {
    spec.outputs[port] = OutputSlot{run.dir + "/out/" + port, type};
  }
  EXPECT_TRUE(WriteTaskSpec(run.dir, spec).ok());
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  run.code = RunBuiltinTask(run.dir);
  run.out = testing::internal::GetCapturedStdout();
  run.err = testing::internal::GetCapturedStderr();
  if (run.code == 0) {
    auto outs = ReadTaskOutputs(run.dir);
    EXPECT_TRUE(outs.ok()) << outs.status().ToString();
    if (outs.ok()) run.outputs = *outs;
  }
  return run;
}

InputArtifact TaskHarness::Artifact(const TaskRun& run, const std::string& port,
                                    const std::string& type) {
  const OutputFile& f = run.outputs.outputs.at(port);
  return InputArtifact{run.dir + "/out/" + port + "/" + f.file, "", type, f.meta};
}

InputArtifact TaskHarness::TableArtifact(const data::Table& table, const std::string& label) {
  const std::string path = (root_ / ("input-" + std::to_string(++count_) + ".csv")).string();
  EXPECT_TRUE(data::WriteCsv(table, path).ok());
  Json meta = Json::object();
  if (!label.empty()) meta["label"] = label;
  return InputArtifact{path, "", "table", meta};
}

data::Table TaskHarness::ReadTable(const TaskRun& run, const std::string& port) {
  auto table = data::ReadTableFile(Artifact(run, port, "table").path, {"csv"});
  EXPECT_TRUE(table.ok()) << table.status().ToString();
  return table.ok() ? *table : data::Table{};
}

}  // namespace tandem::operators
