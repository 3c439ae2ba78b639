// impute: fills missing cells, per column, with a value fitted on this table (mean,
// median, most frequent) or a constant; the fill values join the table's transform chain
// so serving fills a raw request's gaps with the very same values.
#include <algorithm>

#include "data/schema.h"
#include "data/transform_fit.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_steps.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "impute";
  def.category = "process";
  def.description = "Fills missing values with each column's mean, median, most frequent value or a constant.";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"table", {"table"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "strategy": {"type": "string", "enum": ["mean", "median", "mode", "constant"], "default": "mean",
                   "description": "How to fill: mean or median (number columns; text columns get the mode when columns is not given), mode (most frequent value), constant."},
      "overrides": {"type": "object", "additionalProperties": {"type": "string", "enum": ["mean", "median", "mode", "constant"]},
                    "description": "Per-column strategies that replace `strategy`, e.g. {\"city\": \"mode\"}."},
      "fill_value": {"type": "number", "default": 0, "description": "The constant for number columns."},
      "fill_text": {"type": "string", "default": "missing", "description": "The constant for text columns."}
    }
  })json");
  def.params_schema["properties"]["columns"] =
      ColumnsSchema("Columns to fill; every column but the label when absent (fitted even where "
                    "nothing is missing, so serving can fill any gap).");
  return def;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "table"));
  ASSIGN_OR_RETURN(std::vector<std::string> columns, ColumnsParam(p, "columns", in, ColumnKind::kAny));
  const std::string strategy = p["strategy"].get<std::string>();
  const Json overrides = p.value("overrides", Json::object());
  for (const auto& [name, rule] : overrides.items()) {
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) {
      return InvalidArgument("params.overrides." + name + ": not one of the columns imputed");
    }
    if (!rule.is_string()) return InvalidArgument("params.overrides." + name + ": expected a strategy name");
  }
  std::vector<data::ImputeRule> rules;
  size_t filled = 0;
  for (const auto& name : columns) {
    const data::Column* c = in.table.Find(name);
    data::ImputeRule rule{name, overrides.value(name, strategy), p["fill_value"].get<double>(),
                          p["fill_text"].get<std::string>()};
    // A text column among "all columns" cannot have a mean: its most frequent value it is.
    const bool implicit = !p.contains("columns") && !overrides.contains(name);
    if (implicit && c->type == data::ColumnType::kString &&
        (rule.strategy == "mean" || rule.strategy == "median")) {
      rule.strategy = "mode";
    }
    filled += c->MissingCount();
    rules.push_back(std::move(rule));
  }
  auto step = data::FitImpute(in.table, rules);
  if (!step.ok()) return InvalidArgument("params.strategy: " + step.status().message());
  ctx.outputs().metrics["cells_filled"] = filled;
  ctx.Progress(0.5, "filling " + std::to_string(filled) + " cells");
  return WriteTransformedTable(ctx, in, *step);
}

}  // namespace

BuiltinOperator ImputeOperator() { return {Definition, Run, "impute/1"}; }

}  // namespace tandem::operators::builtin
