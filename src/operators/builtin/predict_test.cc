// predict (batch scoring) and evaluate over every format a task can predict with: the
// predictions equal the model's own on the same rows (XGBoost through ml::XgbModel, a
// python model through its predict()), evaluate scores python models, a model no
// operator can score is refused naming the port, and tandem_op's metrics are evaluate's.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "core/fs.h"
#include "data/csv.h"
#include "ml/linear_model.h"
#include "ml/xgboost_model.h"
#include "operators/builtin/feature_matrix.h"
#include "operators/builtin/metrics.h"
#include "operators/builtin/task_harness.h"
#include "operators/runtime.h"

namespace tandem::operators {
namespace {

namespace fs = std::filesystem;
using builtin::FeatureMatrix;

const std::string kData = "/usr/lib/python3/dist-packages/sklearn/datasets/data/";
const char* const kPython = "/usr/bin/python3";

// A python model in the save_python_model shape: p(yes) = clip(a / 10, 0, 1) on the
// FP32 matrix it is given. Its meta is the one a python training operator writes.
const char* const kPythonModel = R"py(
import numpy as np
CLASSES = ["no", "yes"]

def predict(inputs):
    x = next(iter(inputs.values()))
    assert x.dtype == np.float32, x.dtype
    p = np.clip(x[:, 0] / np.float32(10), 0, 1)
    return {"probabilities": np.stack([1 - p, p], axis=1).astype(np.float32)}
)py";

Json PythonMeta() {
  return {{"format", "python"}, {"task", "classification"}, {"label", "y"},
          {"features", {"a", "b"}}, {"classes", {"no", "yes"}},
          {"signature", {{"inputs", Json::array({{{"name", "input"}, {"datatype", "FP32"}, {"shape", {-1, 2}}}})}}}};
}

data::Table SmallTable() {
  data::Table t;
  t.rows = 6;
  t.columns.push_back(data::Column::Numbers("a", {1, 9, 4, 7, 2, 8}));
  t.columns.push_back(data::Column::Numbers("b", {0, 1, 0, 1, 1, 0}));
  t.columns.push_back(data::Column::Strings("y", {"no", "yes", "yes", "yes", "no", "no"}));
  return t;
}

class PredictTest : public TaskHarness {
 protected:
  void SetUp() override {
    TaskHarness::SetUp();
    if (!fs::exists(kPython)) GTEST_SKIP() << kPython << " is not installed";
  }
  InputArtifact PythonModelArtifact() {
    // Named like a stored artifact (its digest, no ".py"), as tasks get it.
    const std::string path = (root_ / "5f3a9c0e7b").string();
    EXPECT_TRUE(WriteFileAtomic(path, kPythonModel).ok());
    return InputArtifact{path, "", "model", PythonMeta()};
  }
  const data::Column& Col(const data::Table& t, const std::string& name) {
    auto c = t.Get(name, "output");
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return **c;
  }
};

TEST_F(PredictTest, XgboostPredictionsEqualTheModelsOwn) {
  TaskRun import = Run("csv-import", {{"path", kData + "iris.csv"}}, {}, {{"table", "table"}});
  ASSERT_EQ(import.code, 0) << import.err;
  TaskRun split = Run("split", {{"test_fraction", 0.3}, {"seed", 3}},
                      {{"table", Artifact(import, "table", "table")}}, {{"train", "table"}, {"test", "table"}});
  ASSERT_EQ(split.code, 0) << split.err;
  TaskRun train = Run("xgboost-train", {{"num_rounds", 20}}, {{"train", Artifact(split, "train", "table")}},
                      {{"model", "model"}});
  ASSERT_EQ(train.code, 0) << train.err;
  TaskRun scored = Run("predict", {{"column", "prediction"}},
                       {{"table", Artifact(split, "test", "table")}, {"model", Artifact(train, "model", "model")}},
                       {{"table", "table"}});
  ASSERT_EQ(scored.code, 0) << scored.err;

  const Json meta = train.outputs.outputs["model"].meta;
  const auto features = meta["features"].get<std::vector<std::string>>();
  const auto classes = meta["classes"].get<std::vector<std::string>>();
  data::Table test = ReadTable(split, "test");
  auto x = FeatureMatrix(test, features);
  ASSERT_TRUE(x.ok());
  auto model = ml::XgbModel::Load(Artifact(train, "model", "model").path);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  auto own = model->Predict(*x);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->width, classes.size());

