#include "data/transform.h"

#include <gtest/gtest.h>

#include <set>

#include <cmath>

#include "data/transform_fit.h"

namespace tandem::data {
namespace {

// x = 2,4,4,4,5,5,7,9: mean 5, population std 2.
Table Training() {
  Table t;
  t.rows = 9;
  t.columns = {Column::Numbers("x", {2, 4, 4, 4, 5, 5, 7, 9, NAN}),
               Column::Strings("city", {"Paris", "Rome", "Paris", "Oslo", "Paris", "Rome", "", "Oslo", "Rome"},
                               {0, 0, 0, 0, 0, 0, 1, 0, 0}),
               Column::Numbers("y", {0, 1, 0, 1, 0, 1, 0, 1, 0})};
  return t;
}

ImputeRule Rule(std::string column, std::string strategy, double number = 0, std::string text = "") {
  return ImputeRule{std::move(column), std::move(strategy), number, std::move(text)};
}

std::vector<double> Numbers(const Table& t, const std::string& name) {
  const Column* c = t.Find(name);
  EXPECT_NE(c, nullptr) << name;
  return c ? c->numbers : std::vector<double>{};
}

TEST(TransformFitTest, ImputeStrategies) {
  Table t = Training();
  auto mean = FitImpute(t, {Rule("x", "mean"), Rule("city", "mode")});
  ASSERT_TRUE(mean.ok()) << mean.status().ToString();
  EXPECT_EQ(*mean, Json::parse(R"({"kind":"impute","columns":{"x":5,"city":"Paris"}})"));
  auto median = FitImpute(t, {Rule("x", "median")});
  EXPECT_EQ((*median)["columns"]["x"], 4.5);
  auto constant = FitImpute(t, {Rule("x", "constant", -1), Rule("city", "constant", 0, "unknown")});
  EXPECT_EQ((*constant)["columns"], Json::parse(R"({"x":-1,"city":"unknown"})"));
  EXPECT_EQ(FitImpute(t, {Rule("city", "mean")}).status().message(),
            "column 'city' is text; mean needs numbers (use mode or constant)");
}

TEST(TransformChainTest, StandardizeMinMaxAndBucketizeGiveExactValues) {
  Table t = Training();
  TransformChain chain;
  ASSERT_TRUE(chain.Append(*FitStandardize(t, {"x"})).ok());
  auto z = chain.Apply(t);
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  std::vector<double> zx = Numbers(*z, "x");
  EXPECT_EQ(std::vector<double>(zx.begin(), zx.end() - 1),
            (std::vector<double>{-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2}));
  EXPECT_TRUE(std::isnan(zx.back()));  // missing stays missing

  TransformChain scale;
  ASSERT_TRUE(scale.Append(*FitMinMaxScale(t, {"x"})).ok());
  EXPECT_EQ(Numbers(*scale.Apply(t), "x")[7], 1.0);
  EXPECT_EQ(Numbers(*scale.Apply(t), "x")[1], 2.0 / 7);

  // Quantiles of 2,4,4,4,5,5,7,9 at 1/4, 1/2, 3/4: 4, 4.5, 5.5.
  auto buckets = FitBucketize(t, {"x"}, 4, "quantile");
  EXPECT_EQ((*buckets)["columns"]["x"], Json::parse("[4,4.5,5.5]"));
  TransformChain bucketize;
  ASSERT_TRUE(bucketize.Append(*buckets).ok());
  std::vector<double> b = Numbers(*bucketize.Apply(t), "x");
  EXPECT_EQ(std::vector<double>(b.begin(), b.end() - 1), (std::vector<double>{0, 1, 1, 1, 2, 2, 3, 3}));
  EXPECT_EQ((*FitBucketize(t, {"x"}, 2, "uniform"))["columns"]["x"], Json::parse("[5.5]"));
}

TEST(TransformChainTest, OneHotReplacesTheColumnInPlace) {
  Table t = Training();
  auto step = FitOneHot(t, {"city"}, 10);
  ASSERT_TRUE(step.ok());
  EXPECT_EQ((*step)["columns"]["city"], Json::parse(R"(["Oslo","Paris","Rome"])"));
  TransformChain chain;
  ASSERT_TRUE(chain.Append(*step).ok());
  Table raw;
  raw.rows = 3;
  raw.columns = {Column::Numbers("x", {1, 2, 3}),
                 Column::Strings("city", {"Rome", "Berlin", ""}, {0, 0, 1})};
  auto out = chain.Apply(raw);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::vector<std::string> names;
  for (const auto& c : out->columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"x", "city=Oslo", "city=Paris", "city=Rome"}));
  EXPECT_EQ(Numbers(*out, "city=Rome"), (std::vector<double>{1, 0, 0}));   // unknown, missing: zeros
  EXPECT_EQ(Numbers(*out, "city=Oslo"), (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(FitOneHot(t, {"city"}, 2).status().message(),
            "column 'city' has 3 categories, more than the limit of 2");
}

// What the operators do: fit each step on the table the previous step produced, transform
// it with that step alone; serving then replays the whole chain on raw rows.
TEST(TransformChainTest, ReplayOnRawRowsGivesTheTrainingValuesExactly) {
  Table table = Training();
  TransformChain chain;
  auto fit_and_apply = [&](Result<Json> step) {
    ASSERT_TRUE(step.ok()) << step.status().ToString();
    TransformChain one;
    ASSERT_TRUE(one.Append(*step).ok());
    auto next = one.Apply(table, {"y"});
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    table = *next;
    ASSERT_TRUE(chain.Append(*step).ok());
  };
  fit_and_apply(FitImpute(table, {Rule("x", "median"), Rule("city", "mode")}));
  fit_and_apply(FitStandardize(table, {"x"}));
  fit_and_apply(FitOneHot(table, {"city"}, 10));
  fit_and_apply(SelectColumnsStep(table, {"city=Rome", "x", "city=Paris"}));
  std::vector<std::string> names;
  for (const auto& c : table.columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"city=Rome", "x", "city=Paris", "y"}));  // label kept

