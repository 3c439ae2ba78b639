#pragma once
// Private to the operators module: a python model (tandem_op.save_python_model's
// model.py, or any file or folder the python serving backend takes) predicting a feature
// matrix inside a task.
//
// Why not the serving backend's worker pool: operators sit below serving
// (docs/architecture.md), and a batch task needs one call, not long-lived workers
// behind a socket protocol. So the rows go through tandem_op.predict — the module python
// operators use to write these models — in one /usr/bin/python3 (or the meta's
// "python") started on the model file, which feeds predict() the same one FP32 matrix
// input the service's worker feeds it; the predictions are the service's.
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "ml/xgboost_model.h"

namespace tandem::operators::builtin {

// rows x width values of one of the model's outputs: "probabilities" when `classes` is
// not empty, else "predictions", else its first output. kInvalidArgument with the
// model's own error ("ValueError: ...") when it does not load or predict; kInternal
// when python cannot be started.
Result<ml::Prediction> PredictPythonModel(const std::string& model_path, const Json& meta,
                                          const ml::DenseMatrix& x,
                                          const std::vector<std::string>& classes);

}  // namespace tandem::operators::builtin
