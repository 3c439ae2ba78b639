#pragma once
// A trained XGBoost booster behind Result-returning calls (the XGBoost C API).
// Shared by the training operators and the serving backend, so both read and write
// the same model file format (XGBoost's JSON model).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"

namespace tandem::ml {

// Row-major float matrix; NaN marks a missing value.
struct DenseMatrix {
  std::vector<float> values;
  size_t rows = 0;
  size_t cols = 0;
};

struct Prediction {
  std::vector<float> values;  // rows x width, row-major
  size_t rows = 0;
  size_t width = 0;           // number of classes for multi:softprob, else 1
};

// Thread-safe: Predict may be called from any thread (calls are serialised; XGBoost
// parallelises inside a call).
class XgbModel {
 public:
  ~XgbModel();
  XgbModel(XgbModel&&) noexcept;
  XgbModel& operator=(XgbModel&&) noexcept;

  // Trains `rounds` boosting rounds. `params` are XGBoost's own ("objective",
  // "max_depth", "eta", "num_class", "seed", ...). `on_round(i)` is called after each.
  // REQUIRES: labels.size() == x.rows.
  static Result<XgbModel> Train(const DenseMatrix& x, const std::vector<float>& labels,
                                const std::map<std::string, std::string>& params, int rounds,
                                const std::function<void(int)>& on_round = {});
  // Loads a model file written by Save (or by XGBoost itself). `threads` caps the
  // threads one prediction uses (0 = XGBoost's default).
  static Result<XgbModel> Load(const std::string& path, int threads = 0);
  Status Save(const std::string& path) const;

  // kInvalidArgument when x.cols differs from the model's feature count.
  Result<Prediction> Predict(const DenseMatrix& x) const;
  size_t num_features() const { return num_features_; }

 private:
  explicit XgbModel(void* booster);
  void* booster_ = nullptr;  // BoosterHandle
  size_t num_features_ = 0;
  std::unique_ptr<std::mutex> mu_;
};

}  // namespace tandem::ml
