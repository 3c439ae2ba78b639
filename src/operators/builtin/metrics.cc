#include "operators/builtin/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tandem::operators::builtin {
namespace {

Json NumberOrNull(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

struct PrecisionRecallF1 {
  double precision = 0, recall = 0, f1 = 0;
};

PrecisionRecallF1 ForClass(const std::vector<std::vector<int64_t>>& confusion, size_t c) {
  int64_t tp = confusion[c][c];
  int64_t predicted = 0, actual = 0;
  for (size_t i = 0; i < confusion.size(); ++i) {
    predicted += confusion[i][c];
    actual += confusion[c][i];
  }
  PrecisionRecallF1 out;
  out.precision = predicted ? static_cast<double>(tp) / predicted : 0.0;
  out.recall = actual ? static_cast<double>(tp) / actual : 0.0;
  double sum = out.precision + out.recall;
  out.f1 = sum > 0 ? 2 * out.precision * out.recall / sum : 0.0;
  return out;
}

}  // namespace

double RocAuc(const std::vector<uint8_t>& positive, const std::vector<double>& score) {
  const size_t n = score.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
  double positive_rank_sum = 0;
  size_t n_pos = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && score[order[j]] == score[order[i]]) ++j;
    double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // ranks i+1..j
    for (size_t t = i; t < j; ++t) {
      if (positive[order[t]]) {
        positive_rank_sum += mid_rank;
        ++n_pos;
      }
    }
    i = j;
  }
  const size_t n_neg = n - n_pos;
  if (n_pos == 0 || n_neg == 0) return NAN;
  double u = positive_rank_sum - static_cast<double>(n_pos) * (n_pos + 1) / 2;
  return u / (static_cast<double>(n_pos) * n_neg);
}

Json RocCurve(const std::vector<uint8_t>& positive, const std::vector<double>& score) {
  const size_t n = score.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] > score[b]; });
  size_t n_pos = 0;
  for (size_t i = 0; i < n; ++i) n_pos += positive[i] ? 1 : 0;
  const size_t n_neg = n - n_pos;
  auto rate = [](size_t count, size_t total) {
    return total ? Json(static_cast<double>(count) / total) : Json(nullptr);
  };
  // Cumulative true and false positives at each distinct score, highest first.
  std::vector<size_t> tps, fps;
  std::vector<double> cuts;
  size_t tp = 0, fp = 0;
  for (size_t i = 0; i < n;) {
    const double threshold = score[order[i]];
    for (; i < n && score[order[i]] == threshold; ++i) (positive[order[i]] ? tp : fp)++;
    tps.push_back(tp);
    fps.push_back(fp);
    cuts.push_back(threshold);
  }
  Json fpr = Json::array({rate(0, n_neg)}), tpr = Json::array({rate(0, n_pos)});
  Json thresholds = Json::array({n ? cuts[0] + 1 : 1.0});
  for (size_t i = 0; i < cuts.size(); ++i) {
    // sklearn's drop_intermediate: a point on a straight segment between its neighbours
    // changes nothing in the plot or the area.
    const bool end = i == 0 || i + 1 == cuts.size();
    const bool corner = end || fps[i - 1] + fps[i + 1] != 2 * fps[i] || tps[i - 1] + tps[i + 1] != 2 * tps[i];
    if (!corner) continue;
    fpr.push_back(rate(fps[i], n_neg));
    tpr.push_back(rate(tps[i], n_pos));
    thresholds.push_back(cuts[i]);
  }
  return {{"fpr", fpr}, {"tpr", tpr}, {"thresholds", thresholds}};
}

std::vector<int> ArgMax(const std::vector<double>& probabilities, size_t k) {
  std::vector<int> out;
  for (size_t r = 0; r + k <= probabilities.size() && k > 0; r += k) {
    auto first = probabilities.begin() + static_cast<std::ptrdiff_t>(r);
    out.push_back(static_cast<int>(std::max_element(first, first + static_cast<std::ptrdiff_t>(k)) - first));
  }
  return out;
}

