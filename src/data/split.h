#pragma once
// Train/test split of a table, reproducible from a seed on every platform: the shuffle
// is a Fisher-Yates over std::mt19937_64 (whose output the standard fixes) with our
// own bounded draw, not std::shuffle or a distribution (implementation-defined).
#include <cstdint>
#include <string>

#include "core/status.h"
#include "data/table.h"

namespace tandem::data {

struct TableSplit {
  Table train;
  Table test;
};

// round(rows * test_fraction) rows go to test, chosen at random; each part keeps the
// rows' original order. With `stratify_by` (a column name), each class of that column
// (missing values form one class) sends round(n_c * test_fraction) of its rows to test.
// kInvalidArgument when test_fraction is not in (0, 1), the column is unknown, or a part
// would be empty.
Result<TableSplit> SplitTable(const Table& table, double test_fraction, uint64_t seed,
                              const std::string& stratify_by = "");

}  // namespace tandem::data
