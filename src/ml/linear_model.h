#pragma once
// Linear models (linear and logistic regression) and k-means centroids as JSON model
// files, shared by the training operators and the serving backends, the way
// xgboost_model.h is for XGBoost.
//
// model.json of format "linear":
//   {"format": "linear", "link": "identity" | "logistic" | "softmax",
//    "features": ["x0", ...],                  // the columns, in matrix order
//    "intercepts": [b_0, ...],                 // one per output
//    "coefficients": [[w_00, w_01, ...], ...]} // outputs x features, on raw features
//   score_k = b_k + sum_j w_kj * x_j, then
//   identity: prediction = score_0                      (width 1; regression)
//   logistic: p(class 1) = 1 / (1 + exp(-score_0)), row = [1 - p, p]   (width 2)
//   softmax:  row = exp(score_k) / sum exp(score)       (width K)
// model.json of format "kmeans":
//   {"format": "kmeans", "features": [...], "centroids": [[c_00, ...], ...]}
//   prediction = index of the nearest centroid (squared Euclidean; first on ties).
// A missing (NaN) feature makes the row's prediction NaN.
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "ml/xgboost_model.h"

namespace tandem::ml {

struct LinearModel {
  std::string link = "identity";
  std::vector<std::string> features;
  std::vector<double> intercepts;
  std::vector<std::vector<double>> coefficients;

  Json ToJson() const;
  // kInvalidArgument naming the field ("model.coefficients[1]: expected 30 numbers").
  static Result<LinearModel> FromJson(const Json& j);
  // rows x width as above. kInvalidArgument when x.cols differs from features.size().
  Result<Prediction> Predict(const DenseMatrix& x) const;
  size_t width() const { return link == "logistic" ? 2 : link == "softmax" ? intercepts.size() : 1; }
};

struct KMeansModel {
  std::vector<std::string> features;
  std::vector<std::vector<double>> centroids;

  Json ToJson() const;
  static Result<KMeansModel> FromJson(const Json& j);
  // width 1: the cluster index of each row.
  Result<Prediction> Predict(const DenseMatrix& x) const;
};

// Reads and parses a model file; the error names the path.
Result<Json> ReadModelJson(const std::string& path);

}  // namespace tandem::ml
