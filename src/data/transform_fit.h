#pragma once
// Fitting one transform step (transform.h) on a training table: the statistics are
// computed here, the arithmetic that uses them lives in TransformChain::Apply only.
// Every function returns the step in its JSON form. Errors are kInvalidArgument and
// name the column ("column 'age': no values to take a mean of").
#include <cstddef>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "data/table.h"

namespace tandem::data {

// How impute fills one column: "mean" and "median" need a number column; "mode" takes
// the most frequent value (data/stats.h MostFrequent); "constant" takes `fill_number`
// for a number column and `fill_text` for a text one.
struct ImputeRule {
  std::string column;
  std::string strategy;  // mean | median | mode | constant
  double fill_number = 0;
  std::string fill_text;
};
Result<Json> FitImpute(const Table& table, const std::vector<ImputeRule>& rules);

// Mean and population std (ddof 0, as StandardScaler) of each number column.
Result<Json> FitStandardize(const Table& table, const std::vector<std::string>& columns);
Result<Json> FitMinMaxScale(const Table& table, const std::vector<std::string>& columns);
// The sorted distinct present values of each column (numerically for numbers);
// kInvalidArgument when a column has more than `max_categories`.
Result<Json> FitOneHot(const Table& table, const std::vector<std::string>& columns,
                       size_t max_categories);
// `buckets` - 1 inner edges per number column: "uniform" splits [min, max] evenly,
// "quantile" puts edges at the i/buckets quantiles. Equal edges (few distinct values)
// are merged, so a column may get fewer buckets; one with a single value gets one edge.
Result<Json> FitBucketize(const Table& table, const std::vector<std::string>& columns,
                          size_t buckets, const std::string& strategy);
// The date-parts step (transform.h) for columns of ISO dates (data/dates.h): `parts`
// for each, or when empty the default parts of its kind (a datetime also gets hour and
// minute). kInvalidArgument names a column that is not dates, or an unknown part.
Result<Json> FitDateParts(const Table& table, const std::vector<std::string>& columns,
                          const std::vector<std::string>& parts);
// Keeps `columns` (each must exist), in that order.
Result<Json> SelectColumnsStep(const Table& table, const std::vector<std::string>& columns);

}  // namespace tandem::data
