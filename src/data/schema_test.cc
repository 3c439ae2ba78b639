#include "data/schema.h"

#include <gtest/gtest.h>

#include "data/csv.h"

namespace tandem::data {
namespace {

Table Numbers(const std::vector<double>& label) {
  Table t;
  t.rows = label.size();
  std::vector<double> x(label.size(), 1.0);
  t.columns.push_back(Column::Numbers("x", x));
  t.columns.push_back(Column::Numbers("y", label));
  return t;
}

TEST(SchemaTest, DescribesColumnsAndMissingCounts) {
  auto t = ReadCsvText("a,b\n1,x\n,NA\n");
  ASSERT_TRUE(t.ok());
  auto s = InferSchema(*t, "");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, Json::parse(R"({"columns":[{"name":"a","type":"number","missing":1},
      {"name":"b","type":"string","missing":1}],"rows":2,"label":null,"task":null,"classes":[]})"));
}

TEST(SchemaTest, StringLabelIsClassificationWithSortedClasses) {
  auto t = ReadCsvText("x,y\n1,dog\n2,cat\n3,dog\n");
  auto s = InferSchema(*t, "y");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)["task"], "classification");
  EXPECT_EQ((*s)["classes"], Json::array({"cat", "dog"}));
}

TEST(SchemaTest, FewIntegersAreClassesSortedNumerically) {
  std::vector<double> y;
  for (int i = 0; i < 100; ++i) y.push_back(i % 3 == 0 ? 10 : (i % 3 == 1 ? 2 : 1));
  auto s = InferSchema(Numbers(y), "y");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)["task"], "classification");
  EXPECT_EQ((*s)["classes"], Json::array({"1", "2", "10"}));
}

TEST(SchemaTest, BinaryIntegersAreClassesEvenInTinyTables) {
  auto s = InferSchema(Numbers({0, 1, 1, 0}), "y");
  EXPECT_EQ((*s)["task"], "classification");
}

TEST(SchemaTest, FractionsManyValuesOrTooManyPerRowAreRegression) {
  EXPECT_EQ((*InferSchema(Numbers({0.5, 1, 2}), "y"))["task"], "regression");
  std::vector<double> many;
  for (int i = 0; i < 1000; ++i) many.push_back(i % 25);
  EXPECT_EQ((*InferSchema(Numbers(many), "y"))["task"], "regression");
  // 3 distinct values in 10 rows: more than 5% of rows.
  EXPECT_EQ((*InferSchema(Numbers({1, 2, 3, 1, 2, 3, 1, 2, 3, 1}), "y"))["task"], "regression");
}

TEST(SchemaTest, GivenClassesForceClassificationInTheirOrder) {
  auto s = InferSchema(Numbers({0.5, 1}), "y", {"b", "a"});
  EXPECT_EQ((*s)["task"], "classification");
  EXPECT_EQ((*s)["classes"], Json::array({"b", "a"}));
  EXPECT_EQ(SchemaClasses(*s), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(SchemaLabel(*s), "y");
}

TEST(SchemaTest, IsoDateColumnsAreTypedAsDates) {
  auto t = ReadCsvText("day,at,note,y\n2026-01-05,2026-01-05T10:00:00Z,2026-01-05,1\n"
                       "2026-02-01,2026-02-01 11:30,soon,2\n,,,3\n", {"csv"});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto s = InferSchema(*t, "");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)["columns"][0]["type"], "date");
  EXPECT_EQ((*s)["columns"][0]["missing"], 1);
  EXPECT_EQ((*s)["columns"][1]["type"], "datetime");
  EXPECT_EQ((*s)["columns"][2]["type"], "string");
  EXPECT_EQ((*s)["columns"][3]["type"], "number");
}

TEST(SchemaTest, AllMissingLabelIsRefused) {
  auto t = ReadCsvText("x,y\n1,\n2,NA\n", {"csv"});
  ASSERT_TRUE(t.ok());
  auto s = InferSchema(*t, "y");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "label: every value of column 'y' is missing (2 rows); nothing to learn from");
  EXPECT_TRUE(InferSchema(*t, "").ok());
}

TEST(SchemaTest, UnknownLabelIsAnErrorNamingIt) {
  auto s = InferSchema(Numbers({1}), "price");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "label: no column named 'price' (columns: x, y)");
}

}  // namespace
}  // namespace tandem::data
