// min-max-scale: (x - min) / (max - min) per number column, fitted on the input table,
// so training values land in [0, 1] (serving values may fall outside).
#include "data/transform_fit.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_steps.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "min-max-scale";
  def.category = "feature";
  def.description = "Scales number columns to [0, 1] by their minimum and maximum (fitted on this table).";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"table", {"table"}}};
  def.params_schema = Json::parse(R"json({"type": "object", "additionalProperties": false, "properties": {}})json");
  def.params_schema["properties"]["columns"] =
      ColumnsSchema("Number columns to scale; every number column but the label when absent.");
  return def;
}

Status Run(TaskContext& ctx) {
  return FitAndWriteTable(ctx, ColumnKind::kNumber, data::FitMinMaxScale);
}

}  // namespace

BuiltinOperator MinMaxScaleOperator() { return {Definition, Run, "min-max-scale/1"}; }

}  // namespace tandem::operators::builtin
