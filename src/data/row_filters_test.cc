#include "data/row_filters.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tandem::data {
namespace {

Table OneColumn(std::vector<double> x) {
  Table t;
  t.rows = x.size();
  t.columns = {Column::Numbers("x", std::move(x))};
  return t;
}

TEST(OutlierRowsTest, IqrDropsBeyondKInterquartileRanges) {
  // q1 = 2, q3 = 4 (numpy), so k = 1.5 keeps [-1, 7].
  auto f = OutlierRows(OneColumn({1, 2, 3, 4, 100, NAN}), {"x"}, "iqr", 1.5);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->kept, (std::vector<size_t>{0, 1, 2, 3, 5}));  // a missing value stays
  EXPECT_EQ(f->by_column["x"]["low"], -1);
  EXPECT_EQ(f->by_column["x"]["high"], 7);
  EXPECT_EQ(f->by_column["x"]["dropped"], 1);
}

TEST(OutlierRowsTest, ZscoreUsesPopulationStd) {
  // mean 22, std sqrt(1522) = 39.01: 100 has z = 2.0.
  auto strict = OutlierRows(OneColumn({1, 2, 3, 4, 100}), {"x"}, "zscore", 1.5);
  ASSERT_TRUE(strict.ok());
  EXPECT_EQ(strict->kept, (std::vector<size_t>{0, 1, 2, 3}));
  auto loose = OutlierRows(OneColumn({1, 2, 3, 4, 100}), {"x"}, "zscore", 2.5);
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose->kept.size(), 5u);
}

TEST(OutlierRowsTest, ARowOutInAnyColumnIsDroppedOnce) {
  Table t;
  t.rows = 5;
  t.columns = {Column::Numbers("a", {1, 2, 3, 4, 100}), Column::Numbers("b", {100, 2, 3, 4, 1})};
  auto f = OutlierRows(t, {"a", "b"}, "iqr", 1.5);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->kept, (std::vector<size_t>{1, 2, 3}));
}

TEST(OutlierRowsTest, ErrorsNameTheColumnOrMethod) {
  Table t = OneColumn({1, 2});
  t.columns.push_back(Column::Strings("c", {"a", "b"}));
  EXPECT_EQ(OutlierRows(t, {"c"}, "iqr", 1.5).status().message(),
            "column 'c' is text; outliers need numbers");
  EXPECT_EQ(OutlierRows(t, {"nope"}, "iqr", 1.5).status().message(),
            "columns: no column named 'nope' (columns: x, c)");
  EXPECT_EQ(OutlierRows(t, {"x"}, "mad", 1).status().message(),
            "method: expected iqr or zscore, got 'mad'");
}

TEST(RowsWithoutMissingTest, ChecksNamedColumnsOrAll) {
  Table t;
  t.rows = 3;
  t.columns = {Column::Numbers("a", {1, NAN, 3}), Column::Strings("b", {"x", "y", ""}, {0, 0, 1})};
  EXPECT_EQ(*RowsWithoutMissing(t, {}), (std::vector<size_t>{0}));
  EXPECT_EQ(*RowsWithoutMissing(t, {"a"}), (std::vector<size_t>{0, 2}));
  EXPECT_EQ(*RowsWithoutMissing(t, {"b"}), (std::vector<size_t>{0, 1}));
}

}  // namespace
}  // namespace tandem::data
