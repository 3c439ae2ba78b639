#include "data/split.h"

#include <gtest/gtest.h>

#include <map>

#include "data/csv.h"

namespace tandem::data {
namespace {

const std::string kDir = "/usr/lib/python3/dist-packages/sklearn/datasets/data/";

std::map<std::string, size_t> CountClasses(const Table& t) {
  std::map<std::string, size_t> n;
  const Column* c = t.Find("target");
  for (size_t r = 0; r < t.rows; ++r) ++n[c->Text(r)];
  return n;
}

Table Iota(size_t n) {
  Table t;
  t.rows = n;
  std::vector<double> v;
  for (size_t i = 0; i < n; ++i) v.push_back(static_cast<double>(i));
  t.columns.push_back(Column::Numbers("id", v));
  return t;
}

TEST(SplitTest, SizesAndOrder) {
  auto s = SplitTable(Iota(10), 0.25, 1);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->test.rows, 3u);  // round(2.5) = 3
  EXPECT_EQ(s->train.rows, 7u);
  const auto& ids = s->train.columns[0].numbers;
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
}

TEST(SplitTest, SameSeedSameSplitOtherSeedOther) {
  Table t = Iota(100);
  auto a = SplitTable(t, 0.3, 42);
  auto b = SplitTable(t, 0.3, 42);
  auto c = SplitTable(t, 0.3, 43);
  EXPECT_EQ(a->test.columns[0].numbers, b->test.columns[0].numbers);
  EXPECT_NE(a->test.columns[0].numbers, c->test.columns[0].numbers);
}

TEST(SplitTest, FixedSeedGivesAPinnedSplit) {
  // Pins the algorithm: a change here changes every cached split.
  auto s = SplitTable(Iota(10), 0.3, 7);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->test.columns[0].numbers, (std::vector<double>{0, 4, 7}));
}

TEST(SplitTest, StratifiedKeepsProportions) {
  auto t = ReadCsvFile(kDir + "breast_cancer.csv");
  ASSERT_TRUE(t.ok());
  auto s = SplitTable(*t, 0.25, 7, "target");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto test = CountClasses(s->test);
  auto train = CountClasses(s->train);
  // 212 malignant, 357 benign: round(53) and round(89.25).
  EXPECT_EQ(test["malignant"], 53u);
  EXPECT_EQ(test["benign"], 89u);
  EXPECT_EQ(train["malignant"], 159u);
  EXPECT_EQ(train["benign"], 268u);
  EXPECT_EQ(s->test.declared_classes, t->declared_classes);
}

TEST(SplitTest, BadArgumentsAreErrors) {
  auto a = SplitTable(Iota(10), 1.5, 0);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("test_fraction"), std::string::npos);
  EXPECT_FALSE(SplitTable(Iota(10), 0, 0).ok());
  auto b = SplitTable(Iota(10), 0.5, 0, "nope");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("'nope'"), std::string::npos);
  auto c = SplitTable(Iota(2), 0.1, 0);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("empty"), std::string::npos);
}

}  // namespace
}  // namespace tandem::data
