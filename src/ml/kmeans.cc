#include "ml/kmeans.h"

#include <cmath>
#include <limits>
#include <random>

namespace tandem::ml {
namespace {

double Uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

struct Points {
  const std::vector<float>& v;
  size_t rows, cols;
  double Distance(size_t r, const std::vector<double>& c) const {
    double d = 0;
    for (size_t j = 0; j < cols; ++j) d += (v[r * cols + j] - c[j]) * (v[r * cols + j] - c[j]);
    return d;
  }
  std::vector<double> Row(size_t r) const { return {&v[r * cols], &v[r * cols] + cols}; }
};

// The index drawn with probability weight[i] / sum (the last positive one on round-off).
size_t WeightedDraw(const std::vector<double>& weight, std::mt19937_64& rng) {
  double total = 0;
  for (double w : weight) total += w;
  double target = Uniform(rng) * total;
  size_t last = 0;
  for (size_t i = 0; i < weight.size(); ++i) {
    if (weight[i] <= 0) continue;
    last = i;
    if (target < weight[i]) return i;
    target -= weight[i];
  }
  return last;
}

std::vector<std::vector<double>> PlusPlusSeeds(const Points& p, size_t k, std::mt19937_64& rng) {
  std::vector<double> nearest(p.rows, 1.0);  // uniform for the first centre
  std::vector<std::vector<double>> centres;
  while (centres.size() < k) {
    centres.push_back(p.Row(WeightedDraw(nearest, rng)));
    for (size_t r = 0; r < p.rows; ++r) {
      double d = p.Distance(r, centres.back());
      nearest[r] = centres.size() == 1 ? d : std::min(nearest[r], d);
    }
  }
  return centres;
}

KMeansFit Lloyd(const Points& p, std::vector<std::vector<double>> centres, const KMeansOptions& o) {
  KMeansFit fit;
  fit.assignment.assign(p.rows, 0);
  std::vector<double> distance(p.rows);
  for (fit.iterations = 1;; ++fit.iterations) {
    for (size_t r = 0; r < p.rows; ++r) {
      double best = std::numeric_limits<double>::infinity();
      for (size_t c = 0; c < centres.size(); ++c) {
        double d = p.Distance(r, centres[c]);
        if (d < best) best = d, fit.assignment[r] = static_cast<int>(c);
      }
      distance[r] = best;
    }
    std::vector<std::vector<double>> sums(centres.size(), std::vector<double>(p.cols, 0));
    std::vector<size_t> counts(centres.size(), 0);
    for (size_t r = 0; r < p.rows; ++r) {
      counts[fit.assignment[r]]++;
      for (size_t j = 0; j < p.cols; ++j) sums[fit.assignment[r]][j] += p.v[r * p.cols + j];
    }
    double moved = 0;
    for (size_t c = 0; c < centres.size(); ++c) {
      std::vector<double> next = sums[c];
      if (counts[c] == 0) {
        // An empty cluster takes the point farthest from its centre.
        size_t far = 0;
        for (size_t r = 1; r < p.rows; ++r) far = distance[r] > distance[far] ? r : far;
        next = p.Row(far);
        distance[far] = 0;
      } else {
        for (double& s : next) s /= static_cast<double>(counts[c]);
      }
      double shift = 0;
      for (size_t j = 0; j < p.cols; ++j) shift += (next[j] - centres[c][j]) * (next[j] - centres[c][j]);
      moved = std::max(moved, std::sqrt(shift));
      centres[c] = std::move(next);
    }
    if (moved <= o.tolerance || fit.iterations >= o.max_iter) break;
  }
  fit.inertia = 0;
  for (size_t r = 0; r < p.rows; ++r) {
    double best = std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < centres.size(); ++c) {
      double d = p.Distance(r, centres[c]);
      if (d < best) best = d, fit.assignment[r] = static_cast<int>(c);
    }
    fit.inertia += best;
  }
  fit.model.centroids = std::move(centres);
  return fit;
}

}  // namespace

Result<KMeansFit> FitKMeans(const DenseMatrix& x, const std::vector<std::string>& features,
                            const KMeansOptions& options) {
  if (options.k < 1) return InvalidArgument("k: must be at least 1");
  if (x.rows < options.k) {
    return InvalidArgument("k: " + std::to_string(options.k) + " clusters need at least as many rows, got " +
                           std::to_string(x.rows));
  }
  for (size_t i = 0; i < x.values.size(); ++i) {
    if (std::isnan(x.values[i])) {
      return InvalidArgument("row " + std::to_string(i / x.cols + 1) + ": feature '" +
                             features[i % x.cols] + "' is missing (impute it first)");
    }
  }
  const Points points{x.values, x.rows, x.cols};
  std::mt19937_64 rng(options.seed);
  KMeansFit best;
  for (size_t run = 0; run < std::max<size_t>(1, options.n_init); ++run) {
    KMeansFit fit = Lloyd(points, PlusPlusSeeds(points, options.k, rng), options);
    if (run == 0 || fit.inertia < best.inertia) best = std::move(fit);
  }
  best.model.features = features;
  return best;
}

}  // namespace tandem::ml
