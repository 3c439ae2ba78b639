#pragma once
// Fitted feature transforms: what a feature or cleaning operator learned from the
// training table (means, scales, categories, bucket edges, fill values), kept so that
// the very same arithmetic replays on raw rows at serving time and in exported SDKs.
//
// A chain travels with the data it shaped: every table a transforming operator writes
// carries the chain so far in its artifact meta under "transforms" (its input's chain
// plus its own step); a training operator copies its training table's chain into the
// model artifact's meta under "transforms", and serving applies it to raw requests
// before the backend sees them. Operators fit a step (transform_fit.h) and transform
// their table through Apply too, so training and serving share one implementation.
//
// JSON form (an array, applied in order):
//   [{"kind": "impute",        "columns": {"age": 41.5, "city": "Paris"}},
//    {"kind": "standardize",   "columns": {"age": {"mean": 40.1, "std": 12.3}}},
//    {"kind": "min-max-scale", "columns": {"x": {"min": 0, "max": 9}}},
//    {"kind": "one-hot",       "columns": {"city": ["Paris", "Rome"]}},   // -> city=Paris, city=Rome
//    {"kind": "bucketize",     "columns": {"age": [18, 30, 65]}},         // -> bucket index 0..3
//    {"kind": "select-columns","columns": ["age", "city"]},
//    {"kind": "date-parts",    "columns": {"sold": ["year", "day_of_week"]}}]  // -> sold.year, sold.day_of_week
// Per kind, on Apply:
//   impute        fills missing cells with the value (a number for a number column, text
//                 for a text one).
//   standardize   (x - mean) / std. std > 0: a constant training column is stored with
//                 std 1, as scikit-learn's StandardScaler does.
//   min-max-scale (x - min) / (max - min); 0 when max == min.
//   one-hot       replaces the column, in place, by one 0/1 number column per category
//                 named "<column>=<category>"; a missing value or a category training
//                 never saw gives all zeros (scikit-learn's handle_unknown="ignore").
//   bucketize     the number of edges <= x (so x < edges[0] is bucket 0, x >= the last
//                 edge is bucket edges.size()); edges strictly ascending.
//   select-columns keeps the listed columns, in that order (plus the pass-through ones).
//   date-parts    replaces a column of ISO dates/times (data/dates.h), in place, by one
//                 number column per part, named "<column>.<part>"; a missing cell gives
//                 missing parts, text that is not an ISO date is an error naming the row.
// Number steps leave a missing value missing. A text column whose present values all
// read as numbers is taken as numbers (a request may carry "5.1" as text).
// Row filters (outlier-filter, drop-missing) drop training rows only and add no step.
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "data/table.h"

namespace tandem::data {

class TransformChain {
 public:
  TransformChain() = default;
  // kInvalidArgument naming the step and field ("transforms[1].columns.age.std: ...").
  // null reads as an empty chain.
  static Result<TransformChain> FromJson(const Json& steps);
  Json ToJson() const;

  bool empty() const { return steps_.empty(); }
  size_t size() const { return steps_.size(); }
  // Appends one fitted step (in the JSON form above); kInvalidArgument as FromJson.
  Status Append(const Json& step);

  // Applies every step to `raw` (columns by name; extra columns pass through unless a
  // select-columns step drops them). `pass_through` names columns select-columns keeps
  // anyway (the label, during training). kInvalidArgument naming the step and the
  // column when a column a step needs is absent or is text where numbers are needed
  // ("transforms[1] (standardize): no column named 'age' (columns: ...)").
  Result<Table> Apply(const Table& raw, const std::vector<std::string>& pass_through = {}) const;

  // The raw columns the steps read, in order of first use (columns a step creates, such
  // as "city=Paris", are not raw).
  std::vector<std::string> InputColumns() const;
  // The raw columns a request must supply so that Apply yields `features` (a model's
  // feature columns): each feature, or the raw column it was made from, in feature
  // order, then any other column a step reads.
  std::vector<std::string> InputColumnsFor(const std::vector<std::string>& features) const;
  // The raw columns a request carries as text: the inputs of one-hot and date-parts
  // steps and the columns impute fills with text. The service's v2 metadata (BYTES),
  // the service's request decoding and the exported SDK's replay all ask this.
  std::set<std::string> TextInputColumns() const;
  // The columns Apply produces, in order, from a table with `input_columns`.
  std::vector<std::string> OutputColumns(const std::vector<std::string>& input_columns) const;

 private:
  std::vector<Json> steps_;
};

// "<column>=<category>": the name of a one-hot output column.
std::string OneHotColumnName(const std::string& column, const std::string& category);

}  // namespace tandem::data
