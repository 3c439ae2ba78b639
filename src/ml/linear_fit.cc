#include "ml/linear_fit.h"

#include <algorithm>
#include <cmath>

namespace tandem::ml {
namespace {

// The x matrix in double, refusing missing values.
Result<std::vector<double>> Features(const DenseMatrix& x, const std::vector<std::string>& names) {
  std::vector<double> out(x.values.begin(), x.values.end());
  for (size_t i = 0; i < out.size(); ++i) {
    if (std::isnan(out[i])) {
      return InvalidArgument("row " + std::to_string(i / x.cols + 1) + ": feature '" +
                             names[i % x.cols] + "' is missing (impute it first)");
    }
  }
  return out;
}

// Solves a x = b in place for symmetric positive definite `a` (n x n, row-major) by
// Cholesky. false when a is not positive definite (numerically).
bool CholeskySolve(std::vector<double> a, size_t n, std::vector<double>& b) {
  for (size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 1e-12 * std::max(1.0, std::fabs(a[j * n + j])))) return false;
    const double l = std::sqrt(d);
    a[j * n + j] = l;
    for (size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  for (size_t i = 0; i < n; ++i) {  // L y = b
    for (size_t k = 0; k < i; ++k) b[i] -= a[i * n + k] * b[k];
    b[i] /= a[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {  // L^T x = y
    for (size_t k = i + 1; k < n; ++k) b[i] -= a[k * n + i] * b[k];
    b[i] /= a[i * n + i];
  }
  return true;
}

struct Scaling {
  std::vector<double> mean, scale;  // per feature; scale 1 for a constant one
};

Scaling Standardize(std::vector<double>& v, size_t rows, size_t cols, bool enabled) {
  Scaling s{std::vector<double>(cols, 0), std::vector<double>(cols, 1)};
  if (!enabled) return s;
  for (size_t j = 0; j < cols; ++j) {
    double sum = 0, squares = 0;
    for (size_t r = 0; r < rows; ++r) sum += v[r * cols + j];
    s.mean[j] = sum / rows;
    for (size_t r = 0; r < rows; ++r) squares += (v[r * cols + j] - s.mean[j]) * (v[r * cols + j] - s.mean[j]);
    const double std = std::sqrt(squares / rows);
    s.scale[j] = std > 0 ? std : 1;
    for (size_t r = 0; r < rows; ++r) v[r * cols + j] = (v[r * cols + j] - s.mean[j]) / s.scale[j];
  }
  return s;
}

// The logistic objective over parameters theta (outputs x (features + 1), intercept
// last in each row) and, when wanted, its gradient and Hessian.
struct Logistic {
  const std::vector<double>& x;
  const std::vector<int>& y;
  size_t rows, cols, outputs;  // outputs = 1 (sigmoid) or K (softmax)
  double c;

  size_t Width() const { return cols + 1; }

  // Class probabilities of the modelled outputs for one row.
  void Probabilities(const std::vector<double>& theta, size_t r, std::vector<double>& p) const {
    const double* row = &x[r * cols];
    for (size_t k = 0; k < outputs; ++k) {
      const double* w = &theta[k * Width()];
      double s = w[cols];
      for (size_t j = 0; j < cols; ++j) s += w[j] * row[j];
      p[k] = s;
    }
    if (outputs == 1) {
      p[0] = 1 / (1 + std::exp(-p[0]));
      return;
    }
    const double top = *std::max_element(p.begin(), p.end());
    double sum = 0;
    for (double& s : p) sum += (s = std::exp(s - top));
    for (double& s : p) s /= sum;
  }

  double Objective(const std::vector<double>& theta) const {
    std::vector<double> p(outputs);
    double loss = 0;
    for (size_t r = 0; r < rows; ++r) {
      Probabilities(theta, r, p);
      double truth = outputs == 1 ? (y[r] == 1 ? p[0] : 1 - p[0]) : p[y[r]];
      loss -= std::log(std::max(truth, 1e-300));
    }
    double penalty = 0;
    for (size_t k = 0; k < outputs; ++k) {
      for (size_t j = 0; j < cols; ++j) penalty += theta[k * Width() + j] * theta[k * Width() + j];
    }
    return c * loss + penalty / 2;
  }

  void GradientAndHessian(const std::vector<double>& theta, std::vector<double>& g,
                          std::vector<double>& h) const {
    const size_t n = outputs * Width();
    g.assign(n, 0);
    h.assign(n * n, 0);
    std::vector<double> p(outputs), xr(Width(), 1.0);
    for (size_t r = 0; r < rows; ++r) {
      Probabilities(theta, r, p);
      std::copy(&x[r * cols], &x[r * cols] + cols, xr.begin());
      for (size_t k = 0; k < outputs; ++k) {
        const double target = outputs == 1 ? (y[r] == 1) : (static_cast<size_t>(y[r]) == k);
        const double residual = c * (p[k] - target);
        for (size_t j = 0; j < Width(); ++j) g[k * Width() + j] += residual * xr[j];
        for (size_t l = 0; l < outputs; ++l) {
          const double weight = c * (outputs == 1 ? p[0] * (1 - p[0]) : p[k] * ((k == l) - p[l]));
          for (size_t i = 0; i < Width(); ++i) {
            double* hrow = &h[(k * Width() + i) * n + l * Width()];
            const double wi = weight * xr[i];
            for (size_t j = 0; j < Width(); ++j) hrow[j] += wi * xr[j];
          }
        }
      }
    }
    for (size_t k = 0; k < outputs; ++k) {
      for (size_t j = 0; j < Width(); ++j) {
        const size_t i = k * Width() + j;
        // The penalty on weights; intercepts get a whisker so softmax's shift-invariant
        // intercepts still give a positive definite Hessian.
        if (j < cols) g[i] += theta[i], h[i * n + i] += 1.0;
        else h[i * n + i] += 1e-10;
      }
    }
  }
};

}  // namespace

Result<LinearModel> FitLinearRegression(const DenseMatrix& x, const std::vector<double>& y,
                                        const std::vector<std::string>& features, double alpha) {
  if (x.rows == 0) return InvalidArgument("no rows to fit");
  ASSIGN_OR_RETURN(std::vector<double> v, Features(x, features));
  const size_t n = x.rows, d = x.cols;
  // Centre: the intercept is then ybar - w.xbar and is not penalised.
  std::vector<double> mean(d, 0);
  for (size_t r = 0; r < n; ++r) {
    for (size_t j = 0; j < d; ++j) mean[j] += v[r * d + j] / n;
  }
  double ymean = 0;
  for (double t : y) ymean += t / n;
  std::vector<double> gram(d * d, 0), rhs(d, 0);
  for (size_t r = 0; r < n; ++r) {
    for (size_t i = 0; i < d; ++i) {
      const double xi = v[r * d + i] - mean[i];
      rhs[i] += xi * (y[r] - ymean);
      for (size_t j = 0; j < d; ++j) gram[i * d + j] += xi * (v[r * d + j] - mean[j]);
    }
  }
  for (size_t i = 0; i < d; ++i) gram[i * d + i] += alpha;
  if (!CholeskySolve(gram, d, rhs)) {
    return InvalidArgument("the features are collinear (or constant); set alpha > 0");
  }
  double intercept = ymean;
  for (size_t j = 0; j < d; ++j) intercept -= rhs[j] * mean[j];
  return LinearModel{"identity", features, {intercept}, {rhs}};
}

Result<LogisticFit> FitLogisticRegression(const DenseMatrix& x, const std::vector<int>& classes,
                                          size_t num_classes, const std::vector<std::string>& features,
                                          const LogisticOptions& options) {
  if (num_classes < 2) return InvalidArgument("need at least 2 classes");
  if (x.rows == 0) return InvalidArgument("no rows to fit");
  ASSIGN_OR_RETURN(std::vector<double> v, Features(x, features));
  const Scaling scaling = Standardize(v, x.rows, x.cols, options.standardize);
  Logistic f{v, classes, x.rows, x.cols, num_classes == 2 ? 1 : num_classes, options.c};
  const size_t n = f.outputs * f.Width();
  std::vector<double> theta(n, 0), g, h;
  LogisticFit fit;
  double objective = f.Objective(theta);
  for (; fit.iterations < options.max_iter; ++fit.iterations) {
    f.GradientAndHessian(theta, g, h);
    double largest = 0;
    for (double gi : g) largest = std::max(largest, std::fabs(gi));
    if (largest < options.tolerance) {
      fit.converged = true;
      break;
    }
    std::vector<double> step = g;
    if (!CholeskySolve(h, n, step)) return Internal("logistic regression: the Hessian is singular");
    // Backtracking: Newton's full step can overshoot far from the optimum.
    double t = 1;
    std::vector<double> next(n);
    double next_objective = objective;
    for (int tries = 0; tries < 50; ++tries, t /= 2) {
      for (size_t i = 0; i < n; ++i) next[i] = theta[i] - t * step[i];
      next_objective = f.Objective(next);
      if (next_objective <= objective) break;
    }
    if (!(next_objective <= objective)) {  // no descent left: at the optimum numerically
      fit.converged = true;
      break;
    }
    theta.swap(next);
    const double gain = objective - next_objective;
    objective = next_objective;
    if (gain <= 1e-15 * std::max(1.0, std::fabs(objective))) {
      fit.converged = true;
      ++fit.iterations;
      break;
    }
  }
  // Fold the standardisation into raw-feature coefficients.
  LinearModel& m = fit.model;
  m.link = f.outputs == 1 ? "logistic" : "softmax";
  m.features = features;
  for (size_t k = 0; k < f.outputs; ++k) {
    const double* w = &theta[k * f.Width()];
    std::vector<double> raw(x.cols);
    double intercept = w[x.cols];
    for (size_t j = 0; j < x.cols; ++j) {
      raw[j] = w[j] / scaling.scale[j];
      intercept -= raw[j] * scaling.mean[j];
    }
    m.coefficients.push_back(std::move(raw));
    m.intercepts.push_back(intercept);
  }
  return fit;
}

}  // namespace tandem::ml
