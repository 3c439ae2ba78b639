// xgboost-train: gradient-boosted trees on a table's numeric columns, for the table's
// label. Writes XGBoost's JSON model with the meta serving needs (features, classes,
// signature), so a registered model can be served without looking at its training data.
#include <algorithm>

#include "data/schema.h"
#include "ml/xgboost_model.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/feature_matrix.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "xgboost-train";
  def.category = "train";
  def.description = "Trains an XGBoost model (classification or regression) on a table.";
  def.inputs = {{"train", {"table"}}};
  def.outputs = {{"model", {"model"}}};
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

// What the model learns: label, task, classes and objective, after checking that the
// objective fits the label.
struct Target {
  std::string label;
  std::string task;
  std::vector<std::string> classes;
  std::string objective;
};

Result<Target> ChooseTarget(const TaskContext& ctx, const TableInput& in) {
  const Json& p = ctx.params();
  Target t;
  Json schema = in.schema;
  if (p.contains("label") && p["label"] != schema["label"]) {
    t.label = p["label"].get<std::string>();
    auto fresh = data::InferSchema(in.table, t.label);
    if (!fresh.ok()) return InvalidArgument("params." + fresh.status().message());
    schema = *fresh;
  }
  t.label = data::SchemaLabel(schema);
  if (t.label.empty()) {
    return InvalidArgument("params.label: the input table has no label; name the column to predict");
  }
  t.task = data::SchemaTask(schema);
  t.classes = data::SchemaClasses(schema);
  t.objective = p.value("objective", "");
  if (t.objective.empty()) {
    t.objective = t.task == "regression" ? "reg:squarederror"
                  : t.classes.size() == 2 ? "binary:logistic"
                                          : "multi:softprob";
  }
  const data::Column* column = in.table.Find(t.label);
  if (t.objective == "reg:squarederror") {
    if (column->type != data::ColumnType::kNumber) {
      return InvalidArgument("params.objective: reg:squarederror needs a numeric label; '" +
                             t.label + "' is text");
    }
    t.task = "regression";
    t.classes.clear();
    return t;
  }
  t.task = "classification";
  if (t.classes.empty()) t.classes = data::DistinctValues(*column);
  if (t.objective == "binary:logistic" && t.classes.size() != 2) {
    return InvalidArgument("params.objective: binary:logistic needs 2 classes; label '" + t.label +
                           "' has " + std::to_string(t.classes.size()));
  }
  if (t.classes.size() < 2) {
    return InvalidArgument("params.objective: " + t.objective + " needs at least 2 classes; label '" +
                           t.label + "' has " + std::to_string(t.classes.size()));
  }
  return t;
}

Json ModelMeta(const Target& t, const std::vector<std::string>& features, const Json& dataset) {
  const auto f = static_cast<int64_t>(features.size());
  Json outputs = t.task == "regression"
                     ? Json::array({{{"name", "predictions"}, {"datatype", "FP32"}, {"shape", {-1}}}})
                     : Json::array({{{"name", "probabilities"},
                                     {"datatype", "FP32"},
                                     {"shape", {-1, static_cast<int64_t>(t.classes.size())}}}});
  Json signature = {
      {"inputs", Json::array({{{"name", "input"}, {"datatype", "FP32"}, {"shape", {-1, f}}}})},
      {"outputs", outputs},
      {"features", features},
      {"classes", t.classes},
      {"task", t.task}};
  Json meta = {{"format", "xgboost"}, {"objective", t.objective}, {"task", t.task},
               {"label", t.label},    {"features", features},     {"classes", t.classes},
               {"signature", signature}};
  if (!dataset.is_null()) meta["dataset"] = dataset;
  return meta;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ctx.Progress(0.02, "reading train table");
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "train"));
  ASSIGN_OR_RETURN(Target target, ChooseTarget(ctx, in));
  ASSIGN_OR_RETURN(std::vector<std::string> features, FeatureColumns(in.table, target.label));
  ASSIGN_OR_RETURN(ml::DenseMatrix x, FeatureMatrix(in.table, features));
  std::vector<float> y;
  if (target.task == "regression") {
    ASSIGN_OR_RETURN(y, ValueLabels(in.table, target.label));
  } else {
    ASSIGN_OR_RETURN(y, ClassLabels(in.table, target.label, target.classes));
  }
  std::map<std::string, std::string> xgb = {
      {"objective", target.objective},
      {"max_depth", std::to_string(p["max_depth"].get<int64_t>())},
      {"eta", data::FormatNumber(p["eta"].get<double>())},
      {"seed", std::to_string(p["seed"].get<uint64_t>())},
      {"verbosity", "0"}};
  if (target.objective == "multi:softprob") xgb["num_class"] = std::to_string(target.classes.size());
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
  ASSIGN_OR_RETURN(std::string path,
                   ctx.AddOutput("model", "model.json", ModelMeta(target, features, in.dataset)));
  return model->Save(path);
}

}  // namespace

BuiltinOperator XgboostTrainOperator() { return {Definition, Run, "xgboost-train/1"}; }

}  // namespace tandem::operators::builtin
