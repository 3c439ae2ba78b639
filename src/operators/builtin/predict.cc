// predict: batch scoring. Scores every row of a table with a model — wired from a
// training node, or a registered version named in params.model (NAME, NAME:V,
// NAME@ALIAS; the engine resolves it at submit, as dataset-load pins a dataset, and
// hands it over on the "model" port) — and writes the table with prediction columns.
// The model's fitted transforms are replayed on the rows (model_scoring.h) and the
// prediction is the ml/ code (or the python model's own predict()) the service runs,
// so the numbers are the service's. The table's own columns are kept as they came.
#include <cmath>

#include "operators/builtin/builtin.h"
#include "operators/builtin/feature_matrix.h"
#include "operators/builtin/metrics.h"
#include "operators/builtin/model_scoring.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "predict";
  def.category = "evaluate";
  def.description = "Scores a table with a model (batch scoring): adds the predicted class, value or "
                    "cluster and, for classifiers, one probability column per class.";
  def.inputs = {{"table", {"table"}}, {"model", {"model", true, PredictableFormats()}}};
  def.outputs = {{"table", {"table"}}};
  def.model_param = "model";
  def.params_schema = Json::parse(R"json({
    "type": "object", "additionalProperties": false,
    "properties": {
      "model": {"type": "string", "minLength": 1,
                "description": "A registered model: NAME (latest), NAME:VERSION or NAME@ALIAS. Leave empty when the model port is wired."},
      "column": {"type": "string", "minLength": 1, "default": "prediction",
                 "description": "Name of the prediction column; probabilities go in <column>_<class>."}
    }
  })json");
  return def;
}

// The predicted column: the class name (classification), the value (regression) or the
// cluster index (clustering); a row the model cannot score (NaN) is missing.
data::Column PredictedColumn(const std::string& name, const ModelInfo& info,
                             const ml::Prediction& p, const std::vector<double>& probabilities) {
  if (info.task != "classification") {
    std::vector<double> values(p.rows);
    for (size_t r = 0; r < p.rows; ++r) values[r] = p.values[r * p.width];
    return data::Column::Numbers(name, std::move(values));
  }
  const size_t k = info.classes.size();
  std::vector<int> best = ArgMax(probabilities, k);
  std::vector<std::string> labels(p.rows);
  std::vector<uint8_t> missing(p.rows, 0);
  for (size_t r = 0; r < p.rows; ++r) {
    missing[r] = std::isnan(probabilities[r * k]) ? 1 : 0;
    if (!missing[r]) labels[r] = info.classes[best[r]];
  }
  return data::Column::Strings(name, std::move(labels), std::move(missing));
}

Status Run(TaskContext& ctx) {
  const std::string column = ctx.params()["column"].get<std::string>();
  auto model_in = ctx.Input("model");
  if (!model_in.ok()) {
    return InvalidArgument("inputs.model: wire a model from a training node or name a registered "
                           "one in params.model");
  }
  ASSIGN_OR_RETURN(ModelInfo info, ReadModelInfo(model_in->meta, "model", PredictableFormats()));
  if (info.task == "classification" && info.classes.size() < 2) {
    return InvalidArgument("inputs.model.meta.classes: a classifier needs at least 2 classes");
  }
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "table"));
  ASSIGN_OR_RETURN(data::Table shaped, AlignTransforms(info, in, "table"));
  auto x = FeatureMatrix(shaped, info.features);
  if (!x.ok()) return x.status().WithContext("inputs.table");
  ctx.Progress(0.3, "predicting " + std::to_string(x->rows) + " rows with a " + info.format + " model");
  ASSIGN_OR_RETURN(ml::Prediction p, PredictRows(info, model_in->path, *x));
  if (p.rows != in.table.rows) {
    return Internal("the model gave " + std::to_string(p.rows) + " predictions for " +
                    std::to_string(in.table.rows) + " rows");
  }

  std::vector<data::Column> added;
  std::vector<double> probabilities;
  if (info.task == "classification") {
    ASSIGN_OR_RETURN(probabilities, ClassProbabilities(p, info.classes.size()));
  }
  added.push_back(PredictedColumn(column, info, p, probabilities));
  for (size_t c = 0; c < info.classes.size() && info.task == "classification"; ++c) {
    std::vector<double> values(p.rows);
    for (size_t r = 0; r < p.rows; ++r) values[r] = probabilities[r * info.classes.size() + c];
    added.push_back(data::Column::Numbers(column + "_" + info.classes[c], std::move(values)));
  }
  data::Table out = std::move(in.table);
  for (auto& col : added) {
    for (const auto& existing : out.columns) {
      if (existing.name == col.name) {
        return InvalidArgument("params.column: the table has a column '" + col.name +
                               "' already; choose another name");
      }
    }
    out.columns.push_back(std::move(col));
  }
  ASSIGN_OR_RETURN(Json schema, DeriveSchema(out, in.schema));
  RETURN_IF_ERROR(WriteTableOutput(ctx, "table", out, schema, in.lineage));
  ctx.outputs().metrics = {{"rows", out.rows}};
  return Status::Ok();
}

}  // namespace

BuiltinOperator PredictOperator() { return {Definition, Run, "predict/1"}; }

}  // namespace tandem::operators::builtin
