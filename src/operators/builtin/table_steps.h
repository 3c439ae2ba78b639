#pragma once
// Private to the operators module: what the cleaning and feature operators share —
// which columns they work on, and how they write their result so that the table's
// transform chain (data/transform.h) stays the exact record of what was done to it.
#include <functional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "operators/builtin/builtin.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {

enum class ColumnKind { kAny, kNumber, kText };

// params.<key> when given: an array naming columns of the table other than the label
// (kInvalidArgument "params.columns: ..." names an unknown column, the label, or a
// column of the wrong kind). When absent: every non-label column of `kind`, in table
// order (possibly none).
Result<std::vector<std::string>> ColumnsParam(const Json& params, const std::string& key,
                                              const TableInput& in, ColumnKind kind);

// Applies the fitted `step` to the input table (the label passes through untouched) and
// writes it as output "table", its chain = the input's chain + step. Errors of the step
// are kInvalidArgument with the step's message.
Status WriteTransformedTable(TaskContext& ctx, const TableInput& in, const Json& step);

// The whole of a feature operator: reads input "table", takes params.columns (default:
// the non-label columns of `kind`), fits a step on them with `fit` and writes the
// transformed table. kInvalidArgument "params.columns: ..." when there are no columns or
// the fit fails (the fit's message names the column).
using FitStep = std::function<Result<Json>(const data::Table&, const std::vector<std::string>&)>;
Status FitAndWriteTable(TaskContext& ctx, ColumnKind kind, const FitStep& fit);

// Writes the input's rows `kept` as output "table", with the input's lineage (a row
// filter adds no transform step), and the metrics rows_in, rows_kept, rows_dropped.
Status WriteFilteredTable(TaskContext& ctx, const TableInput& in, const std::vector<size_t>& kept);

// The schema for a params object with a "columns" array of names (any columns).
Json ColumnsSchema(const std::string& description);

}  // namespace tandem::operators::builtin
