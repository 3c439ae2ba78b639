#pragma once
// Descriptive statistics of table columns, defined as numpy and pandas define them
// (quantiles by linear interpolation, numpy's default; std with ddof = 0 unless told),
// so a profile, a fitted scaler and a data scientist's notebook agree to the last digit
// that double arithmetic allows.
#include <cstddef>
#include <string>
#include <vector>

#include "data/table.h"

namespace tandem::data {

// The non-missing values of a number column, in row order; empty for a string column.
std::vector<double> PresentNumbers(const Column& column);

// REQUIRES: values non-empty (NaN otherwise).
double Mean(const std::vector<double>& values);
// Standard deviation with `ddof` delta degrees of freedom; NaN when values.size() <= ddof.
double StdDev(const std::vector<double>& values, size_t ddof = 0);
// The q-quantile (0 <= q <= 1) of ascending `sorted`, numpy's "linear" method.
// NaN when sorted is empty.
double Quantile(const std::vector<double>& sorted, double q);

// The most frequent non-missing value as text, ties broken by the smallest value (the
// smallest number for a number column, as scikit-learn's SimpleImputer does, else the
// first in byte order). "" with count 0 when nothing is present.
struct Mode {
  std::string text;
  size_t count = 0;
};
Mode MostFrequent(const Column& column);

// `bins` equal-width bins from min to max of `values` (the last bin includes max); one
// bin when all values are equal. edges has bins + 1 entries. Both empty for no values.
struct Histogram {
  std::vector<double> edges;
  std::vector<size_t> counts;
};
Histogram EqualWidthHistogram(const std::vector<double>& values, size_t bins);

// Pearson correlation over the rows where both number columns are present; NaN when
// fewer than 2 such rows or either is constant on them.
double PearsonCorrelation(const Column& a, const Column& b);

}  // namespace tandem::data
