// The training operators: xgboost-train and logistic-regression against the Python
// reference (Debian's python3-xgboost and python3-sklearn) on the same breast-cancer
// split, and linear-regression, multinomial logistic-regression and kmeans on their own.
#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>

#include "core/fs.h"
#include "data/csv.h"
#include "data/table_file.h"
#include "operators/builtin/task_harness.h"

namespace tandem::operators {
namespace {

const std::string kData = "/usr/lib/python3/dist-packages/sklearn/datasets/data/";
const char* const kPython = "/usr/bin/python3";

// Trains the same models as the test on the CSVs the split operator wrote. Exit code 3
// when a module is missing (the test then skips).
const char* const kReference = R"py(
import csv, json, sys
try:
    import numpy as np
    import xgboost as xgb
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler
except ImportError as e:
    print(e)
    sys.exit(3)

train_path, test_path, label, classes = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])

def load(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    at = rows[0].index(label)
    x = np.array([[float(v) for i, v in enumerate(r) if i != at] for r in rows[1:]], dtype=np.float32)
    y = np.array([classes.index(r[at]) for r in rows[1:]])
    return x, y

xtr, ytr = load(train_path)
xte, yte = load(test_path)
booster = xgb.train({"objective": "binary:logistic", "max_depth": 4, "eta": 0.3, "seed": 0,
                     "verbosity": 0}, xgb.DMatrix(xtr, label=ytr), num_boost_round=100)
auc = roc_auc_score(yte, booster.predict(xgb.DMatrix(xte)))
scaler = StandardScaler().fit(xtr.astype(np.float64))
logreg = LogisticRegression(C=1.0, max_iter=10000).fit(scaler.transform(xtr.astype(np.float64)), ytr)
accuracy = logreg.score(scaler.transform(xte.astype(np.float64)), yte)
print(json.dumps({"xgb_auc": auc, "logreg_accuracy": accuracy}))
)py";

class TrainOperatorsTest : public TaskHarness {
 protected:
  // csv-import -> split (0.25, seed 7, stratified).
  void ImportAndSplit(const std::string& csv) {
    import_ = Run("csv-import", {{"path", kData + csv}}, {}, {{"table", "table"}});
    ASSERT_EQ(import_.code, 0) << import_.err;
    split_ = Run("split", {{"test_fraction", 0.25}, {"seed", 7}, {"stratify", true}},
                 {{"table", Artifact(import_, "table", "table")}}, {{"train", "table"}, {"test", "table"}});
    ASSERT_EQ(split_.code, 0) << split_.err;
  }
  // `op` on the train part, then evaluate on the test part; evaluate's metrics.
  Json TrainAndEvaluate(const std::string& op, Json params) {
    TaskRun train = Run(op, std::move(params), {{"train", Artifact(split_, "train", "table")}},
                        {{"model", "model"}});
    EXPECT_EQ(train.code, 0) << train.err;
    model_ = train;
    TaskRun eval = Run("evaluate", Json::object(),
                       {{"model", Artifact(train, "model", "model")}, {"test", Artifact(split_, "test", "table")}},
                       {{"metrics", "metrics"}});
    EXPECT_EQ(eval.code, 0) << eval.err;
    return eval.outputs.metrics;
  }
  TaskRun import_, split_, model_;
};

// Runs the reference script; null (and a reason) when Python or a module is missing.
Json RunReference(const std::string& dir, const std::string& train, const std::string& test,
                  const Json& classes, std::string* skip) {
  if (!fs::exists(kPython)) {
    *skip = std::string(kPython) + " is not installed";
    return nullptr;
  }
  const std::string script = dir + "/reference.py";
  EXPECT_TRUE(WriteFileAtomic(script, kReference).ok());
  const std::string command = std::string(kPython) + " " + script + " " + train + " " + test +
                              " target '" + classes.dump() + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buffer[4096];
  while (pipe && fgets(buffer, sizeof buffer, pipe)) out += buffer;
  const int status = pipe ? pclose(pipe) : -1;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
    *skip = "the Python reference lacks a module: " + out;
    return nullptr;
  }
  EXPECT_EQ(status, 0) << out;
  auto parsed = ParseJson(out, "reference output");
  EXPECT_TRUE(parsed.ok()) << out;
  return parsed.ok() ? *parsed : Json(nullptr);
}

