#include "data/schema.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "data/dates.h"

namespace tandem::data {
namespace {

constexpr size_t kMaxClasses = 20;

bool LooksLikeClasses(const Column& label, size_t rows) {
  std::set<double> distinct;
  for (double v : label.numbers) {
    if (std::isnan(v)) continue;
    if (v != std::floor(v)) return false;
    distinct.insert(v);
    if (distinct.size() > kMaxClasses) return false;
  }
  return distinct.size() <= 2 || distinct.size() * 20 <= rows;
}

std::string StringOr(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::vector<std::string> DistinctValues(const Column& column) {
  std::vector<std::string> out;
  if (column.type == ColumnType::kNumber) {
    std::set<double> values;
    for (double v : column.numbers) {
      if (!std::isnan(v)) values.insert(v);
    }
    for (double v : values) out.push_back(FormatNumber(v));
    return out;
  }
  std::set<std::string> values;
  for (size_t i = 0; i < column.strings.size(); ++i) {
    if (!column.missing[i]) values.insert(column.strings[i]);
  }
  return {values.begin(), values.end()};
}

Result<Json> InferSchema(const Table& table, const std::string& label,
                         const std::vector<std::string>& classes) {
  Json columns = Json::array();
  for (const auto& c : table.columns) {
    const DateKind date = ColumnDateKind(c);
    columns.push_back({{"name", c.name},
                       {"type", date == DateKind::kNone ? ColumnTypeName(c.type) : DateKindName(date)},
                       {"missing", c.MissingCount()}});
  }
  Json schema = {{"columns", columns}, {"rows", table.rows}, {"label", nullptr},
                 {"task", nullptr},    {"classes", Json::array()}};
  if (label.empty()) return schema;
  ASSIGN_OR_RETURN(const Column* column, table.Get(label, "label"));
  if (table.rows > 0 && column->MissingCount() == table.rows) {
    return InvalidArgument("label: every value of column '" + label + "' is missing (" +
                           std::to_string(table.rows) + " rows); nothing to learn from");
  }
  schema["label"] = label;
  bool classify = !classes.empty() || column->type == ColumnType::kString ||
                  LooksLikeClasses(*column, table.rows);
  if (!classify) {
    schema["task"] = "regression";
    return schema;
  }
  schema["task"] = "classification";
  schema["classes"] = classes.empty() ? DistinctValues(*column) : classes;
  return schema;
}

std::vector<std::string> SchemaClasses(const Json& schema) {
  std::vector<std::string> out;
  auto it = schema.find("classes");
  if (it == schema.end() || !it->is_array()) return out;
  for (const auto& c : *it) {
    if (c.is_string()) out.push_back(c.get<std::string>());
  }
  return out;
}

std::string SchemaLabel(const Json& schema) { return StringOr(schema, "label"); }
std::string SchemaTask(const Json& schema) { return StringOr(schema, "task"); }

}  // namespace tandem::data
