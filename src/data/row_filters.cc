#include "data/row_filters.h"

#include <algorithm>
#include <cmath>

#include "data/stats.h"

namespace tandem::data {
namespace {

struct Bounds {
  double low = 0, high = 0;
};

Result<Bounds> OutlierBounds(const Column& c, const std::string& method, double k) {
  std::vector<double> v = PresentNumbers(c);
  if (v.empty()) return InvalidArgument("column '" + c.name + "': no values to find outliers in");
  std::sort(v.begin(), v.end());
  if (method == "iqr") {
    const double q1 = Quantile(v, 0.25), q3 = Quantile(v, 0.75);
    return Bounds{q1 - k * (q3 - q1), q3 + k * (q3 - q1)};
  }
  if (method == "zscore") {
    const double mean = Mean(v), std = StdDev(v, 0);
    return Bounds{mean - k * std, mean + k * std};
  }
  return InvalidArgument("method: expected iqr or zscore, got '" + method + "'");
}

}  // namespace

Result<RowFilter> OutlierRows(const Table& table, const std::vector<std::string>& columns,
                              const std::string& method, double k) {
  std::vector<uint8_t> drop(table.rows, 0);
  RowFilter out;
  for (const auto& name : columns) {
    ASSIGN_OR_RETURN(const Column* c, table.Get(name, "columns"));
    if (c->type != ColumnType::kNumber) {
      return InvalidArgument("column '" + name + "' is text; outliers need numbers");
    }
    ASSIGN_OR_RETURN(Bounds b, OutlierBounds(*c, method, k));
    size_t dropped = 0;
    for (size_t r = 0; r < table.rows; ++r) {
      const double v = c->numbers[r];
      if (!std::isnan(v) && (v < b.low || v > b.high)) drop[r] = 1, ++dropped;
    }
    out.by_column[name] = {{"low", b.low}, {"high", b.high}, {"dropped", dropped}};
  }
  for (size_t r = 0; r < table.rows; ++r) {
    if (!drop[r]) out.kept.push_back(r);
  }
  return out;
}

Result<std::vector<size_t>> RowsWithoutMissing(const Table& table,
                                               const std::vector<std::string>& columns) {
  std::vector<const Column*> checked;
  if (columns.empty()) {
    for (const Column& c : table.columns) checked.push_back(&c);
  }
  for (const auto& name : columns) {
    ASSIGN_OR_RETURN(const Column* c, table.Get(name, "columns"));
    checked.push_back(c);
  }
  std::vector<size_t> kept;
  for (size_t r = 0; r < table.rows; ++r) {
    bool complete = std::none_of(checked.begin(), checked.end(),
                                 [r](const Column* c) { return c->IsMissing(r); });
    if (complete) kept.push_back(r);
  }
  return kept;
}

}  // namespace tandem::data
