#pragma once
// Private to the operators module: what evaluate and predict share about a model on an
// input port — its meta, the table brought to the model's features (the fitted
// transforms it was trained behind, replayed as the service replays them), and its
// predictions, for every model format a task can run.
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "data/table.h"
#include "ml/xgboost_model.h"
#include "operators/builtin/table_ports.h"

namespace tandem::operators::builtin {

// The fields of a model's meta (train_target.h) that scoring relies on.
struct ModelInfo {
  std::string format, label, task;
  std::vector<std::string> features, classes;
  Json transforms = Json::array();
  Json meta = Json::object();  // the whole meta (python: signature, interpreter)
};

// The formats a task can predict with, in the order messages list them:
// xgboost, linear, kmeans (in process, the ml/ code the service runs) and python (the
// model's own predict(), python_model.h). torchscript needs libtorch, which only the
// serving module links.
const std::vector<std::string>& PredictableFormats();

// The meta of the model on input `port`. kInvalidArgument "inputs.<port>.meta.<field>:
// ..." for a missing field or invalid transforms, and for a format not in `formats`
// (naming the port, the format and the ones taken).
Result<ModelInfo> ReadModelInfo(const Json& meta, const std::string& port,
                                const std::vector<std::string>& formats);

// `table` (read from input `port`) as the model saw its training table: the table has
// been through the first steps of the model's chain (none, when it was split off before
// them); the remaining steps are applied here, the label left alone, so raw held-out or
// new rows are scored honestly. kInvalidArgument "inputs.<port>: ..." when the table's
// transforms are not a prefix of the model's, or a step cannot apply.
Result<data::Table> AlignTransforms(const ModelInfo& info, const TableInput& table,
                                    const std::string& port);

// The model's predictions for the rows of `x` (columns = info.features): rows x width,
// as the service computes them. The loader's or the model's error otherwise.
Result<ml::Prediction> PredictRows(const ModelInfo& info, const std::string& model_path,
                                   const ml::DenseMatrix& x);

// Class probabilities rows x K, row-major; a single p(class 1) column (binary:logistic)
// becomes [1 - p, p]. kInvalidArgument "inputs.model: ..." when the width fits neither.
Result<std::vector<double>> ClassProbabilities(const ml::Prediction& p, size_t k);

}  // namespace tandem::operators::builtin
