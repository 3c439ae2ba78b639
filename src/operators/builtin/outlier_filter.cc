// outlier-filter: drops the rows with a value far from the rest of its column, by the
// interquartile range (Tukey's fences) or by z-score. Reports the bounds it used and the
// rows each column dropped. A row filter: it adds no transform step.
#include "core/fs.h"
#include "data/row_filters.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_steps.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "outlier-filter";
  def.category = "process";
  def.description = "Drops rows with outliers: outside k interquartile ranges, or beyond a z-score threshold.";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"table", {"table"}}, {"report", {"report", true}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "method": {"type": "string", "enum": ["iqr", "zscore"], "default": "iqr",
                 "description": "iqr: outside [q1 - k IQR, q3 + k IQR]; zscore: |x - mean| / std above the threshold."},
      "k": {"type": "number", "minimum": 0, "default": 1.5, "description": "IQR multiplier (method iqr)."},
      "threshold": {"type": "number", "exclusiveMinimum": 0, "default": 3,
                    "description": "z-score beyond which a value is an outlier (method zscore)."}
    }
  })json");
  def.params_schema["properties"]["columns"] =
      ColumnsSchema("Number columns to check; every number column but the label when absent.");
  return def;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "table"));
  ASSIGN_OR_RETURN(std::vector<std::string> columns, ColumnsParam(p, "columns", in, ColumnKind::kNumber));
  const std::string method = p["method"].get<std::string>();
  const double k = method == "iqr" ? p["k"].get<double>() : p["threshold"].get<double>();
  auto filter = data::OutlierRows(in.table, columns, method, k);
  if (!filter.ok()) return InvalidArgument("params.columns: " + filter.status().message());
  ctx.Progress(0.6, "keeping " + std::to_string(filter->kept.size()) + " of " +
                        std::to_string(in.table.rows) + " rows");
  RETURN_IF_ERROR(WriteFilteredTable(ctx, in, filter->kept));
  if (ctx.spec().outputs.count("report")) {
    Json report = {{"method", method}, {"k", k}, {"rows_in", in.table.rows},
                   {"rows_kept", filter->kept.size()}, {"columns", filter->by_column}};
    ASSIGN_OR_RETURN(std::string path, ctx.AddOutput("report", "report.json", {{"kind", "outliers"}}));
    RETURN_IF_ERROR(WriteFileAtomic(path, report.dump(2)));
  }
  return Status::Ok();
}

}  // namespace

BuiltinOperator OutlierFilterOperator() { return {Definition, Run, "outlier-filter/1"}; }

}  // namespace tandem::operators::builtin
