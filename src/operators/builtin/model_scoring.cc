#include "operators/builtin/model_scoring.h"

#include <algorithm>

#include "data/transform.h"
#include "ml/linear_model.h"
#include "operators/builtin/python_model.h"

namespace tandem::operators::builtin {

const std::vector<std::string>& PredictableFormats() {
  static const std::vector<std::string> formats = {"xgboost", "linear", "kmeans", "python"};
  return formats;
}

namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

Result<std::vector<std::string>> Names(const Json& meta, const char* key, const std::string& path) {
  auto it = meta.find(key);
  if (it == meta.end() || !it->is_array()) {
    return InvalidArgument(path + "." + key + ": expected an array of names");
  }
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) return InvalidArgument(path + "." + key + ": expected names");
    out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

Result<ModelInfo> ReadModelInfo(const Json& meta, const std::string& port,
                                const std::vector<std::string>& formats) {
  const std::string path = "inputs." + port + ".meta";
  ModelInfo info;
  info.meta = meta;
  ASSIGN_OR_RETURN(info.format, GetString(meta, "format", path));
  if (std::find(formats.begin(), formats.end(), info.format) == formats.end()) {
    return InvalidArgument(path + ".format: the model on port '" + port + "' is '" + info.format +
                           "'; this operator takes " + Join(formats) + " models");
  }
  ASSIGN_OR_RETURN(info.label, GetStringOr(meta, "label", "", path));
  ASSIGN_OR_RETURN(info.task, GetString(meta, "task", path));
  if (auto t = meta.find("transforms"); t != meta.end() && !t->is_null()) {
    auto chain = data::TransformChain::FromJson(*t);
    if (!chain.ok()) return chain.status().WithContext(path);
    info.transforms = *t;
  }
  ASSIGN_OR_RETURN(info.features, Names(meta, "features", path));
  if (meta.contains("classes")) {
    ASSIGN_OR_RETURN(info.classes, Names(meta, "classes", path));
  }
  return info;
}

Result<data::Table> AlignTransforms(const ModelInfo& info, const TableInput& table,
                                    const std::string& port) {
  const Json& done = table.lineage.transforms;
  const bool prefix = done.size() <= info.transforms.size() &&
                      std::equal(done.begin(), done.end(), info.transforms.begin());
  if (!prefix) {
    return InvalidArgument("inputs." + port + ": its transforms are not the first steps of the "
                           "model's; split the table before or after all of the model's transforms");
  }
  data::TransformChain rest;
  for (size_t i = done.size(); i < info.transforms.size(); ++i) RETURN_IF_ERROR(rest.Append(info.transforms[i]));
  std::vector<std::string> keep;
  if (!info.label.empty()) keep.push_back(info.label);
  auto aligned = rest.Apply(table.table, keep);
  if (!aligned.ok()) return aligned.status().WithContext("inputs." + port);
  return aligned;
}

Result<ml::Prediction> PredictRows(const ModelInfo& info, const std::string& model_path,
                                   const ml::DenseMatrix& x) {
  if (info.format == "xgboost") {
    ASSIGN_OR_RETURN(ml::XgbModel model, ml::XgbModel::Load(model_path));
    return model.Predict(x);
  }
  if (info.format == "python") {
    auto p = PredictPythonModel(model_path, info.meta, x, info.classes);
    if (!p.ok()) return p.status().WithContext("inputs.model");
    return p;
  }
  ASSIGN_OR_RETURN(Json j, ml::ReadModelJson(model_path));
  if (info.format == "kmeans") {
    auto model = ml::KMeansModel::FromJson(j);
    if (!model.ok()) return model.status().WithContext("inputs.model");
    return model->Predict(x);
  }
  auto model = ml::LinearModel::FromJson(j);
  if (!model.ok()) return model.status().WithContext("inputs.model");
  return model->Predict(x);
}

Result<std::vector<double>> ClassProbabilities(const ml::Prediction& p, size_t k) {
  if (!(p.width == k || (p.width == 1 && k == 2))) {
    return InvalidArgument("inputs.model: predicts " + std::to_string(p.width) +
                           " values per row for " + std::to_string(k) + " classes");
  }
  std::vector<double> out;
  out.reserve(p.rows * k);
  for (size_t r = 0; r < p.rows; ++r) {
    if (p.width == 1) {
      out.push_back(1.0 - p.values[r]);
      out.push_back(p.values[r]);
    } else {
      for (size_t c = 0; c < p.width; ++c) out.push_back(p.values[r * p.width + c]);
    }
  }
  return out;
}

}  // namespace tandem::operators::builtin
