// The cleaning, feature and explore operators on small tables with values worked out by
// hand, and the promise they share: the chain a table carries replays on raw rows to
// exactly the values the operators wrote.
#include <gtest/gtest.h>

#include <cmath>

#include "core/fs.h"
#include "data/transform.h"
#include "operators/builtin/task_harness.h"

namespace tandem::operators {
namespace {

using data::Column;
using data::Table;

// x = 2,4,4,4,5,5,7,9 (mean 5, population std 2) and a missing value; a city; a label.
Table Small() {
  Table t;
  t.rows = 9;
  t.columns = {Column::Numbers("x", {2, 4, 4, 4, 5, 5, 7, 9, NAN}),
               Column::Strings("city", {"Paris", "Rome", "Paris", "Oslo", "Paris", "Rome", "", "Oslo", "Rome"},
                               {0, 0, 0, 0, 0, 0, 1, 0, 0}),
               Column::Numbers("y", {0, 1, 0, 1, 0, 1, 0, 1, 0})};
  return t;
}

class TableOperatorsTest : public TaskHarness {
 protected:
  // Runs a table -> table operator on `in`; expects success.
  TaskRun Step(const std::string& op, Json params, const InputArtifact& in) {
    TaskRun run = Run(op, std::move(params), {{"table", in}}, {{"table", "table"}});
    EXPECT_EQ(run.code, 0) << op << ": " << run.err;
    return run;
  }
  static std::vector<double> Numbers(const Table& t, const std::string& name) {
    const Column* c = t.Find(name);
    EXPECT_NE(c, nullptr) << name;
    return c ? c->numbers : std::vector<double>{};
  }
};

TEST_F(TableOperatorsTest, ImputeFillsAndRecordsTheStep) {
  TaskRun run = Step("impute", {{"strategy", "median"}}, TableArtifact(Small(), "y"));
  Table out = ReadTable(run);
  EXPECT_EQ(Numbers(out, "x")[8], 4.5);           // median of 2,4,4,4,5,5,7,9
  EXPECT_EQ(out.Find("city")->strings[6], "Paris");  // text column: its mode (tie: first name)
  EXPECT_EQ(run.outputs.metrics["cells_filled"], 2);
  EXPECT_EQ(run.outputs.outputs["table"].meta["transforms"],
            Json::parse(R"([{"kind":"impute","columns":{"x":4.5,"city":"Paris"}}])"));
  EXPECT_EQ(run.outputs.outputs["table"].meta["label"], "y");

  TaskRun constant = Step("impute", {{"strategy", "constant"}, {"fill_value", -1}, {"columns", {"x"}},
                                     {"overrides", {{"x", "constant"}}}},
                          TableArtifact(Small(), "y"));
  EXPECT_EQ(Numbers(ReadTable(constant), "x")[8], -1);

  TaskRun bad = Run("impute", {{"strategy", "mean"}, {"columns", {"city"}}},
                    {{"table", TableArtifact(Small(), "y")}}, {{"table", "table"}});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("column 'city' is text; mean needs numbers"), std::string::npos) << bad.err;
  TaskRun label = Run("impute", {{"columns", {"y"}}}, {{"table", TableArtifact(Small(), "y")}},
                      {{"table", "table"}});
  EXPECT_NE(label.err.find("params.columns: 'y' is the label"), std::string::npos) << label.err;
}

// The engine makes "exit code 2: <this line>" the task's error: the operator's name leads,
// once, even for an error found after the task started (and its spec was handed over).
TEST_F(TableOperatorsTest, AnErrorLineIsLedByTheOperatorsName) {
  TaskRun label = Run("impute", {{"columns", {"y"}}}, {{"table", TableArtifact(Small(), "y")}},
                      {{"table", "table"}});
  EXPECT_EQ(label.code, 2);
  EXPECT_EQ(label.err.rfind("impute: params.columns: 'y' is the label", 0), 0u) << label.err;
}

TEST_F(TableOperatorsTest, DropMissingAndOutlierFilterReportRowsDropped) {
  TaskRun drop = Step("drop-missing", Json::object(), TableArtifact(Small(), "y"));
  EXPECT_EQ(ReadTable(drop).rows, 7u);
  EXPECT_EQ(drop.outputs.metrics["rows_dropped"], 2);
  EXPECT_FALSE(drop.outputs.outputs["table"].meta.contains("transforms"));

  Table t;
  t.rows = 6;
  t.columns = {Column::Numbers("a", {1, 2, 3, 4, 100, 3}), Column::Numbers("y", {0, 1, 0, 1, 0, 1})};
  // q1 = 2.25, q3 = 3.75 -> fences [0, 6]: 100 goes.
  TaskRun iqr = Run("outlier-filter", {{"method", "iqr"}, {"k", 1.5}}, {{"table", TableArtifact(t, "y")}},
                    {{"table", "table"}, {"report", "report"}});
  ASSERT_EQ(iqr.code, 0) << iqr.err;
  EXPECT_EQ(Numbers(ReadTable(iqr), "a"), (std::vector<double>{1, 2, 3, 4, 3}));
  EXPECT_EQ(iqr.outputs.metrics, Json::parse(R"({"rows_in":6,"rows_kept":5,"rows_dropped":1})"));
  auto report = ReadFile(Artifact(iqr, "report", "report").path);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(Json::parse(*report)["columns"]["a"], Json::parse(R"({"low":0,"high":6,"dropped":1})"));
  // z of 100 is 2.236 (mean 18.83, std 36.30): threshold 2 drops it, 3 keeps it.
  EXPECT_EQ(Step("outlier-filter", {{"method", "zscore"}, {"threshold", 2}}, TableArtifact(t, "y"))
                .outputs.metrics["rows_dropped"], 1);
  EXPECT_EQ(Step("outlier-filter", {{"method", "zscore"}, {"threshold", 3}}, TableArtifact(t, "y"))
                .outputs.metrics["rows_dropped"], 0);
}

TEST_F(TableOperatorsTest, ScalersGiveExactValues) {
  TaskRun z = Step("standardize", Json::object(), TableArtifact(Small(), "y"));
  std::vector<double> zx = Numbers(ReadTable(z), "x");
  EXPECT_EQ(std::vector<double>(zx.begin(), zx.end() - 1),
            (std::vector<double>{-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2}));
  EXPECT_TRUE(std::isnan(zx[8]));
  EXPECT_EQ(z.outputs.outputs["table"].meta["transforms"][0],
            Json::parse(R"({"kind":"standardize","columns":{"x":{"mean":5,"std":2}}})"));

  TaskRun mm = Step("min-max-scale", {{"columns", {"x"}}}, TableArtifact(Small(), "y"));
  EXPECT_EQ(Numbers(ReadTable(mm), "x")[1], 2.0 / 7);
  EXPECT_EQ(Numbers(ReadTable(mm), "y"), Numbers(Small(), "y"));  // the label is untouched

  TaskRun b = Step("bucketize", {{"buckets", 4}}, TableArtifact(Small(), "y"));
  std::vector<double> bx = Numbers(ReadTable(b), "x");
  EXPECT_EQ(std::vector<double>(bx.begin(), bx.end() - 1), (std::vector<double>{0, 1, 1, 1, 2, 2, 3, 3}));

  TaskRun text = Run("standardize", {{"columns", {"city"}}}, {{"table", TableArtifact(Small(), "y")}},
                     {{"table", "table"}});
  EXPECT_EQ(text.code, 2);
  EXPECT_NE(text.err.find("params.columns: column 'city' is text; this operator needs numbers"),
            std::string::npos) << text.err;
}

TEST_F(TableOperatorsTest, OneHotAndSelectColumns) {
  TaskRun oh = Step("one-hot", Json::object(), TableArtifact(Small(), "y"));
  Table out = ReadTable(oh);
  std::vector<std::string> names;
  for (const auto& c : out.columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"x", "city=Oslo", "city=Paris", "city=Rome", "y"}));
  EXPECT_EQ(Numbers(out, "city=Paris"), (std::vector<double>{1, 0, 1, 0, 1, 0, 0, 0, 0}));
  TaskRun limit = Run("one-hot", {{"max_categories", 2}}, {{"table", TableArtifact(Small(), "y")}},
                      {{"table", "table"}});
  EXPECT_NE(limit.err.find("column 'city' has 3 categories, more than the limit of 2"),
            std::string::npos) << limit.err;

  TaskRun keep = Step("select-columns", {{"columns", {"city=Rome", "x"}}}, Artifact(oh, "table", "table"));
  names.clear();
  for (const auto& c : ReadTable(keep).columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"city=Rome", "x", "y"}));
  TaskRun drop = Step("select-columns", {{"columns", {"x"}}, {"mode", "drop"}}, TableArtifact(Small(), "y"));
  EXPECT_EQ(drop.outputs.outputs["table"].meta["transforms"][0],
            Json::parse(R"({"kind":"select-columns","columns":["city"]})"));
}