TEST_F(TrainOperatorsTest, BreastCancerMatchesPythonXgboostAndSklearn) {
  ImportAndSplit("breast_cancer.csv");
  Json xgb = TrainAndEvaluate("xgboost-train", {{"objective", "binary:logistic"}, {"num_rounds", 100},
                                                {"max_depth", 4}, {"eta", 0.3}, {"seed", 0}});
  Json logreg = TrainAndEvaluate("logistic-regression", {{"C", 1.0}});
  EXPECT_EQ(model_.outputs.outputs["model"].meta["format"], "linear");
  EXPECT_EQ(model_.outputs.outputs["model"].meta["link"], "logistic");
  EXPECT_EQ(model_.outputs.metrics["converged"], true);

  const Json classes = split_.outputs.outputs["train"].meta["classes"];
  std::string skip;
  // The reference reads CSV, as a foreign program gets it (data/table_file.h).
  const std::string train_csv = (root_ / "train.csv").string(), test_csv = (root_ / "test.csv").string();
  ASSERT_TRUE(data::ConvertToCsvFile(Artifact(split_, "train", "table").path, train_csv).ok());
  ASSERT_TRUE(data::ConvertToCsvFile(Artifact(split_, "test", "table").path, test_csv).ok());
  Json ref = RunReference(root_.string(), train_csv, test_csv, classes, &skip);
  if (ref.is_null()) GTEST_SKIP() << skip;
  const double our_auc = xgb["roc_auc"].get<double>(), py_auc = ref["xgb_auc"].get<double>();
  const double our_acc = logreg["accuracy"].get<double>(), py_acc = ref["logreg_accuracy"].get<double>();
  std::cout << "breast cancer xgboost ROC AUC: tandem " << our_auc << ", python xgboost " << py_auc
            << "\nbreast cancer logistic accuracy: tandem " << our_acc << ", sklearn " << py_acc << "\n";
  EXPECT_NEAR(our_auc, py_auc, 0.005);
  EXPECT_NEAR(our_acc, py_acc, 0.01);
  EXPECT_EQ(xgb["roc_curve"]["fpr"].front(), 0);
  EXPECT_EQ(xgb["roc_curve"]["tpr"].back(), 1);
  EXPECT_EQ(xgb["per_class"][0]["class"], "malignant");
  EXPECT_EQ(xgb["per_class"][0]["support"], 53);  // round(212 * 0.25)
}

TEST_F(TrainOperatorsTest, MultinomialLogisticAndKMeansOnIris) {
  ImportAndSplit("iris.csv");
  Json m = TrainAndEvaluate("logistic-regression", Json::object());
  EXPECT_EQ(model_.outputs.outputs["model"].meta["link"], "softmax");
  EXPECT_GE(m["accuracy"].get<double>(), 0.9);
  EXPECT_EQ(m["per_class"].size(), 3u);
  EXPECT_FALSE(m.contains("roc_curve"));  // two classes only

  auto kmeans = [&](int seed) {
    TaskRun run = Run("kmeans", {{"k", 3}, {"seed", seed}}, {{"train", Artifact(import_, "table", "table")}},
                      {{"model", "model"}});
    EXPECT_EQ(run.code, 0) << run.err;
    return run;
  };
  TaskRun a = kmeans(1), b = kmeans(1);
  EXPECT_EQ(*ReadFile(Artifact(a, "model", "model").path), *ReadFile(Artifact(b, "model", "model").path));
  const Json& meta = a.outputs.outputs["model"].meta;
  EXPECT_EQ(meta["format"], "kmeans");
  EXPECT_EQ(meta["task"], "clustering");
  EXPECT_EQ(meta["features"].size(), 4u);  // the label is left out
  size_t total = 0;
  for (const auto& n : a.outputs.metrics["cluster_sizes"]) total += n.get<size_t>();
  EXPECT_EQ(total, 150u);
  // Iris's well-known k = 3 optimum (scikit-learn's KMeans reaches the same 78.85).
  EXPECT_NEAR(a.outputs.metrics["inertia"].get<double>(), 78.85, 0.01);
}

