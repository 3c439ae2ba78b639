// one-hot: replaces each text (or named) column by one 0/1 column per category seen in
// the input table ("city=Paris"); serving maps an unseen category to all zeros.
#include "data/transform_fit.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_steps.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "one-hot";
  def.category = "feature";
  def.description = "Encodes categorical columns as one 0/1 column per category.";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"table", {"table"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "max_categories": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 50,
                         "description": "Refuse a column with more categories than this (an id column, most likely)."}
    }
  })json");
  def.params_schema["properties"]["columns"] =
      ColumnsSchema("Columns to encode (text or numbers); every text column but the label when absent.");
  return def;
}

Status Run(TaskContext& ctx) {
  const size_t limit = ctx.params()["max_categories"].get<size_t>();
  const ColumnKind kind = ctx.params().contains("columns") ? ColumnKind::kAny : ColumnKind::kText;
  return FitAndWriteTable(ctx, kind, [limit](const data::Table& t, const std::vector<std::string>& c) {
    return data::FitOneHot(t, c, limit);
  });
}

}  // namespace

BuiltinOperator OneHotOperator() { return {Definition, Run, "one-hot/1"}; }

}  // namespace tandem::operators::builtin
