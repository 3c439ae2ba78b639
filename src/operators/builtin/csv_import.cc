// csv-import: a CSV file on the server's disk as a table (plain CSV with a header, or
// the scikit-learn bundled layout).
#include "data/csv.h"
#include "data/schema.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/import_path.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {
namespace {

OperatorDef Definition() {
  OperatorDef def;
  def.name = "csv-import";
  def.category = "import";
  def.description = "Reads a CSV file (header row, or the scikit-learn bundled layout) as a table.";
  def.outputs = {{"table", {"table"}}};
  def.params_schema = Json::parse(R"json({
    "type": "object",
    "additionalProperties": false,
    "required": ["path"],
    "properties": {
      "path": {"type": "string", "minLength": 1,
               "description": "CSV file on the server, inside its import folder (relative paths are taken from there)."},
      "label": {"type": "string", "minLength": 1,
                "description": "Column to predict; for the scikit-learn layout its last column when absent."},
      "format": {"type": "string", "enum": ["auto", "csv", "sklearn"], "default": "auto",
                 "description": "auto detects the scikit-learn layout; csv expects a header row."}
    }
  })json");
  return def;
}

Status Run(TaskContext& ctx) {
  const Json& p = ctx.params();
  ASSIGN_OR_RETURN(const std::string path,
                   ResolveImportPath(p["path"].get<std::string>(), "params.path", "csv-import"));
  ctx.Progress(0.1, "reading " + path);
  data::CsvOptions options;
  options.format = p["format"].get<std::string>();
  options.require_rows = true;  // an import of a header alone is a mistake, not a table
  auto table = data::ReadCsvFile(path, options);
  // Any failure to read the file the user named is a problem with the param.
  if (!table.ok()) return InvalidArgument("params.path: " + table.status().message());
  std::string label = p.value("label", table->declared_label);
  std::vector<std::string> classes;
  if (label == table->declared_label) classes = table->declared_classes;
  auto schema = data::InferSchema(*table, label, classes);
  if (!schema.ok()) return InvalidArgument("params." + schema.status().message());
  ctx.Progress(0.8, "writing table");
  return WriteTableOutput(ctx, "table", *table, *schema, Lineage{});
}

}  // namespace

BuiltinOperator CsvImportOperator() { return {Definition, Run, "csv-import/1"}; }

}  // namespace tandem::operators::builtin
