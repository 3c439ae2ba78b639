#include "operators/builtin/table_steps.h"

#include "data/schema.h"
#include "data/transform.h"

namespace tandem::operators::builtin {
namespace {

bool OfKind(const data::Column& c, ColumnKind kind) {
  if (kind == ColumnKind::kNumber) return c.type == data::ColumnType::kNumber;
  if (kind == ColumnKind::kText) return c.type == data::ColumnType::kString;
  return true;
}

}  // namespace

Result<std::vector<std::string>> ColumnsParam(const Json& params, const std::string& key,
                                              const TableInput& in, ColumnKind kind) {
  const std::string label = data::SchemaLabel(in.schema);
  const std::string path = "params." + key;
  std::vector<std::string> out;
  auto it = params.find(key);
  if (it == params.end()) {
    for (const auto& c : in.table.columns) {
      if (c.name != label && OfKind(c, kind)) out.push_back(c.name);
    }
    return out;
  }
  if (!it->is_array()) return InvalidArgument(path + ": expected an array of column names");
  for (const auto& name : *it) {
    if (!name.is_string()) return InvalidArgument(path + ": expected column names, got " + name.dump());
    const std::string& n = name.get_ref<const std::string&>();
    auto column = in.table.Get(n, path);
    if (!column.ok()) return column.status();
    if (n == label) return InvalidArgument(path + ": '" + n + "' is the label; it is never transformed");
    if (!OfKind(**column, kind)) {
      return InvalidArgument(path + ": column '" + n + "' is " +
                             ((*column)->type == data::ColumnType::kNumber ? "numbers" : "text") +
                             (kind == ColumnKind::kNumber ? "; this operator needs numbers"
                                                          : "; this operator needs text"));
    }
    out.push_back(n);
  }
  return out;
}

Status WriteTransformedTable(TaskContext& ctx, const TableInput& in, const Json& step) {
  data::TransformChain own;
  RETURN_IF_ERROR(own.Append(step));
  const std::string label = data::SchemaLabel(in.schema);
  std::vector<std::string> pass_through;
  if (!label.empty()) pass_through.push_back(label);
  auto table = own.Apply(in.table, pass_through);
  if (!table.ok()) return InvalidArgument("inputs.table: " + table.status().message());
  ASSIGN_OR_RETURN(Json schema, DeriveSchema(*table, in.schema));
  Lineage lineage = in.lineage;
  lineage.transforms.push_back(step);
  ctx.outputs().metrics["columns"] = table->columns.size();
  return WriteTableOutput(ctx, "table", *table, schema, lineage);
}

Status FitAndWriteTable(TaskContext& ctx, ColumnKind kind, const FitStep& fit) {
  ASSIGN_OR_RETURN(TableInput in, ReadTableInput(ctx, "table"));
  ASSIGN_OR_RETURN(std::vector<std::string> columns, ColumnsParam(ctx.params(), "columns", in, kind));
  if (columns.empty()) {
    return InvalidArgument(std::string("params.columns: the table has no ") +
                           (kind == ColumnKind::kText ? "text" : "number") +
                           " columns besides the label; name the columns to transform");
  }
  ctx.Progress(0.3, "fitting on " + std::to_string(columns.size()) + " columns");
  auto step = fit(in.table, columns);
  if (!step.ok()) return InvalidArgument("params.columns: " + step.status().message());
  return WriteTransformedTable(ctx, in, *step);
}

Status WriteFilteredTable(TaskContext& ctx, const TableInput& in, const std::vector<size_t>& kept) {
  data::Table table = in.table.SelectRows(kept);
  ASSIGN_OR_RETURN(Json schema, DeriveSchema(table, in.schema));
  ctx.outputs().metrics["rows_in"] = in.table.rows;
  ctx.outputs().metrics["rows_kept"] = table.rows;
  ctx.outputs().metrics["rows_dropped"] = in.table.rows - table.rows;
  return WriteTableOutput(ctx, "table", table, schema, in.lineage);
}

Json ColumnsSchema(const std::string& description) {
  return {{"type", "array"}, {"items", {{"type", "string"}, {"minLength", 1}}},
          {"description", description}};
}

}  // namespace tandem::operators::builtin
