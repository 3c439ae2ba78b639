#include "operators/builtin/feature_matrix.h"

#include <cmath>
#include <map>

namespace tandem::operators::builtin {

using data::Column;
using data::ColumnType;

Result<std::vector<std::string>> FeatureColumns(const data::Table& table,
                                                const std::string& label) {
  std::vector<std::string> names;
  for (const Column& c : table.columns) {
    if (c.name == label) continue;
    if (c.type != ColumnType::kNumber) {
      return InvalidArgument("column '" + c.name +
                             "' is text; features must be numbers (drop or encode it first)");
    }
    names.push_back(c.name);
  }
  if (names.empty()) return InvalidArgument("the table has no feature columns besides the label");
  return names;
}

Result<ml::DenseMatrix> FeatureMatrix(const data::Table& table,
                                      const std::vector<std::string>& features) {
  std::vector<const Column*> columns;
  for (const auto& name : features) {
    ASSIGN_OR_RETURN(const Column* c, table.Get(name, "feature"));
    if (c->type != ColumnType::kNumber) {
      return InvalidArgument("feature: column '" + name + "' is text; features must be numbers");
    }
    columns.push_back(c);
  }
  ml::DenseMatrix m;
  m.rows = table.rows;
  m.cols = columns.size();
  m.values.reserve(m.rows * m.cols);
  for (size_t r = 0; r < m.rows; ++r) {
    for (const Column* c : columns) m.values.push_back(static_cast<float>(c->numbers[r]));
  }
  return m;
}

Result<std::vector<float>> ClassLabels(const data::Table& table, const std::string& label,
                                       const std::vector<std::string>& classes) {
  ASSIGN_OR_RETURN(const Column* c, table.Get(label, "label"));
  std::map<std::string, float> index;
  for (size_t i = 0; i < classes.size(); ++i) index.emplace(classes[i], static_cast<float>(i));
  std::vector<float> out;
  out.reserve(table.rows);
  for (size_t r = 0; r < table.rows; ++r) {
    if (c->IsMissing(r)) {
      return InvalidArgument("row " + std::to_string(r + 1) + ": label '" + label + "' is missing");
    }
    auto it = index.find(c->Text(r));
    if (it == index.end()) {
      return InvalidArgument("row " + std::to_string(r + 1) + ": label '" + label + "' value '" +
                             c->Text(r) + "' is not one of the " +
                             std::to_string(classes.size()) + " classes");
    }
    out.push_back(it->second);
  }
  return out;
}

Result<std::vector<float>> ValueLabels(const data::Table& table, const std::string& label) {
  ASSIGN_OR_RETURN(const Column* c, table.Get(label, "label"));
  if (c->type != ColumnType::kNumber) {
    return InvalidArgument("label: column '" + label + "' is text, a regression needs numbers");
  }
  std::vector<float> out;
  out.reserve(table.rows);
  for (size_t r = 0; r < table.rows; ++r) {
    if (std::isnan(c->numbers[r])) {
      return InvalidArgument("row " + std::to_string(r + 1) + ": label '" + label + "' is missing");
    }
    out.push_back(static_cast<float>(c->numbers[r]));
  }
  return out;
}

}  // namespace tandem::operators::builtin
