// evaluate: a trained model's quality on a held-out table. The model's meta says which
// columns are its features, what the label is and its classes, and which transforms it
// was trained behind, so the test table is read exactly the way the training table was.
// Classification metrics carry per-class figures and, for two classes, the ROC curve.
#include <algorithm>

#include "core/fs.h"
#include "data/schema.h"
#include "data/transform.h"
#include "ml/linear_model.h"
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
  def.description = "Scores a model on a test table: accuracy, precision, recall, F1 (overall and "
                    "per class), ROC AUC and curve, log loss and the confusion matrix, or RMSE, "
                    "MAE and R2 for regression.";
  def.inputs = {{"model", {"model"}}, {"test", {"table"}}};
  def.outputs = {{"metrics", {"metrics"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object", "additionalProperties": false, "properties": {}
  })json");
  return def;
}

// The fields of a model's meta that evaluate relies on.
struct ModelInfo {
  std::string format, label, task;
  std::vector<std::string> features, classes;
  Json transforms = Json::array();
};

Result<ModelInfo> ReadModelInfo(const Json& meta) {
  const std::string path = "inputs.model.meta";
  ModelInfo info;
  ASSIGN_OR_RETURN(info.format, GetString(meta, "format", path));
  if (info.format != "xgboost" && info.format != "linear") {
    return InvalidArgument(path + ".format: evaluate reads xgboost and linear models, got '" +
                           info.format + "'");
  }
  ASSIGN_OR_RETURN(info.label, GetString(meta, "label", path));
  ASSIGN_OR_RETURN(info.task, GetString(meta, "task", path));
  if (auto t = meta.find("transforms"); t != meta.end() && !t->is_null()) {
    auto chain = data::TransformChain::FromJson(*t);
    if (!chain.ok()) return chain.status().WithContext(path);
    info.transforms = *t;
  }
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

Result<ml::Prediction> Predict(const ModelInfo& info, const std::string& path, const ml::DenseMatrix& x) {
  if (info.format == "xgboost") {
    ASSIGN_OR_RETURN(ml::XgbModel model, ml::XgbModel::Load(path));
    return model.Predict(x);
  }
  ASSIGN_OR_RETURN(Json j, ml::ReadModelJson(path));
  auto model = ml::LinearModel::FromJson(j);
  if (!model.ok()) return model.status().WithContext("inputs.model");
  return model->Predict(x);
}

// The test table as the model saw its training table: the test table has been through
// the first steps of the model's chain (none, when it was split off before them); the
// remaining steps are applied here, so evaluating on raw held-out rows is honest.
Result<data::Table> AlignTransforms(const ModelInfo& info, const TableInput& test) {
  const Json& done = test.lineage.transforms;
  const bool prefix = done.size() <= info.transforms.size() &&
                      std::equal(done.begin(), done.end(), info.transforms.begin());
  if (!prefix) {
    return InvalidArgument("inputs.test: its transforms are not the first steps of the model's; "
                           "split the table before or after all of the model's transforms");
  }
  data::TransformChain rest;
  for (size_t i = done.size(); i < info.transforms.size(); ++i) RETURN_IF_ERROR(rest.Append(info.transforms[i]));
  auto aligned = rest.Apply(test.table, {info.label});
  if (!aligned.ok()) return aligned.status().WithContext("inputs.test");
  return aligned;
}

Status Run(TaskContext& ctx) {
  ASSIGN_OR_RETURN(InputArtifact model_in, ctx.Input("model"));
  ASSIGN_OR_RETURN(ModelInfo info, ReadModelInfo(model_in.meta));
  ASSIGN_OR_RETURN(TableInput test, ReadTableInput(ctx, "test"));
  ASSIGN_OR_RETURN(test.table, AlignTransforms(info, test));
  auto x = FeatureMatrix(test.table, info.features);
  if (!x.ok()) return x.status().WithContext("inputs.test");
  ctx.Progress(0.4, "predicting " + std::to_string(x->rows) + " rows");
  ASSIGN_OR_RETURN(ml::Prediction prediction, Predict(info, model_in.path, *x));

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

BuiltinOperator EvaluateOperator() { return {Definition, Run, "evaluate/2"}; }

}  // namespace tandem::operators::builtin
