#include "operators/builtin/table_ports.h"

#include "data/csv.h"
#include "data/schema.h"

namespace tandem::operators::builtin {

Result<TableInput> ReadTableInput(const TaskContext& ctx, const std::string& port) {
  ASSIGN_OR_RETURN(InputArtifact in, ctx.Input(port));
  TableInput out;
  // Tables between operators are always plain CSV; never guess the sklearn layout.
  auto table = data::ReadCsvFile(in.path, {"csv"});
  if (!table.ok()) return table.status().WithContext("inputs." + port);
  out.table = std::move(table).value();
  auto schema = DeriveSchema(out.table, in.meta);
  if (!schema.ok()) return schema.status().WithContext("inputs." + port + ".meta");
  out.schema = std::move(schema).value();
  if (auto d = in.meta.find("dataset"); d != in.meta.end()) out.dataset = *d;
  return out;
}

Result<Json> DeriveSchema(const data::Table& table, const Json& parent) {
  const std::string task = data::SchemaTask(parent);
  std::vector<std::string> classes;
  if (task != "regression") classes = data::SchemaClasses(parent);
  ASSIGN_OR_RETURN(Json schema, data::InferSchema(table, data::SchemaLabel(parent), classes));
  if (task == "regression") {
    schema["task"] = "regression";
    schema["classes"] = Json::array();
  }
  return schema;
}

Status WriteTableOutput(TaskContext& ctx, const std::string& port, const data::Table& table,
                        const Json& schema, const Json& dataset) {
  Json meta = schema;
  if (!dataset.is_null()) meta["dataset"] = dataset;
  ASSIGN_OR_RETURN(std::string path, ctx.AddOutput(port, kTableFile, std::move(meta)));
  return data::WriteCsv(table, path);
}

}  // namespace tandem::operators::builtin
