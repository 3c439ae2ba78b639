// profile: per-column statistics, histograms and correlations of a table, as a JSON
// report (data/profile.h), plus a few headline figures as metrics.
#include "core/fs.h"
#include "data/profile.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "profile";
  def.category = "explore";
  def.description = "Profiles a table: per column type, count, missing, distinct, mean, std, min, "
                    "quartiles, max and a histogram; correlations between number columns.";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"report", {"report"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "bins": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10,
               "description": "Equal-width histogram bins per number column."}
    }
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "table"));
  ctx.Progress(0.2, "profiling " + std::to_string(in.table.columns.size()) + " columns");
  Json report = data::ProfileTable(in.table, ctx.params()["bins"].get<size_t>());
  report["label"] = in.schema["label"];
  size_t missing = 0, numeric = 0;
  for (const auto& c : in.table.columns) {
    missing += c.MissingCount();
    numeric += c.type == data::ColumnType::kNumber ? 1 : 0;
  }
  ctx.outputs().metrics = {{"rows", in.table.rows},
                           {"columns", in.table.columns.size()},
                           {"number_columns", numeric},
                           {"missing_cells", missing}};
  ASSIGN_OR_RETURN(std::string path, ctx.AddOutput("report", "profile.json", {{"kind", "profile"}}));
  return WriteFileAtomic(path, report.dump(2));
}

}  // namespace

BuiltinOperator ProfileOperator() { return {Definition, Run, "profile/1"}; }

}  // namespace tandem::operators::builtin
