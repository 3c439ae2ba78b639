#include "operators/builtin/feature_matrix.h"

#include <gtest/gtest.h>

#include <cmath>

#include "data/csv.h"

namespace tandem::operators::builtin {
namespace {

data::Table Read(const std::string& text) {
  auto t = data::ReadCsvText(text, {"csv"});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return *t;
}

TEST(FeatureMatrixTest, NumericColumnsExceptTheLabelInOrder) {
  data::Table t = Read("a,y,b\n1,cat,2\n,dog,4\n");
  auto f = FeatureColumns(t, "y");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(*f, (std::vector<std::string>{"a", "b"}));
  auto m = FeatureMatrix(t, *f);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->rows, 2u);
  EXPECT_EQ(m->cols, 2u);
  EXPECT_EQ(m->values[0], 1.0f);
  EXPECT_TRUE(std::isnan(m->values[2]));
  EXPECT_EQ(m->values[3], 4.0f);
}

TEST(FeatureMatrixTest, TextFeatureAndAbsentColumnAreNamed) {
  data::Table t = Read("a,s,y\n1,x,0\n");
  auto f = FeatureColumns(t, "y");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("column 's' is text"), std::string::npos);
  auto m = FeatureMatrix(t, {"a", "zz"});
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("'zz'"), std::string::npos);
}

TEST(FeatureMatrixTest, ClassLabelsByNameOrNumberText) {
  data::Table t = Read("x,y,n\n1,dog,1\n2,cat,0\n3,dog,1\n");
  auto y = ClassLabels(t, "y", {"cat", "dog"});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(*y, (std::vector<float>{1, 0, 1}));
  auto n = ClassLabels(t, "n", {"0", "1"});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, (std::vector<float>{1, 0, 1}));
  auto bad = ClassLabels(t, "y", {"dog", "bird"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "row 2: label 'y' value 'cat' is not one of the 2 classes");
}

TEST(FeatureMatrixTest, ValueLabelsRejectMissingAndText) {
  data::Table t = Read("x,y,s\n1,2.5,a\n2,,b\n");
  auto y = ValueLabels(t, "y");
  ASSERT_FALSE(y.ok());
  EXPECT_EQ(y.status().message(), "row 2: label 'y' is missing");
  EXPECT_FALSE(ValueLabels(t, "s").ok());
}

}  // namespace
}  // namespace tandem::operators::builtin
