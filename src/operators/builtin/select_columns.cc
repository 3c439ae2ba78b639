// select-columns: keeps (or drops) the named columns; the label always stays. The kept
// feature columns join the transform chain, so serving ignores extra request columns.
#include <algorithm>

#include "data/schema.h"
#include "data/transform_fit.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_steps.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "select-columns";
  def.category = "process";
  def.description = "Keeps or drops columns (the label is always kept).";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"table", {"table"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "required": ["columns"],
    "properties": {
      "mode": {"type": "string", "enum": ["keep", "drop"], "default": "keep",
               "description": "keep: only the named columns (in that order) stay; drop: the named columns go."}
    }
  })json");
  def.params_schema["properties"]["columns"] = ColumnsSchema("The columns to keep or drop.");
  return def;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "table"));
  ASSIGN_OR_RETURN(std::vector<std::string> named, ColumnsParam(p, "columns", in, ColumnKind::kAny));
  std::vector<std::string> kept = named;
  if (p["mode"] == "drop") {
    const std::string label = data::SchemaLabel(in.schema);
    kept.clear();
    for (const auto& c : in.table.columns) {
      if (c.name != label && std::find(named.begin(), named.end(), c.name) == named.end()) {
        kept.push_back(c.name);
      }
    }
  }
  auto step = data::SelectColumnsStep(in.table, kept);
  if (!step.ok()) return InvalidArgument("params.columns: " + step.status().message());
  return WriteTransformedTable(ctx, in, *step);
}

}  // namespace

BuiltinOperator SelectColumnsOperator() { return {Definition, Run, "select-columns/1"}; }

}  // namespace tandem::operators::builtin
