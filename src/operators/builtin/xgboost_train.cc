// xgboost-train: gradient-boosted trees on a table's numeric columns, for the table's
// label. Writes XGBoost's JSON model with the meta serving needs (features, classes,
// signature, and the table's fitted transforms), so a registered model can be served on
// raw rows without looking at its training data.
#include <algorithm>

#include "data/schema.h"
#include "ml/xgboost_model.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/feature_matrix.h"
#include "operators/builtin/table_ports.h"
#include "operators/builtin/train_target.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "xgboost-train";
  def.category = "train";
  def.description = "Trains an XGBoost model (classification or regression) on a table.";
  def.inputs = {{"train", {"table"}}};
  def.outputs = {{"model", {"model", false, {"xgboost"}}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "label": {"type": "string", "minLength": 1,
                "description": "Column to predict; the table's label when absent."},
      "objective": {"type": "string",
                    "enum": ["binary:logistic", "multi:softprob", "reg:squarederror"],
                    "description": "Learning task; chosen from the label when absent (2 classes: binary:logistic, more: multi:softprob, numbers: reg:squarederror)."},
      "num_rounds": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100,
                     "description": "Boosting rounds (trees per class)."},
      "max_depth": {"type": "integer", "minimum": 1, "maximum": 32, "default": 6,
                    "description": "Maximum depth of a tree."},
      "eta": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.3,
              "description": "Learning rate."},
      "seed": {"type": "integer", "minimum": 0, "default": 0, "description": "Random seed."},
      "nthread": {"type": "integer", "minimum": 0, "maximum": 1024, "default": 0,
                  "description": "Training threads; 0 lets XGBoost choose."}
    }
  })json");
  return def;
}

// The target and the objective, after checking that the objective fits the label.
Result<std::string> ChooseObjective(const TaskContext& ctx, const TableInput& in, Target& t) {
  std::string objective = ctx.params().value("objective", "");
  if (objective.empty()) {
    objective = t.task == "regression" ? "reg:squarederror"
                : t.classes.size() == 2 ? "binary:logistic"
                                        : "multi:softprob";
  }
  if (objective == "reg:squarederror") {
    Status numeric = RequireNumericLabel(in, t);
    if (!numeric.ok()) {
      return InvalidArgument("params.objective: reg:squarederror needs a numeric label; '" +
                             t.label + "' is text");
    }
    return objective;
  }
  if (t.task == "regression") t.classes.clear();
  const bool enough = RequireClasses(in, t).ok();
  if (objective == "binary:logistic" && t.classes.size() != 2) {
    return InvalidArgument("params.objective: binary:logistic needs 2 classes; label '" + t.label +
                           "' has " + std::to_string(t.classes.size()));
  }
  if (!enough) {
    return InvalidArgument("params.objective: " + objective + " needs at least 2 classes; label '" +
                           t.label + "' has " + std::to_string(t.classes.size()));
  }
  return objective;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ctx.Progress(0.02, "reading train table");
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "train"));
  ASSIGN_OR_RETURN(Target target, ReadTarget(p, in));
  ASSIGN_OR_RETURN(const std::string objective, ChooseObjective(ctx, in, target));
  ASSIGN_OR_RETURN(std::vector<std::string> features, FeatureColumns(in.table, target.label));
  ASSIGN_OR_RETURN(ml::DenseMatrix x, FeatureMatrix(in.table, features));
  std::vector<float> y;
  if (target.task == "regression") {
    ASSIGN_OR_RETURN(y, ValueLabels(in.table, target.label));
  } else {
    ASSIGN_OR_RETURN(y, ClassLabels(in.table, target.label, target.classes));
  }
  std::map<std::string, std::string> xgb = {
      {"objective", objective},
      {"max_depth", std::to_string(p["max_depth"].get<int64_t>())},
      {"eta", data::FormatNumber(p["eta"].get<double>())},
      {"seed", std::to_string(p["seed"].get<uint64_t>())},
      {"verbosity", "0"}};
  if (objective == "multi:softprob") xgb["num_class"] = std::to_string(target.classes.size());
  if (int64_t threads = p["nthread"].get<int64_t>(); threads > 0) xgb["nthread"] = std::to_string(threads);

  const int rounds = static_cast<int>(p["num_rounds"].get<int64_t>());
  const int every = std::max(1, rounds / 20);
  ctx.Progress(0.05, "training " + std::to_string(rounds) + " rounds on " +
                         std::to_string(x.rows) + " rows x " + std::to_string(x.cols) + " features");
  auto model = ml::XgbModel::Train(x, y, xgb, rounds, [&](int i) {
    if ((i + 1) % every == 0 || i + 1 == rounds) {
      ctx.Progress(0.05 + 0.9 * (i + 1) / rounds,
                   "round " + std::to_string(i + 1) + "/" + std::to_string(rounds));
    }
  });
  if (!model.ok()) return model.status();
  Json meta = ModelMeta("xgboost", target, features, in.lineage, PredictionOutputs(target));
  meta["objective"] = objective;
  ASSIGN_OR_RETURN(std::string path, ctx.AddOutput("model", "model.json", std::move(meta)));
  return model->Save(path);
}

}  // namespace

BuiltinOperator XgboostTrainOperator() { return {Definition, Run, "xgboost-train/2"}; }

}  // namespace tandem::operators::builtin
