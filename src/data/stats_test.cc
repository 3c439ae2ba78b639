#include "data/stats.h"

#include <gtest/gtest.h>

#include <cmath>

#include "data/profile.h"

namespace tandem::data {
namespace {

TEST(StatsTest, QuantilesInterpolateLinearlyAsNumpy) {
  const std::vector<double> v = {1, 2, 3, 4};
  EXPECT_EQ(Quantile(v, 0), 1);
  EXPECT_EQ(Quantile(v, 0.25), 1.75);
  EXPECT_EQ(Quantile(v, 0.5), 2.5);
  EXPECT_EQ(Quantile(v, 0.75), 3.25);
  EXPECT_EQ(Quantile(v, 1), 4);
  EXPECT_TRUE(std::isnan(Quantile({}, 0.5)));
}

TEST(StatsTest, MeanAndStdWithDdof) {
  const std::vector<double> v = {2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_EQ(Mean(v), 5);
  EXPECT_EQ(StdDev(v, 0), 2);
  EXPECT_DOUBLE_EQ(StdDev(v, 1), std::sqrt(32.0 / 7));
  EXPECT_TRUE(std::isnan(StdDev({3}, 1)));
}

TEST(StatsTest, MostFrequentBreaksTiesBySmallestValue) {
  Mode n = MostFrequent(Column::Numbers("x", {3, 1, 3, 1, 2, NAN, NAN, NAN}));
  EXPECT_EQ(n.text, "1");
  EXPECT_EQ(n.count, 2u);
  Mode s = MostFrequent(Column::Strings("c", {"b", "a", "b", ""}, {0, 0, 0, 1}));
  EXPECT_EQ(s.text, "b");
  EXPECT_EQ(s.count, 2u);
  EXPECT_EQ(MostFrequent(Column::Numbers("x", {NAN})).count, 0u);
}

TEST(StatsTest, HistogramCountsMaxInTheLastBin) {
  Histogram h = EqualWidthHistogram({0, 1, 2, 3, 4}, 2);
  EXPECT_EQ(h.edges, (std::vector<double>{0, 2, 4}));
  EXPECT_EQ(h.counts, (std::vector<size_t>{2, 3}));  // numpy.histogram([0..4], 2)
  Histogram constant = EqualWidthHistogram({7, 7}, 10);
  EXPECT_EQ(constant.counts, (std::vector<size_t>{2}));
}

TEST(StatsTest, PearsonOverPairwisePresentRows) {
  Column a = Column::Numbers("a", {1, 2, 3, NAN});
  Column b = Column::Numbers("b", {2, 4, 6, 1});
  Column c = Column::Numbers("c", {-1, -2, -3, 0});
  EXPECT_DOUBLE_EQ(PearsonCorrelation(a, b), 1.0);
  EXPECT_DOUBLE_EQ(PearsonCorrelation(a, c), -1.0);
  EXPECT_TRUE(std::isnan(PearsonCorrelation(a, Column::Numbers("k", {5, 5, 5, 5}))));
}

TEST(ProfileTest, ReportsEveryColumnAndCorrelations) {
  Table t;
  t.rows = 5;
  t.columns = {Column::Numbers("x", {1, 2, 3, 4, NAN}), Column::Numbers("y", {2, 4, 6, 8, 10}),
               Column::Strings("city", {"Paris", "Rome", "Paris", "", "Oslo"}, {0, 0, 0, 1, 0})};
  Json p = ProfileTable(t, 3);
  EXPECT_EQ(p["rows"], 5);
  const Json& x = p["columns"][0];
  EXPECT_EQ(x["type"], "number");
  EXPECT_EQ(x["count"], 4);
  EXPECT_EQ(x["missing"], 1);
  EXPECT_EQ(x["distinct"], 4);
  EXPECT_EQ(x["mean"], 2.5);
  EXPECT_DOUBLE_EQ(x["std"].get<double>(), std::sqrt(5.0 / 3));  // ddof 1, as pandas
  EXPECT_EQ(x["min"], 1);
  EXPECT_EQ(x["q1"], 1.75);
  EXPECT_EQ(x["median"], 2.5);
  EXPECT_EQ(x["q3"], 3.25);
  EXPECT_EQ(x["max"], 4);
  EXPECT_EQ(x["histogram"]["counts"], Json::parse("[1,1,2]"));  // numpy.histogram(x, 3)
  const Json& city = p["columns"][2];
  EXPECT_EQ(city["type"], "string");
  EXPECT_EQ(city["count"], 4);
  EXPECT_EQ(city["distinct"], 3);
  EXPECT_EQ(city["top"], "Paris");
  EXPECT_EQ(city["top_count"], 2);
  EXPECT_FALSE(city.contains("mean"));
  EXPECT_EQ(p["correlations"]["columns"], Json::parse(R"(["x","y"])"));
  EXPECT_DOUBLE_EQ(p["correlations"]["matrix"][0][1].get<double>(), 1.0);
}

}  // namespace
}  // namespace tandem::data
