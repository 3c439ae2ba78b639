#pragma once
// Serves an XGBoost model (ml::XgbModel) described by the meta the training operator
// writes beside it:
//   {"format": "xgboost", "task": "classification" | "regression",
//    "objective": "binary:logistic" | "multi:softprob" | "reg:...",
//    "features": [names], "classes": [labels], "signature": {"inputs": [{"name": ...}]}}
// Every field is optional; what is present must agree with the model file (feature
// count, number of classes).
//
// Input: exactly one tensor of shape [N, F] (F = the model's feature count), datatype
// FP32 or FP64 (INT32/INT64 are converted; BOOL and BYTES are refused).
// Outputs — classification: "probabilities" FP32 [N, K] (binary:logistic's p(class 1)
// expands to [1-p, p]) and "label" INT64 [N], the argmax column; regression:
// "predictions" FP32 [N].
#include <memory>
#include <string>
#include <vector>

#include "ml/xgboost_model.h"
#include "serving/backend.h"

namespace tandem::serving {

class XgboostBackend : public Backend {
 public:
  // Loads the model file (`threads` per prediction; 0 = XGBoost's default) and checks
  // it against `meta`. Errors name the file or the meta field.
  static Result<std::unique_ptr<XgboostBackend>> Load(const std::string& model_path,
                                                       const Json& meta, int threads);
  // Same over a model already in memory.
  static Result<std::unique_ptr<XgboostBackend>> Create(ml::XgbModel model, const Json& meta);

  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override;
  Json Metadata() const override;

  bool is_classifier() const { return classifier_; }
  size_t num_features() const { return model_.num_features(); }
  size_t num_classes() const { return num_classes_; }  // 0 for regression

 private:
  explicit XgboostBackend(ml::XgbModel model) : model_(std::move(model)) {}
  Status Configure(const Json& meta);

  ml::XgbModel model_;  // thread-safe
  bool classifier_ = false;
  bool binary_ = false;        // one p(class 1) column expanded to two
  size_t num_classes_ = 0;
  std::string input_name_ = "input";
  std::string objective_;
  Json features_ = Json::array();
  Json classes_ = Json::array();
};

}  // namespace tandem::serving
