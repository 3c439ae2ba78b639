#pragma once
// Fitted feature transforms: what a feature or cleaning operator learned from the
// training table (means, scales, categories, bucket edges, fill values), kept so that
// the very same arithmetic replays on raw rows at serving time and in exported SDKs.
//
// A chain travels with the data it shaped: every table a transforming operator writes
// carries the chain so far in its artifact meta under "transforms" (its input's chain
// plus its own step); a training operator copies its training table's chain into the
// model artifact's meta under "transforms", and serving applies it to raw requests
// before the backend sees them.
//
// JSON form (an array, applied in order):
//   [{"kind": "impute",        "columns": {"age": 41.5, "city": "Paris"}},
//    {"kind": "standardize",   "columns": {"age": {"mean": 40.1, "std": 12.3}}},
//    {"kind": "min-max-scale", "columns": {"x": {"min": 0, "max": 9}}},
//    {"kind": "one-hot",       "columns": {"city": ["Paris", "Rome"]}},   // -> city=Paris, city=Rome
//    {"kind": "bucketize",     "columns": {"age": [18, 30, 65]}},         // -> bucket index 0..3
//    {"kind": "select-columns","columns": ["age", "city"]}]
// Row filters (outlier-filter, drop-missing) drop training rows only and add no step.
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
  static Result<TransformChain> FromJson(const Json& steps);
  Json ToJson() const;

  bool empty() const { return steps_.empty(); }
  // Appends one fitted step (already in the JSON form above).
  Status Append(const Json& step);

  // Applies every step to `raw` (columns by name; extra columns pass through unless a
  // select-columns step drops them). A missing column a step needs, or a category no
  // one-hot step knows (it becomes all zeros, as in training), is handled as documented
  // per kind in transform.cc; errors name the column.
  Result<Table> Apply(const Table& raw) const;

  // The raw columns a request must supply, in the order the first step expects them,
  // and the columns Apply produces, in order.
  std::vector<std::string> InputColumns() const;
  std::vector<std::string> OutputColumns(const std::vector<std::string>& input_columns) const;

 private:
  std::vector<Json> steps_;
};

}  // namespace tandem::data