  data::Table out = ReadTable(scored);
  ASSERT_EQ(out.rows, test.rows);
  const std::vector<int> best = builtin::ArgMax(std::vector<double>(own->values.begin(), own->values.end()),
                                                classes.size());
  for (size_t c = 0; c < classes.size(); ++c) {
    const data::Column& p = Col(out, "prediction_" + classes[c]);
    for (size_t r = 0; r < out.rows; ++r) {
      EXPECT_EQ(static_cast<float>(p.numbers[r]), own->values[r * classes.size() + c]) << "row " << r;
    }
  }
  const data::Column& label = Col(out, "prediction");
  for (size_t r = 0; r < out.rows; ++r) EXPECT_EQ(label.strings[r], classes[best[r]]) << "row " << r;
  EXPECT_EQ(scored.outputs.metrics["rows"], test.rows);
  // The table's own columns stay, untouched.
  EXPECT_EQ(Col(out, "target").strings, Col(test, "target").strings);
}

TEST_F(PredictTest, KMeansPredictsTheNearestCentroid) {
  TaskRun import = Run("csv-import", {{"path", kData + "iris.csv"}}, {}, {{"table", "table"}});
  ASSERT_EQ(import.code, 0) << import.err;
  TaskRun train = Run("kmeans", {{"k", 3}, {"seed", 1}}, {{"train", Artifact(import, "table", "table")}},
                      {{"model", "model"}});
  ASSERT_EQ(train.code, 0) << train.err;
  TaskRun scored = Run("predict", {{"column", "cluster"}},
                       {{"table", Artifact(import, "table", "table")}, {"model", Artifact(train, "model", "model")}},
                       {{"table", "table"}});
  ASSERT_EQ(scored.code, 0) << scored.err;
  auto j = ml::ReadModelJson(Artifact(train, "model", "model").path);
  ASSERT_TRUE(j.ok());
  auto model = ml::KMeansModel::FromJson(*j);
  ASSERT_TRUE(model.ok());
  data::Table table = ReadTable(import);
  auto x = FeatureMatrix(table, model->features);
  ASSERT_TRUE(x.ok());
  auto own = model->Predict(*x);
  ASSERT_TRUE(own.ok());
  data::Table out = ReadTable(scored);
  ASSERT_EQ(out.rows, 150u);
  for (size_t r = 0; r < out.rows; ++r) EXPECT_EQ(Col(out, "cluster").numbers[r], own->values[r]) << "row " << r;
}

TEST_F(PredictTest, PythonModelPredictsAndIsEvaluated) {
  InputArtifact model = PythonModelArtifact();
  InputArtifact table = TableArtifact(SmallTable(), "y");
  TaskRun scored = Run("predict", Json::object(), {{"table", table}, {"model", model}}, {{"table", "table"}});
  ASSERT_EQ(scored.code, 0) << scored.err;
  data::Table out = ReadTable(scored);
  const std::vector<double> a = {1, 9, 4, 7, 2, 8};
  for (size_t r = 0; r < out.rows; ++r) {
    const float p = std::clamp(static_cast<float>(a[r]) / 10.0f, 0.0f, 1.0f);
    EXPECT_EQ(static_cast<float>(Col(out, "prediction_yes").numbers[r]), p) << "row " << r;
    EXPECT_EQ(Col(out, "prediction").strings[r], p > 0.5f ? "yes" : "no") << "row " << r;
  }

  // New rows have no label column: they are scored all the same.
  data::Table unlabelled = SmallTable();
  unlabelled.columns.pop_back();
  TaskRun fresh = Run("predict", Json::object(), {{"table", TableArtifact(unlabelled)}, {"model", model}},
                      {{"table", "table"}});
  ASSERT_EQ(fresh.code, 0) << fresh.err;
  EXPECT_EQ(Col(ReadTable(fresh), "prediction").strings, Col(out, "prediction").strings);

  TaskRun eval = Run("evaluate", Json::object(), {{"model", model}, {"test", table}}, {{"metrics", "metrics"}});
  ASSERT_EQ(eval.code, 0) << eval.err;
  // Predicted yes for a = 9, 7, 8 against truth yes, yes, no: 4 of 6 right.
  EXPECT_DOUBLE_EQ(eval.outputs.metrics["accuracy"].get<double>(), 4.0 / 6);
  EXPECT_EQ(eval.outputs.metrics["confusion_matrix"]["matrix"], Json::parse("[[2,1],[1,2]]"));
}