Result<Json> ClassificationMetrics(const std::vector<int>& truth,
                                   const std::vector<double>& probabilities,
                                   const std::vector<std::string>& classes) {
  const size_t n = truth.size(), k = classes.size();
  if (k < 2) return InvalidArgument("metrics need at least 2 classes");
  if (n == 0) return InvalidArgument("metrics need at least one row");
  if (probabilities.size() != n * k) {
    return InvalidArgument("have " + std::to_string(probabilities.size()) +
                           " probabilities for " + std::to_string(n) + " rows of " +
                           std::to_string(k) + " classes");
  }
  for (int t : truth) {
    if (t < 0 || static_cast<size_t>(t) >= k) {
      return InvalidArgument("class index " + std::to_string(t) + " is out of range");
    }
  }
  std::vector<int> predicted = ArgMax(probabilities, k);
  std::vector<std::vector<int64_t>> confusion(k, std::vector<int64_t>(k, 0));
  size_t correct = 0;
  double log_loss = 0;
  for (size_t r = 0; r < n; ++r) {
    confusion[truth[r]][predicted[r]]++;
    correct += truth[r] == predicted[r] ? 1 : 0;
    double p = std::clamp(probabilities[r * k + truth[r]], 1e-15, 1 - 1e-15);
    log_loss -= std::log(p);
  }
  Json per_class = Json::array();
  for (size_t c = 0; c < k; ++c) {
    PrecisionRecallF1 one = ForClass(confusion, c);
    int64_t support = 0;
    for (size_t j = 0; j < k; ++j) support += confusion[c][j];
    per_class.push_back({{"class", classes[c]}, {"precision", one.precision}, {"recall", one.recall},
                         {"f1", one.f1}, {"support", support}});
  }
  PrecisionRecallF1 prf;
  double auc = NAN;
  Json roc_curve;
  if (k == 2) {
    prf = ForClass(confusion, 1);
    std::vector<uint8_t> pos(n);
    std::vector<double> score(n);
    for (size_t r = 0; r < n; ++r) {
      pos[r] = truth[r] == 1;
      score[r] = probabilities[r * k + 1];
    }
    auc = RocAuc(pos, score);
    roc_curve = RocCurve(pos, score);
  } else {
    double auc_sum = 0;
    size_t auc_count = 0;
    // Macro averages over the classes present in the truth or the predictions, as
    // scikit-learn does: a class the test set lacks and no row was given is no evidence.
    std::vector<size_t> seen;
    for (size_t c = 0; c < k; ++c) {
      int64_t rows = 0;
      for (size_t j = 0; j < k; ++j) rows += confusion[c][j] + confusion[j][c];
      if (rows > 0) seen.push_back(c);
    }
    for (size_t c : seen) {
      PrecisionRecallF1 one = ForClass(confusion, c);
      prf.precision += one.precision / seen.size();
      prf.recall += one.recall / seen.size();
      prf.f1 += one.f1 / seen.size();
    }
    for (size_t c = 0; c < k; ++c) {
      std::vector<uint8_t> pos(n);
      std::vector<double> score(n);
      for (size_t r = 0; r < n; ++r) {
        pos[r] = static_cast<size_t>(truth[r]) == c;
        score[r] = probabilities[r * k + c];
      }
      double a = RocAuc(pos, score);
      if (std::isfinite(a)) {
        auc_sum += a;
        ++auc_count;
      }
    }
    if (auc_count) auc = auc_sum / auc_count;
  }
  Json out = {{"accuracy", static_cast<double>(correct) / n},
              {"precision", prf.precision},
              {"recall", prf.recall},
              {"f1", prf.f1},
              {"roc_auc", NumberOrNull(auc)},
              {"log_loss", log_loss / n},
              {"confusion_matrix", {{"classes", classes}, {"matrix", confusion}}},
              {"n", n},
              {"per_class", std::move(per_class)}};
  if (!roc_curve.is_null()) out["roc_curve"] = std::move(roc_curve);
  return out;
}

Result<Json> RegressionMetrics(const std::vector<double>& truth,
                               const std::vector<double>& predicted) {
  const size_t n = truth.size();
  if (n == 0) return InvalidArgument("metrics need at least one row");
  if (predicted.size() != n) {
    return InvalidArgument("have " + std::to_string(predicted.size()) + " predictions for " +
                           std::to_string(n) + " rows");
  }
  double mean = std::accumulate(truth.begin(), truth.end(), 0.0) / n;
  double ss_res = 0, ss_tot = 0, abs_sum = 0;
  for (size_t i = 0; i < n; ++i) {
    double e = truth[i] - predicted[i];
    ss_res += e * e;
    abs_sum += std::fabs(e);
    ss_tot += (truth[i] - mean) * (truth[i] - mean);
  }
  double r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : NAN;
  return Json{{"rmse", std::sqrt(ss_res / n)},
              {"mae", abs_sum / n},
              {"r2", NumberOrNull(r2)},
              {"n", n}};
}

}  // namespace tandem::operators::builtin
