#include "ml/linear_model.h"

#include <cmath>
#include <limits>

#include "core/fs.h"

namespace tandem::ml {
namespace {

Result<std::vector<double>> Numbers(const Json& v, const std::string& path, size_t expected) {
  if (!v.is_array() || (expected > 0 && v.size() != expected)) {
    return InvalidArgument(path + ": expected " + (expected ? std::to_string(expected) + " " : "") +
                           "numbers");
  }
  std::vector<double> out;
  for (const auto& x : v) {
    if (!x.is_number()) return InvalidArgument(path + ": expected numbers, got " + x.dump());
    out.push_back(x.get<double>());
  }
  return out;
}

Result<std::vector<std::vector<double>>> Rows(const Json& j, const std::string& key, size_t width) {
  const std::string path = "model." + key;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array() || it->empty()) {
    return InvalidArgument(path + ": expected a non-empty array of rows");
  }
  std::vector<std::vector<double>> rows;
  for (size_t i = 0; i < it->size(); ++i) {
    ASSIGN_OR_RETURN(auto row, Numbers((*it)[i], path + "[" + std::to_string(i) + "]", width));
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<std::string>> Features(const Json& j) {
  auto it = j.find("features");
  if (it == j.end() || !it->is_array() || it->empty()) {
    return InvalidArgument("model.features: expected a non-empty array of names");
  }
  std::vector<std::string> out;
  for (const auto& f : *it) {
    if (!f.is_string()) return InvalidArgument("model.features: expected names, got " + f.dump());
    out.push_back(f.get<std::string>());
  }
  return out;
}

Status CheckFormat(const Json& j, const std::string& expected) {
  if (!j.is_object()) return InvalidArgument("model: expected an object");
  ASSIGN_OR_RETURN(std::string format, GetString(j, "format", "model"));
  if (format != expected) {
    return InvalidArgument("model.format: expected '" + expected + "', got '" + format + "'");
  }
  return Status::Ok();
}

Status CheckWidth(const DenseMatrix& x, size_t features) {
  if (x.cols != features) {
    return InvalidArgument("the model takes " + std::to_string(features) + " features, got " +
                           std::to_string(x.cols));
  }
  return Status::Ok();
}

}  // namespace

Json LinearModel::ToJson() const {
  return {{"format", "linear"}, {"link", link}, {"features", features},
          {"intercepts", intercepts}, {"coefficients", coefficients}};
}

Result<LinearModel> LinearModel::FromJson(const Json& j) {
  RETURN_IF_ERROR(CheckFormat(j, "linear"));
  LinearModel m;
  ASSIGN_OR_RETURN(m.link, GetString(j, "link", "model"));
  if (m.link != "identity" && m.link != "logistic" && m.link != "softmax") {
    return InvalidArgument("model.link: expected identity, logistic or softmax, got '" + m.link + "'");
  }
  ASSIGN_OR_RETURN(m.features, Features(j));
  ASSIGN_OR_RETURN(m.coefficients, Rows(j, "coefficients", m.features.size()));
  auto it = j.find("intercepts");
  if (it == j.end()) return InvalidArgument("model.intercepts: required field is missing");
  ASSIGN_OR_RETURN(m.intercepts, Numbers(*it, "model.intercepts", m.coefficients.size()));
  const size_t outputs = m.coefficients.size();
  if ((m.link != "softmax" && outputs != 1) || (m.link == "softmax" && outputs < 2)) {
    return InvalidArgument("model.coefficients: a " + m.link + " model has " +
                           (m.link == "softmax" ? "2 or more rows" : "one row") + ", got " +
                           std::to_string(outputs));
  }
  return m;
}

Result<Prediction> LinearModel::Predict(const DenseMatrix& x) const {
  RETURN_IF_ERROR(CheckWidth(x, features.size()));
  Prediction p;
  p.rows = x.rows;
  p.width = width();
  p.values.reserve(p.rows * p.width);
  std::vector<double> score(intercepts.size());
  for (size_t r = 0; r < x.rows; ++r) {
    const float* row = &x.values[r * x.cols];
    for (size_t k = 0; k < score.size(); ++k) {
      score[k] = intercepts[k];
      for (size_t j = 0; j < x.cols; ++j) score[k] += coefficients[k][j] * row[j];
    }
    if (link == "identity") {
      p.values.push_back(static_cast<float>(score[0]));
    } else if (link == "logistic") {
      const double p1 = 1 / (1 + std::exp(-score[0]));
      p.values.push_back(static_cast<float>(1 - p1));
      p.values.push_back(static_cast<float>(p1));
    } else {
      double top = score[0], sum = 0;
      for (double s : score) top = std::max(top, s);  // shifted: exp never overflows
      for (double& s : score) sum += (s = std::exp(s - top));
      for (double s : score) p.values.push_back(static_cast<float>(s / sum));
    }
  }
  return p;
}

Json KMeansModel::ToJson() const {
  return {{"format", "kmeans"}, {"features", features}, {"centroids", centroids}};
}

Result<KMeansModel> KMeansModel::FromJson(const Json& j) {
  RETURN_IF_ERROR(CheckFormat(j, "kmeans"));
  KMeansModel m;
  ASSIGN_OR_RETURN(m.features, Features(j));
  ASSIGN_OR_RETURN(m.centroids, Rows(j, "centroids", m.features.size()));
  return m;
}

Result<Prediction> KMeansModel::Predict(const DenseMatrix& x) const {
  RETURN_IF_ERROR(CheckWidth(x, features.size()));
  Prediction p{{}, x.rows, 1};
  for (size_t r = 0; r < x.rows; ++r) {
    const float* row = &x.values[r * x.cols];
    double best = std::numeric_limits<double>::infinity();
    float index = NAN;
    for (size_t c = 0; c < centroids.size(); ++c) {
      double d = 0;
      for (size_t j = 0; j < x.cols; ++j) d += (row[j] - centroids[c][j]) * (row[j] - centroids[c][j]);
      if (d < best) best = d, index = static_cast<float>(c);
    }
    p.values.push_back(index);  // NaN when a feature is missing: no distance is < inf
  }
  return p;
}

Result<Json> ReadModelJson(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseJson(text, path);
}

}  // namespace tandem::ml