// impute -> standardize -> one-hot -> bucketize(none) as operators; then the chain the
// last table carries, replayed on the raw rows without the label, gives its values.
TEST_F(TableOperatorsTest, TheChainReplaysOnRawRowsToTheWrittenValues) {
  TaskRun a = Step("impute", Json::object(), TableArtifact(Small(), "y"));
  TaskRun b = Step("standardize", Json::object(), Artifact(a, "table", "table"));
  TaskRun c = Step("one-hot", Json::object(), Artifact(b, "table", "table"));
  TaskRun d = Step("min-max-scale", {{"columns", {"city=Rome"}}}, Artifact(c, "table", "table"));
  const Json& meta = d.outputs.outputs["table"].meta;
  ASSERT_EQ(meta["transforms"].size(), 4u);
  auto chain = data::TransformChain::FromJson(meta["transforms"]);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  Table raw = Small();
  raw.columns.pop_back();
  auto replayed = chain->Apply(raw);
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  Table written = ReadTable(d);
  for (const auto& col : replayed->columns) {
    // The CSV holds shortest round-trip text, so equal doubles read back equal.
    EXPECT_EQ(col.numbers, Numbers(written, col.name)) << col.name;
  }
  EXPECT_EQ(replayed->columns.size() + 1, written.columns.size());
}

TEST_F(TableOperatorsTest, ProfileWritesAReport) {
  TaskRun p = Run("profile", {{"bins", 2}}, {{"table", TableArtifact(Small(), "y")}}, {{"report", "report"}});
  ASSERT_EQ(p.code, 0) << p.err;
  EXPECT_EQ(p.outputs.metrics,
            Json::parse(R"({"rows":9,"columns":3,"number_columns":2,"missing_cells":2})"));
  auto text = ReadFile(Artifact(p, "report", "report").path);
  ASSERT_TRUE(text.ok());
  Json report = Json::parse(*text);
  EXPECT_EQ(report["label"], "y");
  EXPECT_EQ(report["columns"][0]["mean"], 5);
  EXPECT_EQ(report["columns"][0]["median"], 4.5);
  EXPECT_EQ(report["columns"][0]["histogram"]["counts"], Json::parse("[6,2]"));  // [2,5.5) [5.5,9]
  EXPECT_EQ(report["columns"][1]["top"], "Paris");
  EXPECT_EQ(report["correlations"]["columns"], Json::parse(R"(["x","y"])"));
}

}  // namespace
}  // namespace tandem::operators
