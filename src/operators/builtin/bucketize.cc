// bucketize: turns number columns into bucket indices 0..n-1, with edges at the
// input table's quantiles (equal-frequency) or evenly spaced between min and max.
#include "data/transform_fit.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_steps.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "bucketize";
  def.category = "feature";
  def.description = "Replaces number columns by bucket indices (quantile or uniform edges fitted on this table).";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"table", {"table"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "buckets": {"type": "integer", "minimum": 2, "maximum": 1000, "default": 4,
                  "description": "Buckets per column (fewer when values repeat across quantiles)."},
      "strategy": {"type": "string", "enum": ["quantile", "uniform"], "default": "quantile",
                   "description": "quantile: equal row counts per bucket; uniform: equal widths between min and max."}
    }
  })json");
  def.params_schema["properties"]["columns"] =
      ColumnsSchema("Number columns to bucketize; every number column but the label when absent.");
  return def;
}

Status Run(TaskContext& ctx) {
  const size_t buckets = ctx.params()["buckets"].get<size_t>();
  const std::string strategy = ctx.params()["strategy"].get<std::string>();
  return FitAndWriteTable(ctx, ColumnKind::kNumber,
                          [&](const data::Table& t, const std::vector<std::string>& c) {
                            return data::FitBucketize(t, c, buckets, strategy);
                          });
}

}  // namespace

BuiltinOperator BucketizeOperator() { return {Definition, Run, "bucketize/1"}; }

}  // namespace tandem::operators::builtin
