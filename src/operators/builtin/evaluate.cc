// evaluate: a trained model's quality on a held-out table. The model's meta says which
// columns are its features, what the label is and its classes, and which transforms it
// was trained behind, so the test table is read exactly the way the training table was.
// Classification metrics carry per-class figures and, for two classes, the ROC curve.
// Any model that predicts a label is scored: xgboost and linear in process, python
// through its own predict() (python_model.h). The model port says at validation which
// formats it takes (PortDef::formats), so a k-means model wired here is refused then.
#include "core/fs.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/feature_matrix.h"
#include "operators/builtin/metrics.h"
#include "operators/builtin/model_scoring.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {
namespace {

// Every format that predicts a label: k-means models have none to score against.
const std::vector<std::string>& EvaluatedFormats() {
  static const std::vector<std::string> formats = {"xgboost", "linear", "python"};
  return formats;
}

OperatorDef Definition() {
  OperatorDef def;
  def.name = "evaluate";
  def.category = "evaluate";
  def.description = "Scores a model on a test table: accuracy, precision, recall, F1 (overall and "
                    "per class), ROC AUC and curve, log loss and the confusion matrix, or RMSE, "
                    "MAE and R2 for regression.";
  def.inputs = {{"model", {"model", false, EvaluatedFormats()}}, {"test", {"table"}}};
  def.outputs = {{"metrics", {"metrics"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object", "additionalProperties": false, "properties": {}
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  ASSIGN_OR_RETURN(InputArtifact model_in, ctx.Input("model"));
  ASSIGN_OR_RETURN(ModelInfo info, ReadModelInfo(model_in.meta, "model", EvaluatedFormats()));
  if (info.label.empty()) return InvalidArgument("inputs.model.meta.label: the model names no label to score");
  ASSIGN_OR_RETURN(TableInput test, ReadTableInput(ctx, "test"));
  ASSIGN_OR_RETURN(test.table, AlignTransforms(info, test, "test"));
  auto x = FeatureMatrix(test.table, info.features);
  if (!x.ok()) return x.status().WithContext("inputs.test");
  ctx.Progress(0.4, "predicting " + std::to_string(x->rows) + " rows");
  ASSIGN_OR_RETURN(ml::Prediction prediction, PredictRows(info, model_in.path, *x));

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
    ASSIGN_OR_RETURN(std::vector<double> probabilities,
                     ClassProbabilities(prediction, info.classes.size()));
    std::vector<int> truth(y->begin(), y->end());
    ASSIGN_OR_RETURN(metrics, ClassificationMetrics(truth, probabilities, info.classes));
  }
  ASSIGN_OR_RETURN(std::string path,
                   ctx.AddOutput("metrics", "metrics.json", {{"task", info.task}}));
  RETURN_IF_ERROR(WriteFileAtomic(path, metrics.dump(2)));
  ctx.outputs().metrics = metrics;
  return Status::Ok();
}

}  // namespace

BuiltinOperator EvaluateOperator() { return {Definition, Run, "evaluate/3"}; }

}  // namespace tandem::operators::builtin
