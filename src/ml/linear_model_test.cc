#include "ml/linear_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ml/kmeans.h"
#include "ml/linear_fit.h"

namespace tandem::ml {
namespace {

DenseMatrix Matrix(size_t cols, std::vector<float> values) {
  return DenseMatrix{values, values.size() / cols, cols};
}

TEST(LinearFitTest, OrdinaryLeastSquaresRecoversAnExactPlane) {
  // y = 1 + 2 a - 3 b
  DenseMatrix x = Matrix(2, {0, 0, 1, 0, 0, 1, 2, 1, 1, 3, 4, 2});
  std::vector<double> y;
  for (size_t r = 0; r < x.rows; ++r) y.push_back(1 + 2 * x.values[2 * r] - 3 * x.values[2 * r + 1]);
  auto m = FitLinearRegression(x, y, {"a", "b"}, 0);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_NEAR(m->intercepts[0], 1, 1e-9);
  EXPECT_NEAR(m->coefficients[0][0], 2, 1e-9);
  EXPECT_NEAR(m->coefficients[0][1], -3, 1e-9);
  auto p = m->Predict(Matrix(2, {10, 1}));
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->values[0], 18, 1e-4);
}

TEST(LinearFitTest, RidgeShrinksAndCollinearNeedsAlpha) {
  // One feature, x = 0,1,2,3 and y = 2x: ridge slope = sxy / (sxx + alpha) = 10 / (5 + 5).
  DenseMatrix x = Matrix(1, {0, 1, 2, 3});
  auto m = FitLinearRegression(x, {0, 2, 4, 6}, {"x"}, 5);
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ(m->coefficients[0][0], 1.0);
  EXPECT_DOUBLE_EQ(m->intercepts[0], 3 - 1.5);
  DenseMatrix twins = Matrix(2, {0, 0, 1, 1, 2, 2});
  EXPECT_EQ(FitLinearRegression(twins, {0, 1, 2}, {"a", "b"}, 0).status().message(),
            "the features are collinear (or constant); set alpha > 0");
  EXPECT_EQ(FitLinearRegression(Matrix(1, {0, NAN}), {0, 1}, {"a"}, 0).status().message(),
            "row 2: feature 'a' is missing (impute it first)");
}

TEST(LogisticFitTest, BinaryMatchesTheStationaryCondition) {
  // Overlapping classes: the optimum is finite; its gradient C * X^T (p - y) + w is zero.
  DenseMatrix x = Matrix(1, {0, 1, 2, 3, 4, 5, 6, 7});
  std::vector<int> y = {0, 0, 1, 0, 1, 0, 1, 1};
  LogisticOptions o;
  o.standardize = false;
  auto fit = FitLogisticRegression(x, y, 2, {"x"}, o);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_TRUE(fit->converged);
  EXPECT_EQ(fit->model.link, "logistic");
  auto p = fit->model.Predict(x);
  ASSERT_TRUE(p.ok());
  double g_w = fit->model.coefficients[0][0], g_b = 0;
  for (size_t r = 0; r < 8; ++r) {
    const double residual = p->values[2 * r + 1] - y[r];
    g_w += residual * x.values[r];
    g_b += residual;
  }
  EXPECT_NEAR(g_w, 0, 1e-5);
  EXPECT_NEAR(g_b, 0, 1e-5);
  EXPECT_GT(fit->model.coefficients[0][0], 0);
}

TEST(LogisticFitTest, MultinomialSeparatesThreeGroups) {
  DenseMatrix x = Matrix(2, {0, 0, 0.2f, 0.1f, 5, 5, 5.1f, 4.9f, 0, 5, 0.1f, 5.2f});
  std::vector<int> y = {0, 0, 1, 1, 2, 2};
  auto fit = FitLogisticRegression(x, y, 3, {"a", "b"}, {});
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_EQ(fit->model.link, "softmax");
  auto p = fit->model.Predict(x);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->width, 3u);
  for (size_t r = 0; r < 6; ++r) {
    float sum = p->values[3 * r] + p->values[3 * r + 1] + p->values[3 * r + 2];
    EXPECT_NEAR(sum, 1, 1e-6);
    EXPECT_GT(p->values[3 * r + y[r]], 0.5) << r;
  }
}

TEST(LinearModelTest, JsonRoundTripAndErrors) {
  LinearModel m{"softmax", {"a"}, {0.5, -0.5}, {{1}, {2}}};
  auto back = LinearModel::FromJson(Json::parse(m.ToJson().dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->coefficients, m.coefficients);
  Json bad = m.ToJson();
  bad["coefficients"][1] = {1, 2};
  EXPECT_EQ(LinearModel::FromJson(bad).status().message(), "model.coefficients[1]: expected 1 numbers");
  bad = m.ToJson();
  bad["link"] = "probit";
  EXPECT_EQ(LinearModel::FromJson(bad).status().message(),
            "model.link: expected identity, logistic or softmax, got 'probit'");
  EXPECT_EQ(m.Predict(Matrix(2, {1, 2})).status().message(), "the model takes 1 features, got 2");
}

TEST(KMeansTest, FindsTwoBlobsTheSameWayForASeed) {
  DenseMatrix x = Matrix(2, {0, 0, 0, 1, 1, 0, 10, 10, 10, 11, 11, 10});
  KMeansOptions o;
  o.k = 2;
  o.seed = 3;
  auto fit = FitKMeans(x, {"a", "b"}, o);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_EQ(fit->assignment[0], fit->assignment[2]);
  EXPECT_NE(fit->assignment[0], fit->assignment[3]);
  EXPECT_NEAR(fit->inertia, 2 * (2.0 + 5 + 5) / 9, 1e-9);
  auto again = FitKMeans(x, {"a", "b"}, o);
  EXPECT_EQ(again->model.centroids, fit->model.centroids);
  auto back = KMeansModel::FromJson(fit->model.ToJson());
  ASSERT_TRUE(back.ok());
  auto p = back->Predict(Matrix(2, {9, 9}));
  EXPECT_EQ(p->values[0], static_cast<float>(fit->assignment[3]));
  o.k = 7;
  EXPECT_EQ(FitKMeans(x, {"a", "b"}, o).status().message(),
            "k: 7 clusters need at least as many rows, got 6");
}

}  // namespace
}  // namespace tandem::ml
