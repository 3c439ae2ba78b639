#include "ml/xgboost_model.h"

#include <xgboost/c_api.h>

#include <cmath>

namespace tandem::ml {
namespace {

Status XgbError(const std::string& what) {
  return Internal(what + ": " + XGBGetLastError());
}

// Owns a DMatrixHandle.
class DMatrix {
 public:
  ~DMatrix() {
    if (handle_) XGDMatrixFree(handle_);
  }
  static Result<std::unique_ptr<DMatrix>> FromDense(const DenseMatrix& x) {
    if (x.values.size() != x.rows * x.cols) {
      return InvalidArgument("matrix has " + std::to_string(x.values.size()) +
                             " values, expected rows*cols = " + std::to_string(x.rows * x.cols));
    }
    auto m = std::unique_ptr<DMatrix>(new DMatrix);
    if (XGDMatrixCreateFromMat(x.values.data(), x.rows, x.cols, NAN, &m->handle_) != 0) {
      return XgbError("cannot build the XGBoost matrix");
    }
    return m;
  }
  DMatrixHandle handle() const { return handle_; }

 private:
  DMatrix() = default;
  DMatrixHandle handle_ = nullptr;
};

}  // namespace

XgbModel::XgbModel(void* booster) : booster_(booster), mu_(std::make_unique<std::mutex>()) {
  bst_ulong n = 0;
  if (XGBoosterGetNumFeature(booster_, &n) == 0) num_features_ = n;
}

XgbModel::~XgbModel() {
  if (booster_) XGBoosterFree(booster_);
}

XgbModel::XgbModel(XgbModel&& o) noexcept
    : booster_(o.booster_), num_features_(o.num_features_), mu_(std::move(o.mu_)) {
  o.booster_ = nullptr;
}

XgbModel& XgbModel::operator=(XgbModel&& o) noexcept {
  if (this != &o) {
    if (booster_) XGBoosterFree(booster_);
    booster_ = o.booster_;
    num_features_ = o.num_features_;
    mu_ = std::move(o.mu_);
    o.booster_ = nullptr;
  }
  return *this;
}

Result<XgbModel> XgbModel::Train(const DenseMatrix& x, const std::vector<float>& labels,
                                 const std::map<std::string, std::string>& params, int rounds,
                                 const std::function<void(int)>& on_round) {
  if (labels.size() != x.rows) {
    return InvalidArgument("have " + std::to_string(labels.size()) + " labels for " +
                           std::to_string(x.rows) + " rows");
  }
  if (rounds < 1) return InvalidArgument("num_rounds: must be >= 1");
  ASSIGN_OR_RETURN(auto dtrain, DMatrix::FromDense(x));
  if (XGDMatrixSetFloatInfo(dtrain->handle(), "label", labels.data(), labels.size()) != 0) {
    return XgbError("cannot set labels");
  }
  DMatrixHandle mats[] = {dtrain->handle()};
  BoosterHandle booster = nullptr;
  if (XGBoosterCreate(mats, 1, &booster) != 0) return XgbError("cannot create the booster");
  XgbModel model(booster);
  for (const auto& [key, value] : params) {
    if (XGBoosterSetParam(booster, key.c_str(), value.c_str()) != 0) {
      return Status(StatusCode::kInvalidArgument,
                    "params." + key + ": XGBoost rejected '" + value + "': " + XGBGetLastError());
    }
  }
  for (int i = 0; i < rounds; ++i) {
    if (XGBoosterUpdateOneIter(booster, i, dtrain->handle()) != 0) {
      return XgbError("boosting round " + std::to_string(i + 1) + " failed");
    }
    if (on_round) on_round(i);
  }
  bst_ulong n = 0;
  XGBoosterGetNumFeature(booster, &n);
  model.num_features_ = n;
  return model;
}

Result<XgbModel> XgbModel::Load(const std::string& path, int threads) {
  BoosterHandle booster = nullptr;
  if (XGBoosterCreate(nullptr, 0, &booster) != 0) return XgbError("cannot create the booster");
  XgbModel model(booster);
  if (XGBoosterLoadModel(booster, path.c_str()) != 0) {
    return XgbError("cannot load the XGBoost model '" + path + "'");
  }
  if (threads > 0) {
    XGBoosterSetParam(booster, "nthread", std::to_string(threads).c_str());
  }
  bst_ulong n = 0;
  XGBoosterGetNumFeature(booster, &n);
  model.num_features_ = n;
  return model;
}

Status XgbModel::Save(const std::string& path) const {
  std::lock_guard<std::mutex> lock(*mu_);
  if (XGBoosterSaveModel(booster_, path.c_str()) != 0) {
    return XgbError("cannot save the model to '" + path + "'");
  }
  return Status::Ok();
}

Result<Prediction> XgbModel::Predict(const DenseMatrix& x) const {
  if (x.cols != num_features_) {
    return InvalidArgument("expected " + std::to_string(num_features_) + " features per row, got " +
                           std::to_string(x.cols));
  }
  Prediction out;
  out.rows = x.rows;
  if (x.rows == 0) {
    out.width = 1;
    return out;
  }
  ASSIGN_OR_RETURN(auto dmat, DMatrix::FromDense(x));
  static const char* kConfig =
      R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
  std::lock_guard<std::mutex> lock(*mu_);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (XGBoosterPredictFromDMatrix(booster_, dmat->handle(), kConfig, &shape, &dim, &result) != 0) {
    return XgbError("prediction failed");
  }
  size_t total = 1;
  for (bst_ulong i = 0; i < dim; ++i) total *= shape[i];
  out.width = x.rows ? total / x.rows : 1;
  out.values.assign(result, result + total);
  return out;
}

}  // namespace tandem::ml
