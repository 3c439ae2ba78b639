#pragma once
// Private to the operators module: from a table to what XGBoost takes — a float feature
// matrix and a label per row. Shared by xgboost-train and evaluate so both read a table
// the same way.
#include <string>
#include <vector>

#include "core/status.h"
#include "data/table.h"
#include "ml/xgboost_model.h"

namespace tandem::operators::builtin {

// Every column except `label`, in table order. kInvalidArgument names a string column
// (text features need an encoding step first).
Result<std::vector<std::string>> FeatureColumns(const data::Table& table, const std::string& label);

// The named columns as a rows x features matrix (NaN = missing). kInvalidArgument names
// a column that is absent or not numeric.
Result<ml::DenseMatrix> FeatureMatrix(const data::Table& table,
                                      const std::vector<std::string>& features);

// Each row's class index: the position of the label's text ("benign", or "1" for the
// number 1) in `classes`. kInvalidArgument names the row (1-based data row) of a missing
// value or of one not in the list.
Result<std::vector<float>> ClassLabels(const data::Table& table, const std::string& label,
                                       const std::vector<std::string>& classes);

// Each row's label as a number. kInvalidArgument for a text label, or names the row of
// a missing value.
Result<std::vector<float>> ValueLabels(const data::Table& table, const std::string& label);

}  // namespace tandem::operators::builtin
