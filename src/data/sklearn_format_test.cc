#include "data/sklearn_format.h"

#include <gtest/gtest.h>

#include "data/csv.h"
#include "data/schema.h"

namespace tandem::data {
namespace {

const std::string kDir = "/usr/lib/python3/dist-packages/sklearn/datasets/data/";

TEST(SklearnFormatTest, BreastCancerIsDetectedAndDecoded) {
  auto t = ReadCsvFile(kDir + "breast_cancer.csv");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows, 569u);
  ASSERT_EQ(t->columns.size(), 31u);
  EXPECT_EQ(t->columns[0].name, "mean radius");
  EXPECT_EQ(t->columns[29].name, "worst fractal dimension");
  EXPECT_EQ(t->columns[30].name, "target");
  EXPECT_EQ(t->columns[30].strings[0], "malignant");
  EXPECT_EQ(t->declared_label, "target");
  EXPECT_EQ(t->declared_classes, (std::vector<std::string>{"malignant", "benign"}));
  auto schema = InferSchema(*t, t->declared_label, t->declared_classes);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ((*schema)["task"], "classification");
  EXPECT_EQ((*schema)["classes"], Json::array({"malignant", "benign"}));
  EXPECT_EQ((*schema)["rows"], 569);
}

TEST(SklearnFormatTest, IrisHasThreeClasses) {
  auto t = ReadCsvFile(kDir + "iris.csv");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows, 150u);
  EXPECT_EQ(t->columns[0].name, "sepal length (cm)");
  EXPECT_EQ(t->declared_classes.size(), 3u);
  auto schema = InferSchema(*t, "target", t->declared_classes);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ((*schema)["classes"], Json::array({"setosa", "versicolor", "virginica"}));
}

TEST(SklearnFormatTest, BostonHasAHeaderAndIsRegression) {
  auto t = ReadCsvFile(kDir + "boston_house_prices.csv");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows, 506u);
  ASSERT_EQ(t->columns.size(), 14u);
  EXPECT_EQ(t->columns[0].name, "CRIM");
  EXPECT_EQ(t->declared_label, "MEDV");
  EXPECT_TRUE(t->declared_classes.empty());
  auto schema = InferSchema(*t, t->declared_label);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ((*schema)["task"], "regression");
  EXPECT_EQ((*schema)["classes"], Json::array());
}

TEST(SklearnFormatTest, UnknownFeaturesGetPositionalNames) {
  auto t = ReadCsvText("2,2,no,yes\n1,2,0\n3,4,1\n");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->columns[0].name, "feature_0");
  EXPECT_EQ(t->columns[2].name, "target");
  EXPECT_EQ(t->columns[2].strings[1], "yes");
}

TEST(SklearnFormatTest, ErrorsNameTheLine) {
  auto count = ReadCsvText("3,2,a,b\n1,2,0\n3,4,1\n");
  ASSERT_FALSE(count.ok());
  EXPECT_EQ(count.status().message(), "line 1: declares 3 samples, found 2");
  auto width = ReadCsvText("2,2,a,b\n1,2,0\n3,1\n");
  ASSERT_FALSE(width.ok());
  EXPECT_EQ(width.status().message(), "line 3: expected 3 fields, got 2");
  auto index = ReadCsvText("2,2,a,b\n1,2,0\n3,4,2\n");
  ASSERT_FALSE(index.ok());
  EXPECT_NE(index.status().message().find("line 3: target 2"), std::string::npos);
}

TEST(SklearnFormatTest, ForcedCsvReadsTheFirstLineAsAHeader) {
  auto t = ReadCsvText("2,3,a\n1,2,0\n", {"csv"});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->columns[0].name, "2");
  auto forced = ReadCsvText("a,b\n1,2\n", {"sklearn"});
  EXPECT_FALSE(forced.ok());
}

TEST(SklearnFormatTest, PlainCsvIsNotMistakenForSklearn) {
  auto t = ReadCsvText("x,y\n1,2\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->columns[0].name, "x");
  EXPECT_TRUE(t->declared_label.empty());
}

// The header's feature count decides how many names are made: a claim of a trillion
// is refused before any is.
TEST(SklearnFormatTest, AFeatureCountOverTheColumnLimitIsRefusedBeforeNamesAreMade) {
  auto t = ReadCsvText("2,1000000000000,a,b\n1,0\n2,1\n", {"sklearn"});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "line 1: declares 1000000000000 features; more than 10000 columns (the limit per table)");
  auto named = ReadCsvText("1,1\nx" + std::string(1100, 'n') + ",target\n1,0\n", {"sklearn"});
  ASSERT_FALSE(named.ok());
  EXPECT_EQ(named.status().message(),
            "line 2, column 1: a column name of 1101 bytes (the limit is 1024)");
}

TEST(SklearnFormatTest, ANamesRowWithADuplicateIsRefusedAsInACsvHeader) {
  // fuzz/crashes/csv/sklearn_duplicate_names.csv: FormatCsv's output of such a table
  // did not read back.
  auto t = ReadCsvText("0,2\na,a,y\n", {"sklearn"});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "line 2: duplicate column name 'a'");
}

}  // namespace
}  // namespace tandem::data
