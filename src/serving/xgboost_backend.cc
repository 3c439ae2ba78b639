#include "serving/xgboost_backend.h"

#include <cmath>
#include <limits>

namespace tandem::serving {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

Result<Json> OptionalArray(const Json& meta, const char* key) {
  auto it = meta.find(key);
  if (it == meta.end() || it->is_null()) return Json::array();
  if (!it->is_array()) {
    return InvalidArgument(std::string("meta.") + key + ": expected an array, got " +
                           it->type_name());
  }
  return *it;
}

Json TensorSpec(const std::string& name, const char* datatype, std::vector<int64_t> shape) {
  return {{"name", name}, {"datatype", datatype}, {"shape", shape}};
}

}  // namespace

Result<std::unique_ptr<XgboostBackend>> XgboostBackend::Load(const std::string& model_path,
                                                             const Json& meta, int threads) {
  ASSIGN_OR_RETURN(ml::XgbModel model, ml::XgbModel::Load(model_path, threads));
  return Create(std::move(model), meta);
}

Result<std::unique_ptr<XgboostBackend>> XgboostBackend::Create(ml::XgbModel model,
                                                               const Json& meta) {
  if (!meta.is_object()) return InvalidArgument("model meta: expected an object");
  std::unique_ptr<XgboostBackend> b(new XgboostBackend(std::move(model)));
  RETURN_IF_ERROR(b->Configure(meta));
  return b;
}

Status XgboostBackend::Configure(const Json& meta) {
  ASSIGN_OR_RETURN(objective_, GetStringOr(meta, "objective", "", "meta"));
  std::string inferred = StartsWith(objective_, "binary:") || StartsWith(objective_, "multi:")
                             ? "classification"
                             : "regression";
  ASSIGN_OR_RETURN(std::string task, GetStringOr(meta, "task", inferred, "meta"));
  if (task != "classification" && task != "regression") {
    return InvalidArgument("meta.task: expected 'classification' or 'regression', got '" + task +
                           "'");
  }
  classifier_ = task == "classification";
  if (classifier_ && !objective_.empty() && objective_ != "binary:logistic" &&
      objective_ != "multi:softprob") {
    return InvalidArgument("meta.objective: '" + objective_ +
                           "' is not supported for classification (expected binary:logistic "
                           "or multi:softprob, which predict probabilities)");
  }
  ASSIGN_OR_RETURN(features_, OptionalArray(meta, "features"));
  ASSIGN_OR_RETURN(classes_, OptionalArray(meta, "classes"));
  const size_t f = model_.num_features();
  if (!features_.empty() && features_.size() != f) {
    return InvalidArgument("meta.features: lists " + std::to_string(features_.size()) +
                           " names but the model takes " + std::to_string(f) + " features");
  }
  if (auto sig = meta.find("signature"); sig != meta.end() && sig->is_object()) {
    auto in = sig->find("inputs");
    if (in != sig->end() && in->is_array() && !in->empty() && (*in)[0].is_object()) {
      auto name = (*in)[0].find("name");
      if (name != (*in)[0].end() && name->is_string()) input_name_ = name->get<std::string>();
    }
  }

  // One prediction of an all-missing row tells how many values the model gives per
  // row, which decides binary vs multi-class without trusting the meta alone.
  ml::DenseMatrix probe{std::vector<float>(f, std::numeric_limits<float>::quiet_NaN()), 1, f};
  ASSIGN_OR_RETURN(ml::Prediction p, model_.Predict(probe));
  const size_t width = p.width;
  if (!classifier_) {
    if (width != 1) {
      return InvalidArgument("the regression model predicts " + std::to_string(width) +
                             " values per row; the xgboost backend serves one");
    }
    return Status::Ok();
  }
  if (objective_ == "binary:logistic" && width != 1) {
    return InvalidArgument("meta.objective is binary:logistic but the model predicts " +
                           std::to_string(width) + " values per row");
  }
  if (objective_ == "multi:softprob" && width < 2) {
    return InvalidArgument("meta.objective is multi:softprob but the model predicts one value "
                           "per row");
  }
  binary_ = width == 1;
  num_classes_ = binary_ ? 2 : width;
  if (!classes_.empty() && classes_.size() != num_classes_) {
    return InvalidArgument("meta.classes: lists " + std::to_string(classes_.size()) +
                           " classes but the model predicts " + std::to_string(num_classes_));
  }
  return Status::Ok();
}

