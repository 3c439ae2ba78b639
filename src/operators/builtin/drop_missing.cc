// drop-missing: drops the rows with a missing value (in the named columns, or any). A
// row filter shapes the training data only: it adds no transform step.
#include "data/row_filters.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_steps.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "drop-missing";
  def.category = "process";
  def.description = "Drops the rows that have a missing value.";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"table", {"table"}}};
  def.params_schema = Json::parse(R"json({"type": "object", "additionalProperties": false, "properties": {}})json");
  def.params_schema["properties"]["columns"] =
      ColumnsSchema("Columns to check; every column, the label included, when absent.");
  return def;
}

Status Run(TaskContext& ctx) {
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "table"));
  std::vector<std::string> columns;
  if (ctx.params().contains("columns")) {
    // The label may be checked too: a row without a label cannot be learnt from.
    for (const auto& name : ctx.params()["columns"]) {
      if (!name.is_string()) return InvalidArgument("params.columns: expected column names");
      RETURN_IF_ERROR(in.table.Get(name.get<std::string>(), "params.columns").status());
      columns.push_back(name.get<std::string>());
    }
  }
  ASSIGN_OR_RETURN(std::vector<size_t> kept, data::RowsWithoutMissing(in.table, columns));
  return WriteFilteredTable(ctx, in, kept);
}

}  // namespace

BuiltinOperator DropMissingOperator() { return {Definition, Run, "drop-missing/1"}; }

}  // namespace tandem::operators::builtin
