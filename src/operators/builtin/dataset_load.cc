// dataset-load: the table of a dataset in the store, as a pipeline's starting point.
// The engine resolves params.dataset (and dataset_version) and hands the dataset's file
// over as input port "dataset" with meta {"schema": {...}, "dataset": {...}}.
#include "data/table_file.h"
#include "data/schema.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "dataset-load";
  def.category = "import";
  def.description = "Loads a dataset from the feature library as a table.";
  def.outputs = {{"table", {"table"}}};
  def.dataset_param = "dataset";
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "required": ["dataset"],
    "properties": {
      "dataset": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$",
                  "description": "Name of the dataset to load."},
      "dataset_version": {"type": "integer", "minimum": 1,
                          "description": "Version to load; the latest when absent."}
    }
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  ASSIGN_OR_RETURN(InputArtifact in, ctx.Input("dataset"));
  ctx.Progress(0.1, "reading dataset");
  // A dataset file is TTB1, or (stored before TTB1) whatever was uploaded: let the CSV
  // reader recognise the sklearn layout.
  auto table = data::ReadTableFile(in.path, {"auto"});
  if (!table.ok()) return table.status().WithContext("inputs.dataset");
  Json hints = in.meta.value("schema", Json::object());
  if (!hints.is_object()) hints = Json::object();
  if (!hints.contains("label") || hints["label"].is_null()) {
    hints["label"] = table->declared_label.empty() ? Json(nullptr) : Json(table->declared_label);
    hints["classes"] = table->declared_classes;
  }
  auto schema = DeriveSchema(*table, hints);
  if (!schema.ok()) return schema.status().WithContext("inputs.dataset.meta.schema");
  Lineage lineage{in.meta.value("dataset", Json(nullptr))};
  ctx.Progress(0.8, "writing table");
  return WriteTableOutput(ctx, "table", *table, *schema, lineage);
}

}  // namespace

BuiltinOperator DatasetLoadOperator() { return {Definition, Run, "dataset-load/1"}; }

}  // namespace tandem::operators::builtin
