#pragma once
// Row filters: which training rows to keep. They shape the training data only, so they
// add no transform step (serving must answer every request, outlier or not).
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "data/table.h"

namespace tandem::data {

struct RowFilter {
  std::vector<size_t> kept;      // ascending row indices
  // Per column: {"low": .., "high": .., "dropped": rows outside [low, high]}; a row out
  // of bounds in two columns counts in both, and once in kept.
  Json by_column = Json::object();
};

// Drops a row when any of `columns` lies outside its bounds:
//   "iqr":    [q1 - k * IQR, q3 + k * IQR]   (numpy's linear quartiles)
//   "zscore": [mean - k * std, mean + k * std] (std with ddof 0, as scipy.stats.zscore)
// A missing value is never an outlier. kInvalidArgument names an unknown or text column,
// one without values, or an unknown method.
Result<RowFilter> OutlierRows(const Table& table, const std::vector<std::string>& columns,
                              const std::string& method, double k);

// The rows with no missing value in `columns` (every column when empty).
Result<std::vector<size_t>> RowsWithoutMissing(const Table& table,
                                               const std::vector<std::string>& columns);

}  // namespace tandem::data
