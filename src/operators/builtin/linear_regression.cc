// linear-regression: least squares, or ridge with alpha > 0, in closed form. Writes a
// "linear" model (ml/linear_model.h) that serving evaluates without any library.
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
  def.name = "linear-regression";
  def.category = "train";
  def.description = "Fits a linear regression (ordinary least squares, or ridge with alpha > 0).";
  def.inputs = {{"train", {"table"}}};
  def.outputs = {{"model", {"model", false, {"linear"}}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "label": {"type": "string", "minLength": 1,
                "description": "Column to predict (numbers); the table's label when absent."},
      "alpha": {"type": "number", "minimum": 0, "default": 0,
                "description": "L2 penalty on the coefficients (ridge); 0 = ordinary least squares."}
    }
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "train"));
  ASSIGN_OR_RETURN(Target target, ReadTarget(p, in));
  RETURN_IF_ERROR(RequireNumericLabel(in, target));
  ASSIGN_OR_RETURN(std::vector<std::string> features, FeatureColumns(in.table, target.label));
  ASSIGN_OR_RETURN(ml::DenseMatrix x, FeatureMatrix(in.table, features));
  ASSIGN_OR_RETURN(std::vector<float> y32, ValueLabels(in.table, target.label));
  std::vector<double> y(y32.begin(), y32.end());
  ctx.Progress(0.2, "fitting " + std::to_string(x.rows) + " rows x " + std::to_string(x.cols) + " features");
  auto model = ml::FitLinearRegression(x, y, features, p["alpha"].get<double>());
  if (!model.ok()) return InvalidArgument("inputs.train: " + model.status().message());
  ASSIGN_OR_RETURN(ml::Prediction fitted, model->Predict(x));
  ASSIGN_OR_RETURN(Json train, RegressionMetrics(y, {fitted.values.begin(), fitted.values.end()}));
  ctx.outputs().metrics = {{"train_rmse", train["rmse"]}, {"train_r2", train["r2"]}};
  Json meta = ModelMeta("linear", target, features, in.lineage, PredictionOutputs(target));
  meta["link"] = model->link;
  ASSIGN_OR_RETURN(std::string path, ctx.AddOutput("model", "model.json", std::move(meta)));
  return WriteFileAtomic(path, model->ToJson().dump(2));
}

}  // namespace

BuiltinOperator LinearRegressionOperator() { return {Definition, Run, "linear-regression/1"}; }

}  // namespace tandem::operators::builtin