// Split first, fit the scaler on the train part only: evaluate replays the model's chain
// on the raw test rows; a test table shaped by other transforms is refused.
TEST_F(TrainOperatorsTest, EvaluateAppliesTheModelsRemainingTransformsToRawTestRows) {
  ImportAndSplit("iris.csv");
  TaskRun scaled = Run("standardize", Json::object(), {{"table", Artifact(split_, "train", "table")}},
                       {{"table", "table"}});
  ASSERT_EQ(scaled.code, 0) << scaled.err;
  TaskRun train = Run("logistic-regression", Json::object(), {{"train", Artifact(scaled, "table", "table")}},
                      {{"model", "model"}});
  ASSERT_EQ(train.code, 0) << train.err;
  EXPECT_EQ(train.outputs.outputs["model"].meta["transforms"][0]["kind"], "standardize");
  TaskRun eval = Run("evaluate", Json::object(),
                     {{"model", Artifact(train, "model", "model")}, {"test", Artifact(split_, "test", "table")}},
                     {{"metrics", "metrics"}});
  ASSERT_EQ(eval.code, 0) << eval.err;
  EXPECT_GE(eval.outputs.metrics["accuracy"].get<double>(), 0.9);

  TaskRun other = Run("min-max-scale", Json::object(), {{"table", Artifact(split_, "test", "table")}},
                      {{"table", "table"}});
  TaskRun refused = Run("evaluate", Json::object(),
                        {{"model", Artifact(train, "model", "model")}, {"test", Artifact(other, "table", "table")}},
                        {{"metrics", "metrics"}});
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.err.find("inputs.test: its transforms are not the first steps of the model's"),
            std::string::npos) << refused.err;
}

TEST_F(TrainOperatorsTest, LinearRegressionRecoversAPlane) {
  data::Table t;
  t.rows = 6;
  t.columns = {data::Column::Numbers("a", {0, 1, 0, 2, 1, 4}), data::Column::Numbers("b", {0, 0, 1, 1, 3, 2}),
               data::Column::Numbers("y", {1, 3, -2, 2, -6, 3})};  // y = 1 + 2a - 3b
  TaskRun run = Run("linear-regression", {{"label", "y"}}, {{"train", TableArtifact(t)}}, {{"model", "model"}});
  ASSERT_EQ(run.code, 0) << run.err;
  auto model = ParseJson(*ReadFile(Artifact(run, "model", "model").path));
  ASSERT_TRUE(model.ok());
  EXPECT_NEAR((*model)["intercepts"][0].get<double>(), 1, 1e-9);
  EXPECT_NEAR((*model)["coefficients"][0][0].get<double>(), 2, 1e-9);
  EXPECT_NEAR((*model)["coefficients"][0][1].get<double>(), -3, 1e-9);
  EXPECT_EQ(run.outputs.outputs["model"].meta["task"], "regression");
  EXPECT_NEAR(run.outputs.metrics["train_r2"].get<double>(), 1, 1e-12);
  TaskRun eval = Run("evaluate", Json::object(),
                     {{"model", Artifact(run, "model", "model")}, {"test", TableArtifact(t, "y")}},
                     {{"metrics", "metrics"}});
  ASSERT_EQ(eval.code, 0) << eval.err;
  EXPECT_NEAR(eval.outputs.metrics["rmse"].get<double>(), 0, 1e-5);
}

}  // namespace
}  // namespace tandem::operators
