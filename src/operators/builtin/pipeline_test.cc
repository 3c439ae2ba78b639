// Drives RunBuiltinTask the way the engine does (task_harness.h) through the foundation
// pipeline: csv-import, split, xgboost-train, evaluate, register-model.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "core/fs.h"
#include "operators/builtin/task_harness.h"
#include "operators/builtin_library.h"
#include "operators/task_contract.h"

namespace tandem::operators {
namespace {

namespace fs = std::filesystem;
const std::string kData = "/usr/lib/python3/dist-packages/sklearn/datasets/data/";

class PipelineTest : public TaskHarness {
 protected:
  // csv-import -> split (0.25, seed 7) -> xgboost-train -> evaluate; the metrics.
  Json TrainAndEvaluate(const std::string& csv, const std::string& objective, bool stratify) {
    TaskRun import = Run("csv-import", {{"path", kData + csv}}, {}, {{"table", "table"}});
    EXPECT_EQ(import.code, 0) << import.err;
    TaskRun split = Run("split", {{"test_fraction", 0.25}, {"seed", 7}, {"stratify", stratify}},
                        {{"table", Artifact(import, "table", "table")}},
                        {{"train", "table"}, {"test", "table"}});
    EXPECT_EQ(split.code, 0) << split.err;
    TaskRun train = Run("xgboost-train",
                        {{"objective", objective}, {"num_rounds", 100}, {"max_depth", 4}},
                        {{"train", Artifact(split, "train", "table")}}, {{"model", "model"}});
    EXPECT_EQ(train.code, 0) << train.err;
    last_model_ = train.outputs.outputs["model"].meta;
    TaskRun eval = Run("evaluate", Json::object(),
                       {{"model", Artifact(train, "model", "model")},
                        {"test", Artifact(split, "test", "table")}},
                       {{"metrics", "metrics"}});
    EXPECT_EQ(eval.code, 0) << eval.err;
    last_eval_ = eval;
    std::cout << csv << " " << objective << ": " << eval.outputs.metrics.dump() << "\n";
    return eval.outputs.metrics;
  }

