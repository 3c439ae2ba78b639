#include "serving/json_model_backend.h"

#include <cmath>

namespace tandem::serving {
namespace {

Json Spec(const std::string& name, const char* datatype, std::vector<int64_t> shape) {
  return {{"name", name}, {"datatype", datatype}, {"shape", shape}};
}

}  // namespace

Result<std::unique_ptr<JsonModelBackend>> JsonModelBackend::Load(const std::string& format,
                                                                 const std::string& model_path,
                                                                 const Json& meta) {
  std::unique_ptr<JsonModelBackend> b(new JsonModelBackend());
  ASSIGN_OR_RETURN(Json file, ml::ReadModelJson(model_path));
  std::vector<std::string> features;
  if (format == "linear") {
    auto m = ml::LinearModel::FromJson(file);
    if (!m.ok()) return m.status().WithContext("model file '" + model_path + "'");
    features = m->features;
    b->model_ = std::move(m).value();
  } else {
    auto m = ml::KMeansModel::FromJson(file);
    if (!m.ok()) return m.status().WithContext("model file '" + model_path + "'");
    features = m->features;
    b->model_ = std::move(m).value();
  }
  if (auto f = meta.find("features"); f != meta.end() && f->is_array() && *f != Json(features)) {
    return InvalidArgument("meta.features: do not match the features of the model file '" +
                           model_path + "'");
  }
  const auto* linear = std::get_if<ml::LinearModel>(&b->model_);
  Json classes = meta.value("classes", Json::array());
  if (linear && linear->link != "identity" && !classes.empty() &&
      classes.size() != linear->width()) {
    return InvalidArgument("meta.classes: lists " + std::to_string(classes.size()) +
                           " classes but the model predicts " + std::to_string(linear->width()));
  }
  if (auto sig = meta.find("signature"); sig != meta.end() && sig->is_object()) {
    const Json& in = sig->value("inputs", Json::array());
    if (in.is_array() && !in.empty() && in[0].is_object() && in[0].value("name", Json()).is_string()) {
      b->input_name_ = in[0]["name"].get<std::string>();
    }
  }
  std::string task = !linear ? "clustering" : linear->link == "identity" ? "regression"
                                                                          : "classification";
  b->meta_params_ = {{"task", task}, {"features", features}};
  if (task == "classification") b->meta_params_["classes"] = classes;
  if (linear) b->meta_params_["link"] = linear->link;
  return b;
}

size_t JsonModelBackend::num_features() const {
  return std::visit([](const auto& m) { return m.features.size(); }, model_);
}

Result<std::vector<Tensor>> JsonModelBackend::Infer(const std::vector<Tensor>& inputs) {
  if (inputs.size() != 1) {
    return InvalidArgument("expected exactly 1 input tensor, got " + std::to_string(inputs.size()));
  }
  const Tensor& in = inputs[0];
  const std::string where = "input '" + in.name + "'";
  if (in.datatype == DataType::kBool || in.datatype == DataType::kBytes) {
    return InvalidArgument(where + ": datatype " + DataTypeName(in.datatype) +
                           " is not supported (expected FP32, FP64, INT32 or INT64)");
  }
  const size_t f = num_features();
  if (in.shape.size() != 2 || in.shape[1] != static_cast<int64_t>(f)) {
    return InvalidArgument(where + ": expected shape [N," + std::to_string(f) + "], got " +
                           ShapeString(in.shape));
  }
  const size_t n = static_cast<size_t>(in.shape[0]);
  for (size_t i = 0; i < in.numbers.size(); ++i) {
    if (std::isnan(in.numbers[i])) {
      return InvalidArgument(where + ": row " + std::to_string(i / f) + ", feature " +
                             std::to_string(i % f) + " is missing (NaN)");
    }
  }
  ml::DenseMatrix x{std::vector<float>(in.numbers.begin(), in.numbers.end()), n, f};
  ASSIGN_OR_RETURN(ml::Prediction p,
                   std::visit([&](const auto& m) { return m.Predict(x); }, model_));
  const int64_t rows = static_cast<int64_t>(n);
  const auto* linear = std::get_if<ml::LinearModel>(&model_);
  if (!linear) {
    Tensor cluster{"cluster", DataType::kInt64, {rows}, {p.values.begin(), p.values.end()}, {}};
    return std::vector<Tensor>{std::move(cluster)};
  }
  if (linear->link == "identity") {
    Tensor out{"predictions", DataType::kFp32, {rows}, {p.values.begin(), p.values.end()}, {}};
    return std::vector<Tensor>{std::move(out)};
  }
  const size_t k = p.width;
  Tensor probs{"probabilities", DataType::kFp32, {rows, static_cast<int64_t>(k)},
               {p.values.begin(), p.values.end()}, {}};
  Tensor label{"label", DataType::kInt64, {rows}, {}, {}};
  for (size_t r = 0; r < n; ++r) {
    size_t best = 0;
    for (size_t c = 1; c < k; ++c) {
      if (p.values[r * k + c] > p.values[r * k + best]) best = c;
    }
    label.numbers.push_back(static_cast<double>(best));
  }
  return std::vector<Tensor>{std::move(probs), std::move(label)};
}

Json JsonModelBackend::Metadata() const {
  const int64_t f = static_cast<int64_t>(num_features());
  const auto* linear = std::get_if<ml::LinearModel>(&model_);
  Json outputs = Json::array();
  if (!linear) {
    outputs.push_back(Spec("cluster", "INT64", {-1}));
  } else if (linear->link == "identity") {
    outputs.push_back(Spec("predictions", "FP32", {-1}));
  } else {
    outputs.push_back(Spec("probabilities", "FP32", {-1, static_cast<int64_t>(linear->width())}));
    outputs.push_back(Spec("label", "INT64", {-1}));
  }
  return {{"platform", linear ? "linear" : "kmeans"},
          {"inputs", Json::array({Spec(input_name_, "FP32", {-1, f})})},
          {"outputs", std::move(outputs)},
          {"parameters", meta_params_}};
}

}  // namespace tandem::serving
