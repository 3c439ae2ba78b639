#pragma once
// A table's profile: what the `profile` operator reports and a dataset page shows.
//   {"rows": 178, "columns": [
//      {"name": "alcohol", "type": "number", "count": 178, "missing": 0, "distinct": 126,
//       "mean": .., "std": .., "min": .., "q1": .., "median": .., "q3": .., "max": ..,
//       "histogram": {"edges": [...11], "counts": [...10]}},
//      {"name": "city", "type": "string", "count": 9, "missing": 1, "distinct": 3,
//       "top": "Paris", "top_count": 5}],
//    "correlations": {"columns": ["alcohol", ...], "matrix": [[1, ..], ..]}}
// count = present values; std has ddof 1 (pandas' describe()); quartiles are numpy's
// linear ones. Statistics a column cannot have (mean of nothing, correlation with a
// constant) are null.
#include <cstddef>

#include "core/json.h"
#include "data/table.h"

namespace tandem::data {

Json ProfileColumn(const Column& column, size_t histogram_bins);
// Correlations are Pearson's over pairwise-present rows, between every number column.
Json ProfileTable(const Table& table, size_t histogram_bins);

}  // namespace tandem::data
