#pragma once
// Test helpers: the real data sets python3-sklearn ships, and small models trained on
// them, written to disk the way the training operator does (model.json + meta).
#include <string>
#include <vector>

#include "core/json.h"
#include "ml/xgboost_model.h"

namespace tandem::serving::testing {

// A sklearn CSV: first line "<rows>,<features>,<class names...>", then rows of
// features followed by an integer label.
struct LabeledData {
  ml::DenseMatrix x;
  std::vector<float> y;
  std::vector<std::string> classes;
};
LabeledData LoadSklearnCsv(const std::string& name);  // "breast_cancer.csv", "iris.csv"

// Row `r` of x as a vector of doubles.
std::vector<double> Row(const ml::DenseMatrix& x, size_t r);

// A binary:logistic model on breast cancer (or multi:softprob on iris) and the meta
// the training operator writes for it. Aborts the test (ADD_FAILURE) on error.
struct TrainedModel {
  ml::XgbModel model;
  Json meta;
  LabeledData data;
};
TrainedModel TrainBreastCancer();
TrainedModel TrainIris();

}  // namespace tandem::serving::testing
