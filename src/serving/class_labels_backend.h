#pragma once
// Gives a classification model's answers by class name too: beside "probabilities"
// [N,K] the client gets "label" (INT64 [N], the most probable class's index; the
// model's own when it gives one) and "class" (BYTES [N], that class's name from
// meta.classes), so it reads "malignant" rather than 0. One wrapper for every backend
// (xgboost, linear, python, ...), chosen in LoadBackend.
#include <memory>
#include <string>
#include <vector>

#include "serving/backend.h"

namespace tandem::serving {

class ClassLabelsBackend : public Backend {
 public:
  // `inner` wrapped when meta.classes names the classes and the inner backend lists a
  // "probabilities" output; `inner` itself otherwise (regression, clustering, models
  // without class names).
  static std::unique_ptr<Backend> Wrap(std::unique_ptr<Backend> inner, const Json& meta);

  // The inner outputs plus "label" (when absent) and "class". kInternal when the
  // model's probabilities are not [N, number of classes] or its label is no class.
  Result<std::vector<Tensor>> Infer(const std::vector<Tensor>& inputs) override;
  Json Metadata() const override;
  std::vector<InputWarning> CheckInputs(const std::vector<Tensor>& inputs) const override {
    return inner_->CheckInputs(inputs);
  }

 private:
  ClassLabelsBackend(std::unique_ptr<Backend> inner, std::vector<std::string> classes,
                     bool inner_has_label);

  std::unique_ptr<Backend> inner_;
  std::vector<std::string> classes_;
  bool inner_has_label_;
};

}  // namespace tandem::serving