  auto again = TransformChain::FromJson(Json::parse(chain.ToJson().dump()));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  Table raw = Training();
  raw.columns.pop_back();  // a request has no label
  auto replayed = again->Apply(raw);
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  ASSERT_EQ(replayed->columns.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(replayed->columns[i].name, table.columns[i].name);
    EXPECT_EQ(replayed->columns[i].numbers, table.columns[i].numbers) << table.columns[i].name;
  }
  EXPECT_EQ(again->InputColumns(), (std::vector<std::string>{"city", "x"}));
  EXPECT_EQ(again->InputColumnsFor({"city=Rome", "x", "city=Paris", "z"}),
            (std::vector<std::string>{"city", "x", "z"}));
  EXPECT_EQ(again->OutputColumns({"x", "city", "y"}),
            (std::vector<std::string>{"city=Rome", "x", "city=Paris"}));
}

TEST(TransformChainTest, NumbersSentAsTextAreNumbers) {
  TransformChain chain;
  ASSERT_TRUE(chain.Append(Json::parse(R"({"kind":"standardize","columns":{"x":{"mean":1,"std":2}}})")).ok());
  Table raw;
  raw.rows = 2;
  raw.columns = {Column::Strings("x", {"5", ""}, {0, 1})};
  auto out = chain.Apply(raw);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->columns[0].numbers[0], 2);
  EXPECT_TRUE(std::isnan(out->columns[0].numbers[1]));
  raw.columns[0].strings[0] = "five";
  EXPECT_EQ(chain.Apply(raw).status().message(),
            "transforms[0] (standardize): column 'x' is text ('five' in row 1), expected numbers");
}