Result<std::vector<Tensor>> XgboostBackend::Infer(const std::vector<Tensor>& inputs) {
  if (inputs.size() != 1) {
    return InvalidArgument("expected exactly 1 input tensor, got " +
                           std::to_string(inputs.size()));
  }
  const Tensor& in = inputs[0];
  const std::string where = "input '" + in.name + "'";
  if (in.datatype == DataType::kBool || in.datatype == DataType::kBytes) {
    return InvalidArgument(where + ": datatype " + DataTypeName(in.datatype) +
                           " is not supported (expected FP32, FP64, INT32 or INT64)");
  }
  const size_t f = model_.num_features();
  if (in.shape.size() != 2 || in.shape[1] != static_cast<int64_t>(f)) {
    return InvalidArgument(where + ": expected shape [N," + std::to_string(f) + "], got " +
                           ShapeString(in.shape));
  }
  const size_t n = static_cast<size_t>(in.shape[0]);
  if (in.numbers.size() != n * f) {
    return InvalidArgument(where + ": holds " + std::to_string(in.numbers.size()) +
                           " values for shape " + ShapeString(in.shape));
  }
  ml::DenseMatrix x{std::vector<float>(in.numbers.begin(), in.numbers.end()), n, f};
  ASSIGN_OR_RETURN(ml::Prediction p, model_.Predict(x));
  const int64_t rows = static_cast<int64_t>(n);

  if (!classifier_) {
    if (p.values.size() != n) return Internal("the model returned an unexpected number of values");
    Tensor out{"predictions", DataType::kFp32, {rows}, {}, {}};
    out.numbers.assign(p.values.begin(), p.values.end());
    return std::vector<Tensor>{std::move(out)};
  }
  const size_t k = num_classes_;
  if (p.values.size() != n * (binary_ ? 1 : k)) {
    return Internal("the model returned an unexpected number of values");
  }
  Tensor probs{"probabilities", DataType::kFp32, {rows, static_cast<int64_t>(k)}, {}, {}};
  Tensor label{"label", DataType::kInt64, {rows}, {}, {}};
  probs.numbers.reserve(n * k);
  label.numbers.reserve(n);
  for (size_t r = 0; r < n; ++r) {
    size_t start = probs.numbers.size();
    if (binary_) {
      float p1 = p.values[r];
      probs.numbers.push_back(1.0f - p1);
      probs.numbers.push_back(p1);
    } else {
      for (size_t c = 0; c < k; ++c) probs.numbers.push_back(p.values[r * k + c]);
    }
    size_t best = 0;
    for (size_t c = 1; c < k; ++c) {
      if (probs.numbers[start + c] > probs.numbers[start + best]) best = c;
    }
    label.numbers.push_back(static_cast<double>(best));
  }
  return std::vector<Tensor>{std::move(probs), std::move(label)};
}

Json XgboostBackend::Metadata() const {
  const int64_t f = static_cast<int64_t>(model_.num_features());
  Json outputs = Json::array();
  if (classifier_) {
    outputs.push_back(TensorSpec("probabilities", "FP32", {-1, static_cast<int64_t>(num_classes_)}));
    outputs.push_back(TensorSpec("label", "INT64", {-1}));
  } else {
    outputs.push_back(TensorSpec("predictions", "FP32", {-1}));
  }
  Json params = {{"task", classifier_ ? "classification" : "regression"},
                 {"features", features_}};
  if (!objective_.empty()) params["objective"] = objective_;
  if (classifier_) params["classes"] = classes_;
  return {{"platform", "xgboost"},
          {"inputs", Json::array({TensorSpec(input_name_, "FP32", {-1, f})})},
          {"outputs", std::move(outputs)},
          {"parameters", std::move(params)}};
}

}  // namespace tandem::serving
