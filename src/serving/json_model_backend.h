#pragma once
// Serves the JSON model files of the built-in training operators (ml/linear_model.h):
//   "linear" — linear and logistic regression (link identity, logistic or softmax),
//   "kmeans" — nearest centroid.
// Input: one numeric tensor [N, F] (F = the model's features; BOOL and BYTES refused),
// named as meta.signature.inputs[0].name ("input" by default).
// Outputs — identity: "predictions" FP32 [N]; logistic/softmax: "probabilities" FP32
// [N, K] and "label" INT64 [N] (the argmax, as the xgboost backend); kmeans: "cluster"
// INT64 [N]. A row with a missing (NaN) feature is refused, naming it: JSON cannot
// carry the NaN a prediction would then hold.
#include <memory>
#include <string>
#include <variant>

#include "ml/linear_model.h"
#include "serving/backend.h"

namespace tandem::serving {

class JsonModelBackend : public Backend {
 public:
  // `format` is "linear" or "kmeans"; the model file must agree with the meta's
  // features and classes. Errors name the file or the meta field.
  static Result<std::unique_ptr<JsonModelBackend>> Load(const std::string& format,
                                                        const std::string& model_path,
                                                        const Json& meta);

  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override;
  Json Metadata() const override;

 private:
  JsonModelBackend() = default;
  size_t num_features() const;

  std::variant<ml::LinearModel, ml::KMeansModel> model_;
  std::string input_name_ = "input";
  Json meta_params_ = Json::object();  // task, features, classes for the metadata
};

}  // namespace tandem::serving