TEST_F(PredictTest, APythonModelThatFailsSaysWhy) {
  InputArtifact model = PythonModelArtifact();
  ASSERT_TRUE(WriteFileAtomic(model.path, "def predict(inputs):\n    raise ValueError('no luck')\n").ok());
  TaskRun eval = Run("evaluate", Json::object(), {{"model", model}, {"test", TableArtifact(SmallTable(), "y")}},
                     {{"metrics", "metrics"}});
  EXPECT_EQ(eval.code, 2);
  EXPECT_NE(eval.err.find("inputs.model: the python model cannot predict"), std::string::npos) << eval.err;
  EXPECT_NE(eval.err.find("ValueError: no luck"), std::string::npos) << eval.err;
}

TEST_F(PredictTest, ModelsThatCannotBeScoredAreRefusedNamingThePort) {
  InputArtifact table = TableArtifact(SmallTable(), "y");
  InputArtifact model = PythonModelArtifact();
  model.meta["format"] = "kmeans";
  TaskRun eval = Run("evaluate", Json::object(), {{"model", model}, {"test", table}}, {{"metrics", "metrics"}});
  EXPECT_EQ(eval.code, 2);
  EXPECT_NE(eval.err.find("inputs.model.meta.format: the model on port 'model' is 'kmeans'; this "
                          "operator takes xgboost, linear, python models"), std::string::npos)
      << eval.err;
  model.meta["format"] = "torchscript";
  TaskRun scored = Run("predict", Json::object(), {{"table", table}, {"model", model}}, {{"table", "table"}});
  EXPECT_EQ(scored.code, 2);
  EXPECT_NE(scored.err.find("is 'torchscript'"), std::string::npos) << scored.err;
  TaskRun unwired = Run("predict", Json::object(), {{"table", table}}, {{"table", "table"}});
  EXPECT_EQ(unwired.code, 2);
  EXPECT_NE(unwired.err.find("inputs.model: wire a model"), std::string::npos) << unwired.err;
}

// tandem_op.classification_metrics / regression_metrics (what the sklearn operators
// report) give evaluate's names and numbers on the same predictions.
TEST_F(PredictTest, TandemOpMetricsAreEvaluates) {
  ASSERT_TRUE(InstallPythonSupport(root_.string()).ok());
  const std::vector<int> truth = {0, 1, 2, 2, 1, 0, 2};
  const std::vector<double> proba = {.7, .2, .1, .1, .6, .3, .2, .2, .6, .5, .3, .2,
                                     .3, .3, .4, .8, .1, .1, .1, .1, .8};
  const std::vector<std::string> classes = {"a", "b", "c"};
  auto ours = builtin::ClassificationMetrics(truth, proba, classes);
  ASSERT_TRUE(ours.ok());
  auto reg = builtin::RegressionMetrics({1, 2, 3, 5}, {1.5, 2, 2, 6});
  ASSERT_TRUE(reg.ok());
  const std::string script = (root_ / "metrics.py").string();
  ASSERT_TRUE(WriteFileAtomic(script, "import json, sys, numpy as np, tandem_op\n"
      "p = np.array(" + Json(proba).dump() + ").reshape(-1, 3)\n"
      "print(json.dumps([tandem_op.classification_metrics(" + Json(truth).dump() + ", p, " +
      Json(classes).dump() + "), tandem_op.regression_metrics([1, 2, 3, 5], [1.5, 2, 2, 6])]))\n").ok());
  const std::string command = "cd " + root_.string() + " && " + kPython + " metrics.py 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string text;
  char buffer[4096];
  while (pipe && fgets(buffer, sizeof buffer, pipe)) text += buffer;
  ASSERT_EQ(pipe ? pclose(pipe) : -1, 0) << text;
  auto theirs = ParseJson(text, "tandem_op metrics");
  ASSERT_TRUE(theirs.ok()) << text;
  for (const auto& [ref, got] : {std::pair{*ours, (*theirs)[0]}, std::pair{*reg, (*theirs)[1]}}) {
    for (const auto& [name, value] : ref.items()) {
      ASSERT_TRUE(got.contains(name)) << "tandem_op lacks metric '" << name << "'";
      if (value.is_number_float()) {
        EXPECT_NEAR(got[name].get<double>(), value.get<double>(), 1e-12) << name;
      } else if (name != "per_class") {
        EXPECT_EQ(got[name], value) << name;
      }
    }
    for (const auto& [name, _] : got.items()) EXPECT_TRUE(ref.contains(name)) << "extra metric '" << name << "'";
  }
  for (size_t c = 0; c < classes.size(); ++c) {
    for (const char* key : {"class", "support", "precision", "recall", "f1"}) {
      EXPECT_EQ((*theirs)[0]["per_class"][c][key], (*ours)["per_class"][c][key]) << key;
    }
  }
}

}  // namespace
}  // namespace tandem::operators
