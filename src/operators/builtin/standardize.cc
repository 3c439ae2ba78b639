// standardize: (x - mean) / std per number column, fitted on the input table (std with
// ddof 0, as scikit-learn's StandardScaler; a constant column is only centred).
#include "data/transform_fit.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_steps.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "standardize";
  def.category = "feature";
  def.description = "Scales number columns to mean 0 and standard deviation 1 (fitted on this table).";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"table", {"table"}}};
  def.params_schema = Json::parse(R"json({"type": "object", "additionalProperties": false, "properties": {}})json");
  def.params_schema["properties"]["columns"] =
      ColumnsSchema("Number columns to scale; every number column but the label when absent.");
  return def;
}

Status Run(TaskContext& ctx) {
  return FitAndWriteTable(ctx, ColumnKind::kNumber, data::FitStandardize);
}

}  // namespace

BuiltinOperator StandardizeOperator() { return {Definition, Run, "standardize/1"}; }

}  // namespace tandem::operators::builtin
