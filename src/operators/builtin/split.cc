// split: a table into train and test parts, reproducibly, optionally stratified by the
// label so both parts keep the class proportions.
#include "data/schema.h"
#include "data/split.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "split";
  def.category = "process";
  def.description = "Splits a table into train and test tables.";
  def.inputs = {{"table", {"table"}}};
  def.outputs = {{"train", {"table"}}, {"test", {"table"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "test_fraction": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1,
                        "default": 0.25, "description": "Share of the rows that go to test."},
      "seed": {"type": "integer", "minimum": 0, "default": 0,
               "description": "Random seed; the same seed gives the same split."},
      "stratify": {"type": "boolean", "default": false,
                   "description": "Keep each class's share of rows in both parts (needs a label)."}
    }
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "table"));
  std::string stratify_by;
  if (p["stratify"].get<bool>()) {
    stratify_by = data::SchemaLabel(in.schema);
    if (stratify_by.empty()) {
      return InvalidArgument("params.stratify: the input table has no label to stratify by");
    }
  }
  ctx.Progress(0.3, "splitting " + std::to_string(in.table.rows) + " rows");
  auto parts = data::SplitTable(in.table, p["test_fraction"].get<double>(),
                                p["seed"].get<uint64_t>(), stratify_by);
  if (!parts.ok()) return InvalidArgument("params." + parts.status().message());
  for (const auto& [port, table] : {std::pair{"train", &parts->train}, {"test", &parts->test}}) {
    ASSIGN_OR_RETURN(Json schema, DeriveSchema(*table, in.schema));
    RETURN_IF_ERROR(WriteTableOutput(ctx, port, *table, schema, in.lineage));
  }
  return Status::Ok();
}

}  // namespace

BuiltinOperator SplitOperator() { return {Definition, Run, "split/1"}; }

}  // namespace tandem::operators::builtin