  Json last_model_;
  TaskRun last_eval_;
};

TEST_F(PipelineTest, BreastCancerBinary) {
  Json m = TrainAndEvaluate("breast_cancer.csv", "binary:logistic", true);
  EXPECT_GE(m["accuracy"].get<double>(), 0.93);
  EXPECT_GE(m["roc_auc"].get<double>(), 0.97);
  EXPECT_EQ(m["n"], 142);  // round(212 * .25) + round(357 * .25)
  EXPECT_EQ(m["confusion_matrix"]["classes"], Json::parse(R"(["malignant","benign"])"));
  EXPECT_EQ(last_model_["format"], "xgboost");
  EXPECT_EQ(last_model_["label"], "target");
  EXPECT_EQ(last_model_["features"].size(), 30u);
  EXPECT_EQ(last_model_["signature"]["inputs"][0]["shape"], Json::parse("[-1,30]"));
  EXPECT_EQ(last_model_["signature"]["outputs"][0]["name"], "probabilities");
  EXPECT_EQ(last_model_["signature"]["outputs"][0]["shape"], Json::parse("[-1,2]"));
  // metrics.json holds what outputs.json reports.
  auto file = ReadFile(last_eval_.dir + "/out/metrics/metrics.json");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(Json::parse(*file), m);
}

TEST_F(PipelineTest, IrisMulticlass) {
  Json m = TrainAndEvaluate("iris.csv", "multi:softprob", true);
  EXPECT_GE(m["accuracy"].get<double>(), 0.85);
  EXPECT_EQ(m["confusion_matrix"]["matrix"].size(), 3u);
  EXPECT_EQ(last_model_["classes"], Json::parse(R"(["setosa","versicolor","virginica"])"));
}

TEST_F(PipelineTest, BostonRegression) {
  Json m = TrainAndEvaluate("boston_house_prices.csv", "reg:squarederror", false);
  EXPECT_GE(m["r2"].get<double>(), 0.6);
  EXPECT_GT(m["rmse"].get<double>(), 0);
  EXPECT_EQ(last_model_["label"], "MEDV");
  EXPECT_EQ(last_model_["signature"]["outputs"][0]["name"], "predictions");
  EXPECT_EQ(last_model_["signature"]["outputs"][0]["shape"], Json::parse("[-1]"));
}

TEST_F(PipelineTest, ProgressLinesFollowTheContract) {
  TaskRun import = Run("csv-import", {{"path", kData + "iris.csv"}}, {}, {{"table", "table"}});
  ASSERT_EQ(import.code, 0) << import.err;
  TaskRun train = Run("xgboost-train", {{"num_rounds", 40}},
                      {{"train", Artifact(import, "table", "table")}}, {{"model", "model"}});
  ASSERT_EQ(train.code, 0) << train.err;
  EXPECT_EQ(train.outputs.outputs["model"].meta["objective"], "multi:softprob");  // chosen
  int lines = 0;
  std::istringstream out(train.out);
  for (std::string line; std::getline(out, line);) {
    double f = 0;
    std::string msg;
    ASSERT_TRUE(ParseProgressLine(line, &f, &msg)) << line;
    ++lines;
  }
  EXPECT_GE(lines, 20);
}

TEST_F(PipelineTest, DatasetLoadPassesTheDatasetAlongToTheModel) {
  Json dataset = {{"name", "cancer"}, {"version", 3}};
  Json meta = {{"schema", {{"label", "target"}, {"task", "classification"},
                           {"classes", {"malignant", "benign"}}}},
               {"dataset", dataset}};
  TaskRun load = Run("dataset-load", {{"dataset", "cancer"}},
                     {{"dataset", {kData + "breast_cancer.csv", "", "table", meta}}},
                     {{"table", "table"}});
  ASSERT_EQ(load.code, 0) << load.err;
  Json table_meta = load.outputs.outputs["table"].meta;
  EXPECT_EQ(table_meta["rows"], 569);
  EXPECT_EQ(table_meta["dataset"], dataset);
  EXPECT_EQ(table_meta["columns"].size(), 31u);
  TaskRun split = Run("split", Json::object(), {{"table", Artifact(load, "table", "table")}},
                      {{"train", "table"}, {"test", "table"}});
  ASSERT_EQ(split.code, 0) << split.err;
  EXPECT_EQ(split.outputs.outputs["test"].meta["dataset"], dataset);
  TaskRun train = Run("xgboost-train", {{"num_rounds", 5}},
                      {{"train", Artifact(split, "train", "table")}}, {{"model", "model"}});
  ASSERT_EQ(train.code, 0) << train.err;
  EXPECT_EQ(train.outputs.outputs["model"].meta["dataset"], dataset);
}

TEST_F(PipelineTest, RegisterModelAsksTheEngineForAVersion) {
  TrainAndEvaluate("iris.csv", "multi:softprob", false);
  auto model = InputArtifact{"/unused/model.json", "", "model", last_model_};
  TaskRun reg = Run("register-model", {{"name", "iris-xgb"}},
                    {{"model", model}, {"metrics", Artifact(last_eval_, "metrics", "metrics")}}, {});
  ASSERT_EQ(reg.code, 0) << reg.err;
  const Json& r = reg.outputs.register_model;
  EXPECT_EQ(r["name"], "iris-xgb");
  EXPECT_EQ(r["model_port"], "model");
  EXPECT_EQ(r["format"], "xgboost");
  EXPECT_EQ(r["metrics"], last_eval_.outputs.metrics);
  EXPECT_TRUE(reg.outputs.outputs.empty());
}

TEST_F(PipelineTest, BadParamsExitWithTwoAndNameTheParam) {
  TaskRun import = Run("csv-import", {{"path", kData + "iris.csv"}}, {}, {{"table", "table"}});
  ASSERT_EQ(import.code, 0) << import.err;
  auto table = Artifact(import, "table", "table");

  TaskRun split = Run("split", {{"test_fraction", 1.5}}, {{"table", table}},
                      {{"train", "table"}, {"test", "table"}});
  EXPECT_EQ(split.code, 2);
  EXPECT_NE(split.err.find("params.test_fraction"), std::string::npos) << split.err;
  EXPECT_FALSE(fs::exists(split.dir + "/outputs.json"));

  TaskRun unknown = Run("xgboost-train", {{"objective", "rank:pairwise"}}, {{"train", table}},
                        {{"model", "model"}});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("params.objective"), std::string::npos) << unknown.err;

  TaskRun binary = Run("xgboost-train", {{"objective", "binary:logistic"}}, {{"train", table}},
                       {{"model", "model"}});
  EXPECT_EQ(binary.code, 2);
  EXPECT_NE(binary.err.find("params.objective: binary:logistic needs 2 classes"), std::string::npos)
      << binary.err;

  TaskRun label = Run("xgboost-train", {{"label", "colour"}}, {{"train", table}}, {{"model", "model"}});
  EXPECT_EQ(label.code, 2);
  EXPECT_NE(label.err.find("params.label: no column named 'colour'"), std::string::npos) << label.err;

  TaskRun path = Run("csv-import", {{"path", "/nonexistent.csv"}}, {}, {{"table", "table"}});
  EXPECT_EQ(path.code, 2);
  EXPECT_NE(path.err.find("params.path"), std::string::npos) << path.err;

  TaskRun nolabel = Run("split", {{"stratify", true}},
                        {{"table", InputArtifact{table.path, "", "table", Json::object()}}},
                        {{"train", "table"}, {"test", "table"}});
  EXPECT_EQ(nolabel.code, 2);
  EXPECT_NE(nolabel.err.find("params.stratify"), std::string::npos) << nolabel.err;

  TaskRun missing_input = Run("evaluate", Json::object(), {}, {{"metrics", "metrics"}});
  EXPECT_EQ(missing_input.code, 2);
  EXPECT_NE(missing_input.err.find("inputs.model"), std::string::npos) << missing_input.err;

  TaskRun unknown_op = Run("no-such-op", Json::object(), {}, {});
  EXPECT_EQ(unknown_op.code, 2);
}

TEST_F(PipelineTest, MissingTaskJsonIsAFailure) {
  testing::internal::CaptureStderr();
  int code = RunBuiltinTask((root_ / "nowhere").string());
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 1);
  EXPECT_NE(err.find("task.json"), std::string::npos);
}

}  // namespace
}  // namespace tandem::operators
