// date-features as the engine runs it: date and datetime columns become number columns
// of their parts, the step joins the table's chain, and the chain replays on raw rows.
#include <gtest/gtest.h>

#include <cmath>

#include "data/transform.h"
#include "operators/builtin/task_harness.h"

namespace tandem::operators {
namespace {

using data::Column;
using data::Table;

// Grunfeld-like rows: a firm, the year as a date, an investment, a label.
Table Sales() {
  Table t;
  t.rows = 4;
  t.columns = {Column::Strings("firm", {"GM", "GM", "US Steel", "GE"}),
               Column::Strings("sold", {"1935-01-01", "1936-07-15", "", "1937-12-31"}, {0, 0, 1, 0}),
               Column::Strings("seen", {"2026-12-03T07:45:00Z", "2026-12-04 08:00", "2026-12-05T23:59:59",
                                        "2026-12-06T00:00:00+01:00"}),
               Column::Numbers("y", {1, 0, 1, 0})};
  return t;
}

class DateFeaturesTest : public TaskHarness {
 protected:
  static std::vector<double> Numbers(const Table& t, const std::string& name) {
    const Column* c = t.Find(name);
    EXPECT_NE(c, nullptr) << name;
    return c ? c->numbers : std::vector<double>{};
  }
};

TEST_F(DateFeaturesTest, EveryDateColumnBecomesItsPartsAndReplays) {
  TaskRun run = Run("date-features", Json::object(), {{"table", TableArtifact(Sales(), "y")}},
                    {{"table", "table"}});
  ASSERT_EQ(run.code, 0) << run.err;
  Table out = ReadTable(run);
  std::vector<std::string> names;
  for (const auto& c : out.columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"firm", "sold.year", "sold.month", "sold.day", "sold.day_of_week",
                                             "seen.year", "seen.month", "seen.day", "seen.day_of_week",
                                             "seen.hour", "seen.minute", "y"}));
  std::vector<double> years = Numbers(out, "sold.year");
  EXPECT_EQ(years[0], 1935);
  EXPECT_TRUE(std::isnan(years[2]));
  EXPECT_EQ(Numbers(out, "sold.day_of_week")[0], 1);  // 1935-01-01 was a Tuesday
  EXPECT_EQ(Numbers(out, "seen.day")[3], 5);          // midnight at +01:00 is the 5th in UTC
  EXPECT_EQ(Numbers(out, "seen.hour")[3], 23);

  const Json& meta = run.outputs.outputs["table"].meta;
  ASSERT_EQ(meta["transforms"].size(), 1u);
  EXPECT_EQ(meta["transforms"][0]["kind"], "date-parts");
  auto chain = data::TransformChain::FromJson(meta["transforms"]);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  Table raw = Sales();
  raw.columns.pop_back();
  auto replayed = chain->Apply(raw);
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  for (const auto& col : replayed->columns) {
    if (col.type == data::ColumnType::kNumber) EXPECT_EQ(col.numbers.size(), 4u) << col.name;
  }
  EXPECT_EQ(Numbers(*replayed, "seen.minute"), Numbers(out, "seen.minute"));
}

TEST_F(DateFeaturesTest, NamedColumnsAndPartsAndClearErrors) {
  TaskRun run = Run("date-features", {{"columns", {"sold"}}, {"parts", {"year", "day_of_year"}}},
                    {{"table", TableArtifact(Sales(), "y")}}, {{"table", "table"}});
  ASSERT_EQ(run.code, 0) << run.err;
  Table out = ReadTable(run);
  EXPECT_EQ(Numbers(out, "sold.day_of_year")[1], 197);
  EXPECT_NE(out.Find("seen"), nullptr);  // not named: left alone

  TaskRun firm = Run("date-features", {{"columns", {"firm"}}}, {{"table", TableArtifact(Sales(), "y")}},
                     {{"table", "table"}});
  EXPECT_EQ(firm.code, 2);
  EXPECT_NE(firm.err.find("params.columns: column 'firm' is not ISO dates"), std::string::npos) << firm.err;

  Table no_dates = Sales();
  no_dates.columns.erase(no_dates.columns.begin() + 1, no_dates.columns.begin() + 3);
  TaskRun none = Run("date-features", Json::object(), {{"table", TableArtifact(no_dates, "y")}},
                     {{"table", "table"}});
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.err.find("no date columns"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace tandem::operators
