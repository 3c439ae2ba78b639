#pragma once
// Private to the data module: the layout of the CSV files bundled with scikit-learn
// (sklearn/datasets/data/*.csv):
//   line 1: n_samples,n_features[,class names...]  (trailing empty fields ignored)
//   line 2: optional header of n_features + 1 names (boston_house_prices.csv)
//   then n_samples rows of n_features values and the target.
// Without a header the features are named from the known data sets (iris, breast
// cancer, wine: matched by feature count and class names), else feature_0..; the last
// column is "target". With class names the target holds class indices 0..K-1; they are
// decoded to the names, so the table says "benign", not 1.
#include <vector>

#include "core/status.h"
#include "data/csv_records.h"
#include "data/table.h"

namespace tandem::data {

// True when the first record looks like the sklearn first line: two non-negative
// integers, then only non-numeric fields (class names or empty).
bool LooksLikeSklearn(const std::vector<CsvRecord>& records);

// REQUIRES: records come from SplitCsvRecords. Errors name the line, and a row count
// that differs from n_samples ("line 1: declares 569 samples, found 568"). A header
// declaring more features than limits.max_columns is refused before any name is made.
Result<Table> TableFromSklearnRecords(const std::vector<CsvRecord>& records,
                                      const CsvLimits& limits = {});

}  // namespace tandem::data
