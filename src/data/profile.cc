#include "data/profile.h"

#include <algorithm>
#include <cmath>

#include "data/schema.h"
#include "data/stats.h"

namespace tandem::data {
namespace {

Json NumberOrNull(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

}  // namespace

Json ProfileColumn(const Column& column, size_t histogram_bins) {
  const size_t missing = column.MissingCount();
  Json out = {{"name", column.name},
              {"type", ColumnTypeName(column.type)},
              {"count", column.size() - missing},
              {"missing", missing},
              {"distinct", DistinctValues(column).size()}};
  if (column.type == ColumnType::kString) {
    Mode top = MostFrequent(column);
    out["top"] = top.count > 0 ? Json(top.text) : Json(nullptr);
    out["top_count"] = top.count;
    return out;
  }
  std::vector<double> values = PresentNumbers(column);
  std::sort(values.begin(), values.end());
  out["mean"] = NumberOrNull(Mean(values));
  out["std"] = NumberOrNull(StdDev(values, 1));
  out["min"] = NumberOrNull(Quantile(values, 0));
  out["q1"] = NumberOrNull(Quantile(values, 0.25));
  out["median"] = NumberOrNull(Quantile(values, 0.5));
  out["q3"] = NumberOrNull(Quantile(values, 0.75));
  out["max"] = NumberOrNull(Quantile(values, 1));
  Histogram h = EqualWidthHistogram(values, histogram_bins);
  out["histogram"] = {{"edges", h.edges}, {"counts", h.counts}};
  return out;
}

Json ProfileTable(const Table& table, size_t histogram_bins) {
  Json columns = Json::array();
  std::vector<const Column*> numeric;
  for (const Column& c : table.columns) {
    columns.push_back(ProfileColumn(c, histogram_bins));
    if (c.type == ColumnType::kNumber) numeric.push_back(&c);
  }
  Json names = Json::array();
  Json matrix = Json::array();
  for (const Column* a : numeric) {
    names.push_back(a->name);
    Json row = Json::array();
    for (const Column* b : numeric) row.push_back(NumberOrNull(PearsonCorrelation(*a, *b)));
    matrix.push_back(std::move(row));
  }
  return {{"rows", table.rows},
          {"columns", std::move(columns)},
          {"correlations", {{"columns", std::move(names)}, {"matrix", std::move(matrix)}}}};
}

}  // namespace tandem::data
