#pragma once
// k-means clustering: k-means++ seeding from a seeded generator (std::mt19937_64, whose
// output the standard fixes, with our own uniform draw), then Lloyd's iterations. The
// best of `n_init` runs (lowest inertia) is kept; the same seed gives the same centroids.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"
#include "ml/linear_model.h"

namespace tandem::ml {

struct KMeansOptions {
  size_t k = 8;
  size_t max_iter = 300;
  size_t n_init = 3;
  double tolerance = 1e-4;   // stop when no centroid moves more than this (Euclidean)
  uint64_t seed = 0;
};

struct KMeansFit {
  KMeansModel model;
  std::vector<int> assignment;   // cluster of each row
  double inertia = 0;            // sum of squared distances to the nearest centroid
  size_t iterations = 0;         // of the kept run
};

// kInvalidArgument for a missing value (naming row and feature) or fewer rows than k.
Result<KMeansFit> FitKMeans(const DenseMatrix& x, const std::vector<std::string>& features,
                            const KMeansOptions& options);

}  // namespace tandem::ml
