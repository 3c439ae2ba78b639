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

// Runs `script` with /usr/bin/python3 and `args`; ADD_FAILUREs (with its output) and
// returns false when it fails. The tests' reference values come from python itself.
bool RunPython(const std::string& script, const std::vector<std::string>& args);

// A fresh temp folder for one test; removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace tandem::serving::testing
