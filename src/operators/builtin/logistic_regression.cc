// logistic-regression: L2-regularised logistic regression, binary (sigmoid) or
// multinomial (softmax), fitted by Newton's method on standardised features; the
// objective is scikit-learn's LogisticRegression(C=...). Writes a "linear" model
// (ml/linear_model.h) on raw features.
#include "core/fs.h"
#include "ml/linear_fit.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/feature_matrix.h"
#include "operators/builtin/metrics.h"
#include "operators/builtin/table_ports.h"
#include "operators/builtin/train_target.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "logistic-regression";
  def.category = "train";
  def.description = "Fits an L2-regularised logistic regression (two or more classes).";
  def.inputs = {{"train", {"table"}}};
  def.outputs = {{"model", {"model", false, {"linear"}}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "label": {"type": "string", "minLength": 1,
                "description": "Column to predict (the classes); the table's label when absent."},
      "C": {"type": "number", "exclusiveMinimum": 0, "default": 1,
            "description": "Inverse regularisation strength, as scikit-learn's C: smaller = stronger L2 penalty."},
      "max_iter": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100,
                   "description": "Most Newton iterations."},
      "standardize": {"type": "boolean", "default": true,
                      "description": "Fit on standardised features (the penalty then treats every feature alike); the model still takes raw features."}
    }
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "train"));
  ASSIGN_OR_RETURN(Target target, ReadTarget(p, in));
  RETURN_IF_ERROR(RequireClasses(in, target));
  ASSIGN_OR_RETURN(std::vector<std::string> features, FeatureColumns(in.table, target.label));
  ASSIGN_OR_RETURN(ml::DenseMatrix x, FeatureMatrix(in.table, features));
  ASSIGN_OR_RETURN(std::vector<float> labels, ClassLabels(in.table, target.label, target.classes));
  std::vector<int> y(labels.begin(), labels.end());
  ml::LogisticOptions o;
  o.c = p["C"].get<double>();
  o.max_iter = p["max_iter"].get<int>();
  o.standardize = p["standardize"].get<bool>();
  ctx.Progress(0.2, "fitting " + std::to_string(x.rows) + " rows x " + std::to_string(x.cols) +
                        " features, " + std::to_string(target.classes.size()) + " classes");
  auto fit = ml::FitLogisticRegression(x, y, target.classes.size(), features, o);
  if (!fit.ok()) return InvalidArgument("inputs.train: " + fit.status().message());
  ASSIGN_OR_RETURN(ml::Prediction fitted, fit->model.Predict(x));
  ASSIGN_OR_RETURN(Json train, ClassificationMetrics(y, {fitted.values.begin(), fitted.values.end()},
                                                     target.classes));
  ctx.outputs().metrics = {{"train_accuracy", train["accuracy"]},
                           {"train_log_loss", train["log_loss"]},
                           {"iterations", fit->iterations},
                           {"converged", fit->converged}};
  Json meta = ModelMeta("linear", target, features, in.lineage, PredictionOutputs(target));
  meta["link"] = fit->model.link;
  ASSIGN_OR_RETURN(std::string path, ctx.AddOutput("model", "model.json", std::move(meta)));
  return WriteFileAtomic(path, fit->model.ToJson().dump(2));
}

}  // namespace

BuiltinOperator LogisticRegressionOperator() { return {Definition, Run, "logistic-regression/1"}; }

}  // namespace tandem::operators::builtin
