#pragma once
// A model version's metrics and signature as people read them: scalars in a table,
// curves and matrices summarised (a curve by its size and AUC, a small confusion
// matrix drawn as a table), so `tandem model show` stays a page long. --json prints
// the documents whole.
#include <ostream>
#include <string>

#include "core/json.h"

namespace tandem::cli {

// A metric value in one cell: a number (FormatNumber), text, "-" for null, or a summary
// of a nested value: "curve, 42 points", "3x3 matrix", "2 classes", "{5 fields}".
std::string MetricCell(const Json& value);

// True for numbers, text, booleans and null: what a metrics table shows as it is.
bool IsScalarMetric(const Json& value);

// Prints `metrics` (an object, possibly with nested figures), every line after
// `indent`: a METRIC VALUE table of the scalars and of summaries of the nested ones,
// then each confusion matrix of at most `max_matrix_classes` classes as a table
// (truth down, predicted across), and a per-class table when there is one.
void PrintMetrics(std::ostream& out, const Json& metrics, const std::string& indent,
                  size_t max_matrix_classes = 12);

// "input FP32 [-1, 30] -> probabilities FP32 [-1, 2]; 30 features: a, b, c, ... (+20)".
std::string SignatureSummary(const Json& signature, size_t max_names = 10);

}  // namespace tandem::cli
