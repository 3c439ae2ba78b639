#pragma once
// The schema of a table, as JSON shared with the store, the API and every table
// artifact's meta:
//   {"columns": [{"name": "x", "type": "number"|"string"|"date"|"datetime", "missing": 0}, ...],
//    "rows": 569, "label": "target" | null, "task": "classification"|"regression"|null,
//    "classes": ["malignant", "benign"]}     // [] unless the task is classification
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "data/table.h"

namespace tandem::data {

// Rule for a label with no declared classes: a string label is classification; a
// number label is classification when every value is an integer and it has at most
// 20 distinct values, and either at most 2 or at most 5% of the rows (so ids, counts
// and prices stay regression); anything else is regression.
// `classes`, when given, are the class names in index order and force classification.
// An empty `label` gives label, task null. kInvalidArgument names an unknown label, or
// one whose every value is missing. A text column of ISO dates (data/dates.h) has type
// "date" or "datetime"; its cells stay text in the table.
Result<Json> InferSchema(const Table& table, const std::string& label,
                         const std::vector<std::string>& classes = {});

// The distinct non-missing values of a column as text, sorted (numerically for a
// number column: "2" before "10").
std::vector<std::string> DistinctValues(const Column& column);

// The schema's "classes" (empty when absent or null) and "label" ("" when null).
std::vector<std::string> SchemaClasses(const Json& schema);
std::string SchemaLabel(const Json& schema);
std::string SchemaTask(const Json& schema);

}  // namespace tandem::data
