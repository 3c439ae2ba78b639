#pragma once
// Private to the operators module: what every training operator decides the same way —
// which column it learns (params.label or the table's label), for which task, with which
// classes — and the meta its model artifact carries for evaluate, register-model and
// serving:
//   {"format": "xgboost" | "linear" | "kmeans", "task": "classification" | "regression" |
//    "clustering", "label": "target", "features": [...], "classes": [...],
//    "signature": {...}, "dataset": {...},               // dataset when known
//    "transforms": [...], "raw_features": [...]}         // when the table was transformed
// "features" are the columns the model takes (after the transforms); "raw_features" the
// columns a raw request supplies (TransformChain::InputColumnsFor(features)).
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {

struct Target {
  std::string label;
  std::string task;                  // classification | regression
  std::vector<std::string> classes;  // in index order; empty for regression
};

// The label from params.label (schema inferred afresh when it differs from the table's)
// or the table's label. kInvalidArgument "params.label: ..." when there is none or it
// is unknown.
Result<Target> ReadTarget(const Json& params, const TableInput& in);

// Makes `t` a classification target: its classes, or the label's distinct values when the
// schema gave none. kInvalidArgument "params.label: ..." with fewer than 2 classes.
Status RequireClasses(const TableInput& in, Target& t);
// kInvalidArgument "params.label: ..." unless the label is a number column.
Status RequireNumericLabel(const TableInput& in, Target& t);

// The model meta above. `outputs` is the signature's output list.
Json ModelMeta(const std::string& format, const Target& t, const std::vector<std::string>& features,
               const Lineage& lineage, Json outputs);
// The usual signature outputs: "probabilities" [-1, K] for classification, "predictions"
// [-1] for regression.
Json PredictionOutputs(const Target& t);

}  // namespace tandem::operators::builtin
