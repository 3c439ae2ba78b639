#include "operators/builtin/table_ports.h"

#include "data/table_file.h"
#include "data/schema.h"
#include "data/transform.h"

namespace tandem::operators::builtin {

Result<TableInput> ReadTableInput(const TaskContext& ctx, const std::string& port) {
  ASSIGN_OR_RETURN(InputArtifact in, ctx.Input(port));
  TableInput out;
  // Tables between operators are TTB1 (data/table_file.h) or, from foreign operators,
  // plain CSV; never guess the sklearn layout.
  auto table = data::ReadTableFile(in.path, {"csv"});
  if (!table.ok()) return table.status().WithContext("inputs." + port);
  out.table = std::move(table).value();
  auto schema = DeriveSchema(out.table, in.meta);
  if (!schema.ok()) return schema.status().WithContext("inputs." + port + ".meta");
  out.schema = std::move(schema).value();
  if (auto d = in.meta.find("dataset"); d != in.meta.end()) out.lineage.dataset = *d;
  if (auto t = in.meta.find("transforms"); t != in.meta.end() && !t->is_null()) {
    auto chain = data::TransformChain::FromJson(*t);
    if (!chain.ok()) return chain.status().WithContext("inputs." + port + ".meta");
    out.lineage.transforms = chain->ToJson();
  }
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
                        const Json& schema, const Lineage& lineage) {
  Json meta = schema;
  if (!lineage.dataset.is_null()) meta["dataset"] = lineage.dataset;
  if (!lineage.transforms.empty()) meta["transforms"] = lineage.transforms;
  ASSIGN_OR_RETURN(std::string path, ctx.AddOutput(port, kTableFile, std::move(meta)));
  return data::WriteTableFile(table, path);
}

}  // namespace tandem::operators::builtin
