#include "operators/builtin/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tandem::operators::builtin {
namespace {

TEST(RocAucTest, CountsPairsAndHalvesTies) {
  EXPECT_DOUBLE_EQ(RocAuc({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 0.75);
  // Pairs (pos, neg): 0.5~0.5 tie (1/2), 0.5>0.2, 0.9>0.5, 0.9>0.2 -> 3.5 / 4.
  EXPECT_DOUBLE_EQ(RocAuc({0, 1, 0, 1}, {0.5, 0.5, 0.2, 0.9}), 0.875);
  EXPECT_DOUBLE_EQ(RocAuc({1, 1, 0, 0}, {0.3, 0.3, 0.3, 0.3}), 0.5);
  EXPECT_TRUE(std::isnan(RocAuc({1, 1}, {0.2, 0.4})));
}

TEST(ClassificationMetricsTest, BinaryByHand) {
  // p(class 1) = 0.2 0.7 0.4 0.6 0.9 -> predicted 0 1 0 1 1 against truth 0 1 1 0 1.
  std::vector<double> p1 = {0.2, 0.7, 0.4, 0.6, 0.9};
  std::vector<double> probs;
  for (double p : p1) {
    probs.push_back(1 - p);
    probs.push_back(p);
  }
  auto m = ClassificationMetrics({0, 1, 1, 0, 1}, probs, {"no", "yes"});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_DOUBLE_EQ((*m)["accuracy"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ((*m)["precision"].get<double>(), 2.0 / 3);  // TP 2, FP 1
  EXPECT_DOUBLE_EQ((*m)["recall"].get<double>(), 2.0 / 3);     // FN 1
  EXPECT_DOUBLE_EQ((*m)["f1"].get<double>(), 2.0 / 3);
  EXPECT_DOUBLE_EQ((*m)["roc_auc"].get<double>(), 5.0 / 6);
  double ll = -(std::log(0.8) + std::log(0.7) + std::log(0.4) + std::log(0.4) + std::log(0.9)) / 5;
  EXPECT_NEAR((*m)["log_loss"].get<double>(), ll, 1e-12);
  EXPECT_EQ((*m)["confusion_matrix"]["matrix"], Json::parse("[[1,1],[1,2]]"));
  EXPECT_EQ((*m)["confusion_matrix"]["classes"], Json::parse(R"(["no","yes"])"));
  EXPECT_EQ((*m)["n"], 5);
}

TEST(ClassificationMetricsTest, PerClassFiguresAndTheRocCurve) {
  std::vector<double> p1 = {0.2, 0.7, 0.4, 0.6, 0.9};
  std::vector<double> probs;
  for (double p : p1) {
    probs.push_back(1 - p);
    probs.push_back(p);
  }
  auto m = ClassificationMetrics({0, 1, 1, 0, 1}, probs, {"no", "yes"});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const Json& no = (*m)["per_class"][0];
  EXPECT_EQ(no["class"], "no");
  EXPECT_EQ(no["precision"], 0.5);
  EXPECT_EQ(no["recall"], 0.5);
  EXPECT_EQ(no["support"], 2);
  EXPECT_DOUBLE_EQ((*m)["per_class"][1]["f1"].get<double>(), 2.0 / 3);
  EXPECT_EQ((*m)["per_class"][1]["support"], 3);
  // sklearn.metrics.roc_curve([0,1,1,0,1], [.2,.7,.4,.6,.9]): every point is a corner.
  const Json& roc = (*m)["roc_curve"];
  EXPECT_EQ(roc["fpr"], Json::parse("[0,0,0,0.5,0.5,1]"));
  EXPECT_EQ(roc["tpr"].size(), 6u);
  EXPECT_DOUBLE_EQ(roc["tpr"][2].get<double>(), 2.0 / 3);
  EXPECT_EQ(roc["tpr"][4], 1.0);
  EXPECT_EQ(roc["thresholds"], Json::parse("[1.9,0.9,0.7,0.6,0.4,0.2]"));
}

TEST(RocCurveTest, DropsPointsOnStraightSegmentsAsSklearn) {
  // roc_curve([1,1,1,0,0], [.9,.8,.7,.6,.5]) -> fpr [0,0,1,1], tpr [0,1,1,1]... after
  // dropping: thresholds 1.9, .7 (tpr 1), .5 (fpr 1).
  Json roc = RocCurve({1, 1, 1, 0, 0}, {0.9, 0.8, 0.7, 0.6, 0.5});
  EXPECT_EQ(roc["fpr"], Json::parse("[0,0,0,1]"));
  EXPECT_EQ(roc["tpr"], Json::parse("[0,0.3333333333333333,1,1]"));
  EXPECT_EQ(roc["thresholds"], Json::parse("[1.9,0.9,0.7,0.5]"));
}

TEST(ClassificationMetricsTest, MulticlassMacroByHand) {
  std::vector<double> probs = {0.7, 0.2, 0.1,   // true 0, predicted 0
                               0.3, 0.4, 0.3,   // true 1, predicted 1
                               0.1, 0.5, 0.4,   // true 2, predicted 1
                               0.2, 0.2, 0.6};  // true 2, predicted 2
  auto m = ClassificationMetrics({0, 1, 2, 2}, probs, {"a", "b", "c"});
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ((*m)["accuracy"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ((*m)["precision"].get<double>(), (1 + 0.5 + 1) / 3);
  EXPECT_DOUBLE_EQ((*m)["recall"].get<double>(), (1 + 1 + 0.5) / 3);
  EXPECT_DOUBLE_EQ((*m)["f1"].get<double>(), (1 + 2.0 / 3 + 2.0 / 3) / 3);
  // One-vs-rest: a 1, b 2/3 (0.4 beats 0.2 twice, loses to 0.5), c 1.
  EXPECT_DOUBLE_EQ((*m)["roc_auc"].get<double>(), (1 + 2.0 / 3 + 1) / 3);
  EXPECT_EQ((*m)["confusion_matrix"]["matrix"], Json::parse("[[1,0,0],[0,1,0],[0,1,1]]"));
}

TEST(ClassificationMetricsTest, AClassNeitherTrueNorPredictedIsLeftOutOfTheMacroAverage) {
  // "typo" has a column (the training set had it) but no row here and no prediction:
  // averaged in, it would pull every macro figure down by a third.
  std::vector<double> probs = {0.7, 0.2, 0.1,   // true a, predicted a
                               0.3, 0.6, 0.1,   // true b, predicted b
                               0.6, 0.3, 0.1};  // true b, predicted a
  auto m = ClassificationMetrics({0, 1, 1}, probs, {"a", "b", "typo"});
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ((*m)["precision"].get<double>(), (0.5 + 1) / 2);
  EXPECT_DOUBLE_EQ((*m)["recall"].get<double>(), (1 + 0.5) / 2);
  EXPECT_DOUBLE_EQ((*m)["f1"].get<double>(), (2.0 / 3 + 2.0 / 3) / 2);
  EXPECT_EQ((*m)["per_class"].size(), 3u);  // still listed, with support 0
}

TEST(ClassificationMetricsTest, ClipsLogLossAndNullsUndefinedAuc) {
  auto m = ClassificationMetrics({1, 1}, {1, 0, 1, 0}, {"a", "b"});
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE((*m)["roc_auc"].is_null());
  EXPECT_NEAR((*m)["log_loss"].get<double>(), -std::log(1e-15), 1e-6);
  EXPECT_DOUBLE_EQ((*m)["precision"].get<double>(), 0);  // never predicted
}

TEST(ClassificationMetricsTest, BadShapesAreErrors) {
  EXPECT_FALSE(ClassificationMetrics({0}, {0.5, 0.5}, {"a"}).ok());
  EXPECT_FALSE(ClassificationMetrics({0, 1}, {0.5, 0.5}, {"a", "b"}).ok());
  EXPECT_FALSE(ClassificationMetrics({2}, {0.5, 0.5}, {"a", "b"}).ok());
}

TEST(RegressionMetricsTest, ByHand) {
  auto m = RegressionMetrics({3, -0.5, 2, 7}, {2.5, 0, 2, 8});
  ASSERT_TRUE(m.ok());
  EXPECT_DOUBLE_EQ((*m)["rmse"].get<double>(), std::sqrt(0.375));
  EXPECT_DOUBLE_EQ((*m)["mae"].get<double>(), 0.5);
  EXPECT_NEAR((*m)["r2"].get<double>(), 0.9486081370449679, 1e-12);
  EXPECT_EQ((*m)["n"], 4);
  EXPECT_TRUE((*RegressionMetrics({1, 1}, {1, 2}))["r2"].is_null());
  EXPECT_FALSE(RegressionMetrics({1}, {}).ok());
}

}  // namespace
}  // namespace tandem::operators::builtin
