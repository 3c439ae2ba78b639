#include "cli/metrics_view.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tandem::cli {
namespace {

Json Evaluation() {
  Json curve = {{"fpr", Json::array()}, {"tpr", Json::array()}, {"thresholds", Json::array()}};
  for (int i = 0; i < 500; ++i) {
    curve["fpr"].push_back(i / 500.0);
    curve["tpr"].push_back(i / 500.0);
    curve["thresholds"].push_back(1 - i / 500.0);
  }
  return {{"accuracy", 0.95},
          {"roc_auc", 0.9876},
          {"n", 114},
          {"roc_curve", curve},
          {"confusion_matrix", {{"classes", {"malignant", "benign"}}, {"matrix", {{40, 3}, {2, 69}}}}},
          {"per_class",
           {{{"class", "malignant"}, {"precision", 0.9524}, {"recall", 0.9302}, {"support", 43}},
            {{"class", "benign"}, {"precision", 0.9583}, {"recall", 0.9718}, {"support", 71}}}}};
}

TEST(MetricsViewTest, ScalarsInATableCurvesSummarisedMatrixDrawn) {
  std::ostringstream out;
  PrintMetrics(out, Evaluation(), "  ");
  const std::string text = out.str();
  EXPECT_LT(text.size(), 1500u) << text;
  EXPECT_NE(text.find("  accuracy          0.9500\n"), std::string::npos) << text;
  EXPECT_NE(text.find("roc_curve         curve, 500 points, AUC 0.9876"), std::string::npos) << text;
  EXPECT_NE(text.find("confusion_matrix  2x2 matrix"), std::string::npos) << text;
  EXPECT_NE(text.find("    truth \\ predicted  malignant  benign\n"
                      "    malignant          40         3\n"
                      "    benign             2          69\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    CLASS      precision  recall  support\n"
                      "    malignant  0.9524     0.9302  43\n"),
            std::string::npos)
      << text;
}

TEST(MetricsViewTest, CellsOfNestedValues) {
  EXPECT_EQ(MetricCell(Json()), "-");
  EXPECT_EQ(MetricCell(3), "3");
  EXPECT_EQ(MetricCell(Json::array({1, 2})), "2 values");
  EXPECT_EQ(MetricCell(Json{{"a", 1}}), "{1 fields}");
  EXPECT_TRUE(IsScalarMetric("x"));
  EXPECT_FALSE(IsScalarMetric(Json::array()));
}

TEST(MetricsViewTest, SignatureNamesTheShapesAndTheFirstFeatures) {
  Json sig = {{"inputs", {{{"name", "input"}, {"datatype", "FP32"}, {"shape", {-1, 12}}}}},
              {"outputs", {{{"name", "probabilities"}, {"datatype", "FP32"}, {"shape", {-1, 2}}}}},
              {"features", {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"}},
              {"classes", {"no", "yes"}}};
  EXPECT_EQ(SignatureSummary(sig),
            "input FP32 [-1,12] -> probabilities FP32 [-1,2]; 12 features: a, b, c, d, e, f, g, h, i, j, "
            "... (+2); classes: no, yes");
}

}  // namespace
}  // namespace tandem::cli
