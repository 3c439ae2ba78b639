#pragma once
// Fitting linear models (linear_model.h) on a dense matrix: the closed-form ridge
// solution, and L2-regularised logistic regression by Newton's method (binary and
// multinomial) with a backtracking line search. The objectives are scikit-learn's, so
// results agree with Ridge / LinearRegression / LogisticRegression(penalty="l2", C):
//   ridge:    sum (y - b - w.x)^2 + alpha * |w|^2          (intercept not penalised)
//   logistic: C * sum log-loss + |w|^2 / 2                   (intercepts not penalised)
// Two classes use one score (sigmoid), more use one per class (softmax), as sklearn's
// default lbfgs solver does. Missing values are refused: impute first.
#include <cstddef>
#include <vector>

#include "core/status.h"
#include "ml/linear_model.h"

namespace tandem::ml {

// REQUIRES: y.size() == x.rows. kInvalidArgument for a missing value (naming the row and
// feature) and for collinear features with alpha 0 ("set alpha > 0").
Result<LinearModel> FitLinearRegression(const DenseMatrix& x, const std::vector<double>& y,
                                        const std::vector<std::string>& features, double alpha);

struct LogisticOptions {
  double c = 1.0;                // inverse regularisation strength, > 0
  int max_iter = 100;            // Newton steps
  double tolerance = 1e-8;       // stop when the largest gradient entry is below this
  bool standardize = true;       // fit on standardised features (coefficients come back raw)
};

struct LogisticFit {
  LinearModel model;
  int iterations = 0;
  bool converged = false;
};

// `classes` are class indices 0..num_classes-1. With standardize the penalty applies to
// the standardised coefficients (like sklearn on StandardScaler output); the saved model
// folds the scaling back in, so it takes raw features.
Result<LogisticFit> FitLogisticRegression(const DenseMatrix& x, const std::vector<int>& classes,
                                          size_t num_classes, const std::vector<std::string>& features,
                                          const LogisticOptions& options);

}  // namespace tandem::ml