TEST(TransformChainTest, DatePartsReplaceTheColumnAndReplayOnRawRows) {
  Table t;
  t.rows = 3;
  t.columns = {Column::Numbers("x", {1, 2, 3}),
               Column::Strings("sold", {"2026-12-03", "", "2027-01-01T22:30:00-03:00"}, {0, 1, 0})};
  auto step = FitDateParts(t, {"sold"}, {});
  ASSERT_TRUE(step.ok()) << step.status().ToString();
  EXPECT_EQ((*step)["columns"]["sold"].size(), 6u);  // a datetime: hour and minute too
  TransformChain chain;
  ASSERT_TRUE(chain.Append(*step).ok());
  auto out = chain.Apply(t);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::vector<std::string> names;
  for (const auto& c : out->columns) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"x", "sold.year", "sold.month", "sold.day", "sold.day_of_week",
                                             "sold.hour", "sold.minute"}));
  EXPECT_EQ(Numbers(*out, "sold.year")[0], 2026);
  EXPECT_TRUE(std::isnan(Numbers(*out, "sold.year")[1]));
  EXPECT_EQ(Numbers(*out, "sold.year")[2], 2027);  // 22:30 at -03:00 is 01:30 UTC, Jan 2
  EXPECT_EQ(Numbers(*out, "sold.day")[2], 2);
  EXPECT_EQ(Numbers(*out, "sold.hour")[2], 1);
  EXPECT_EQ(Numbers(*out, "sold.day_of_week")[0], 3);  // Thursday
  EXPECT_EQ(chain.OutputColumns({"x", "sold"}), names);
  EXPECT_EQ(chain.InputColumnsFor({"sold.month", "x"}), (std::vector<std::string>{"sold", "x"}));
  EXPECT_EQ(chain.InputColumns(), (std::vector<std::string>{"sold"}));

  // Serving replays the chain on a raw request row from its JSON.
  auto replay = TransformChain::FromJson(chain.ToJson());
  ASSERT_TRUE(replay.ok());
  Table request;
  request.rows = 1;
  request.columns = {Column::Numbers("x", {9}), Column::Strings("sold", {"2028-02-29T06:15"})};
  auto row = replay->Apply(request);
  ASSERT_TRUE(row.ok()) << row.status().ToString();
  EXPECT_EQ(Numbers(*row, "sold.month")[0], 2);
  EXPECT_EQ(Numbers(*row, "sold.minute")[0], 15);
  request.columns[1] = Column::Strings("sold", {"tomorrow"});
  auto bad = replay->Apply(request);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'tomorrow' in row 1 is not an ISO date"), std::string::npos)
      << bad.status().message();
}

TEST(TransformChainTest, TextInputColumnsAreOneHotDateAndTextImputedInputs) {
  auto chain = TransformChain::FromJson(Json::parse(R"([
    {"kind": "impute", "columns": {"age": 41.5, "city": "Paris"}},
    {"kind": "one-hot", "columns": {"city": ["Paris", "Rome"]}},
    {"kind": "date-parts", "columns": {"sold": ["year"]}},
    {"kind": "standardize", "columns": {"age": {"mean": 1, "std": 2}, "sold.year": {"mean": 2000, "std": 9}}}])"));
  ASSERT_TRUE(chain.ok()) << chain.status().message();
  // "sold.year" is a number the chain made, not a raw text column.
  EXPECT_EQ(chain->TextInputColumns(), (std::set<std::string>{"city", "sold"}));
}

TEST(TransformFitTest, DatePartsRefuseTextThatIsNotDatesAndUnknownParts) {
  Table t = Training();
  auto s = FitDateParts(t, {"city"}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(), "column 'city' is not ISO dates (YYYY-MM-DD[THH:MM[:SS]])");
  Table d;
  d.rows = 1;
  d.columns = {Column::Strings("when", {"2026-01-01"})};
  auto p = FitDateParts(d, {"when"}, {"year", "fortnight"});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("unknown date part \"fortnight\""), std::string::npos);
}

TEST(TransformChainTest, ErrorsNameTheStepAndField) {
  EXPECT_EQ(TransformChain::FromJson(Json::parse(R"([{"kind":"standardize","columns":{"a":{"mean":0,"std":1}}},
      {"kind":"standardize","columns":{"age":{"mean":1,"std":0}}}])")).status().message(),
            "transforms[1].columns.age.std: must be greater than 0");
  EXPECT_EQ(TransformChain::FromJson(Json::parse(R"([{"kind":"pca","columns":{}}])")).status().message(),
            "transforms[0].kind: unknown transform 'pca' (known: impute, standardize, min-max-scale, "
            "one-hot, bucketize, select-columns)");
  EXPECT_EQ(TransformChain::FromJson(Json::parse(R"([{"kind":"bucketize","columns":{"a":[2,1]}}])")).status().message(),
            "transforms[0].columns.a: edges must be strictly ascending");
  EXPECT_TRUE(TransformChain::FromJson(nullptr)->empty());

  TransformChain chain;
  ASSERT_TRUE(chain.Append(Json::parse(R"({"kind":"impute","columns":{"age":3}})")).ok());
  Table raw;
  raw.rows = 1;
  raw.columns = {Column::Numbers("x", {1})};
  EXPECT_EQ(chain.Apply(raw).status().message(),
            "transforms[0] (impute): columns.age: no column named 'age' (columns: x)");
}

}  // namespace
}  // namespace tandem::data
