#pragma once
// `tandem operator init NAME --runtime python|exec [--template process|train]`: a
// working operator to start from — manifest, code, test inputs and passing tests — so
// the first thing a user does with it (`operator test`, then `operator publish`)
// succeeds. process: a table filter (python or exec). train (python only): fits a
// scikit-learn model, reports evaluate's metrics and saves the model with
// tandem_op.save_python_model, which the python serving backend serves; a test checks
// the saved model predicts its test rows.
#include <string>

#include "core/status.h"

namespace tandem::operators {

// Creates `dir` (which must not exist or be empty) with the operator NAME.
// kInvalidArgument for a bad name, runtime or template (train with exec); kAlreadyExists
// for a non-empty dir.
Status ScaffoldOperator(const std::string& dir, const std::string& name, const std::string& runtime,
                        const std::string& kind = "process");

}  // namespace tandem::operators
