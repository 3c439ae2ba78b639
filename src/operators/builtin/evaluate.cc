// evaluate: a trained model's quality on a held-out table. The model's meta says which
// columns are its features, what the label is and its classes, so the test table is
// read exactly the way the training table was.
#include "core/fs.h"
#include "data/schema.h"
#include "ml/xgboost_model.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/feature_matrix.h"
#include "operators/builtin/metrics.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "evaluate";
  def.category = "evaluate";
  def.description = "Scores a model on a test table: accuracy, precision, recall, F1, ROC AUC, "
                    "log loss and the confusion matrix, or RMSE, MAE and R2 for regression.";
  def.inputs = {{"model", {"model"}}, {"test", {"table"}}};
  def.outputs = {{"metrics", {"metrics"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object", "additionalProperties": false, "properties": {}
  })json");
  return def;
}

// The fields of a model's meta that evaluate relies on.
struct ModelInfo {
  std::string label, task, objective;
  std::vector<std::string> features, classes;
};

Result<ModelInfo> ReadModelInfo(const Json& meta) {
  const std::string path = "inputs.model.meta";
  ModelInfo info;
  ASSIGN_OR_RETURN(std::string format, GetString(meta, "format", path));
  if (format != "xgboost") {
    return InvalidArgument(path + ".format: evaluate reads xgboost models, got '" + format + "'");
  }
  ASSIGN_OR_RETURN(info.label, GetString(meta, "label", path));
  ASSIGN_OR_RETURN(info.task, GetString(meta, "task", path));
  ASSIGN_OR_RETURN(info.objective, GetString(meta, "objective", path));
  for (const char* key : {"features", "classes"}) {
    auto it = meta.find(key);
    if (it == meta.end() || !it->is_array()) {
      return InvalidArgument(path + "." + key + ": expected an array of names");
    }
    auto& out = std::string(key) == "features" ? info.features : info.classes;
    for (const auto& v : *it) {
      if (!v.is_string()) return InvalidArgument(path + "." + key + ": expected names");
      out.push_back(v.get<std::string>());
    }
  }
  return info;
}

// Class probabilities rows x K; binary:logistic predicts only p(class 1).
std::vector<double> Probabilities(const ml::Prediction& p, size_t k) {
  std::vector<double> out;
  out.reserve(p.rows * k);
  for (size_t r = 0; r < p.rows; ++r) {
    if (p.width == 1 && k == 2) {
      out.push_back(1.0 - p.values[r]);
      out.push_back(p.values[r]);
    } else {
      for (size_t c = 0; c < p.width; ++c) out.push_back(p.values[r * p.width + c]);
    }
  }
  return out;
}

Status Run(TaskContext& ctx) {
  ASSIGN_OR_RETURN(InputArtifact model_in, ctx.Input("model"));
  ASSIGN_OR_RETURN(ModelInfo info, ReadModelInfo(model_in.meta));
  ASSIGN_OR_RETURN(TableInput test, ReadTableInput(ctx, "test"));
  ctx.Progress(0.1, "loading model");
  ASSIGN_OR_RETURN(ml::XgbModel model, ml::XgbModel::Load(model_in.path));
  auto x = FeatureMatrix(test.table, info.features);
  if (!x.ok()) return x.status().WithContext("inputs.test");
  ctx.Progress(0.4, "predicting " + std::to_string(x->rows) + " rows");
  ASSIGN_OR_RETURN(ml::Prediction prediction, model.Predict(*x));

  Json metrics;
  if (info.task == "regression") {
    auto y = ValueLabels(test.table, info.label);
    if (!y.ok()) return y.status().WithContext("inputs.test");
    std::vector<double> truth(y->begin(), y->end());
    std::vector<double> predicted(prediction.values.begin(), prediction.values.end());
    ASSIGN_OR_RETURN(metrics, RegressionMetrics(truth, predicted));
  } else {
    auto y = ClassLabels(test.table, info.label, info.classes);
    if (!y.ok()) return y.status().WithContext("inputs.test");
    const size_t k = info.classes.size();
    if (!(prediction.width == k || (prediction.width == 1 && k == 2))) {
      return InvalidArgument("inputs.model: predicts " + std::to_string(prediction.width) +
                             " values per row for " + std::to_string(k) + " classes");
    }
    std::vector<int> truth(y->begin(), y->end());
    ASSIGN_OR_RETURN(metrics, ClassificationMetrics(truth, Probabilities(prediction, k), info.classes));
  }
  ASSIGN_OR_RETURN(std::string path,
                   ctx.AddOutput("metrics", "metrics.json", {{"task", info.task}}));
  RETURN_IF_ERROR(WriteFileAtomic(path, metrics.dump(2)));
  ctx.outputs().metrics = metrics;
  return Status::Ok();
}

}  // namespace

BuiltinOperator EvaluateOperator() { return {Definition, Run, "evaluate/1"}; }

}  // namespace tandem::operators::builtin
