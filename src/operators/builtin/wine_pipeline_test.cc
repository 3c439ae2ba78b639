// The data-to-model pipeline of issue 3 on the wine data set (sklearn layout, label
// "target"): csv-import -> profile -> impute -> outlier-filter -> standardize -> split ->
// xgboost-train -> evaluate -> register-model, and the model's transform chain turns raw
// rows into exactly the standardised features it was trained on.
#include <gtest/gtest.h>

#include <iostream>

#include "core/fs.h"
#include "data/transform.h"
#include "operators/builtin/task_harness.h"

namespace tandem::operators {
namespace {

const std::string kWine = "/usr/lib/python3/dist-packages/sklearn/datasets/data/wine_data.csv";

class WinePipelineTest : public TaskHarness {
 protected:
  TaskRun Step(const std::string& op, Json params, std::map<std::string, InputArtifact> inputs,
               std::map<std::string, std::string> outputs = {{"table", "table"}}) {
    TaskRun run = Run(op, std::move(params), std::move(inputs), std::move(outputs));
    EXPECT_EQ(run.code, 0) << op << ": " << run.err;
    return run;
  }
};

TEST_F(WinePipelineTest, RawRowsThroughTheModelsChainGiveItsTrainingFeatures) {
  TaskRun import = Step("csv-import", {{"path", kWine}}, {});
  const InputArtifact raw = Artifact(import, "table", "table");
  TaskRun profile = Step("profile", Json::object(), {{"table", raw}}, {{"report", "report"}});
  EXPECT_EQ(profile.outputs.metrics["rows"], 178);
  TaskRun impute = Step("impute", {{"strategy", "median"}}, {{"table", raw}});
  TaskRun outliers = Step("outlier-filter", {{"method", "zscore"}, {"threshold", 3}},
                          {{"table", Artifact(impute, "table", "table")}});
  const int kept = outliers.outputs.metrics["rows_kept"].get<int>();
  EXPECT_LT(kept, 178);
  EXPECT_GT(kept, 150);
  TaskRun standardize = Step("standardize", Json::object(), {{"table", Artifact(outliers, "table", "table")}});
  TaskRun split = Step("split", {{"test_fraction", 0.25}, {"seed", 7}, {"stratify", true}},
                       {{"table", Artifact(standardize, "table", "table")}}, {{"train", "table"}, {"test", "table"}});
  TaskRun train = Step("xgboost-train", {{"num_rounds", 50}, {"max_depth", 3}},
                       {{"train", Artifact(split, "train", "table")}}, {{"model", "model"}});
  TaskRun eval = Step("evaluate", Json::object(),
                      {{"model", Artifact(train, "model", "model")}, {"test", Artifact(split, "test", "table")}},
                      {{"metrics", "metrics"}});
  const double accuracy = eval.outputs.metrics["accuracy"].get<double>();
  std::cout << "wine: " << kept << " of 178 rows kept, test accuracy " << accuracy << " on "
            << eval.outputs.metrics["n"] << " rows\n";
  EXPECT_GE(accuracy, 0.9);
  EXPECT_EQ(eval.outputs.metrics["per_class"].size(), 3u);
  TaskRun reg = Step("register-model", {{"name", "wine"}},
                     {{"model", Artifact(train, "model", "model")}, {"metrics", Artifact(eval, "metrics", "metrics")}},
                     {});
  EXPECT_EQ(reg.outputs.register_model["format"], "xgboost");

  // The model carries impute + standardize; the outlier filter adds no step.
  const Json& meta = train.outputs.outputs["model"].meta;
  ASSERT_EQ(meta["transforms"].size(), 2u);
  EXPECT_EQ(meta["transforms"][0]["kind"], "impute");
  EXPECT_EQ(meta["transforms"][1]["kind"], "standardize");
  EXPECT_EQ(meta["raw_features"], meta["features"]);  // scaled in place: same names
  auto chain = data::TransformChain::FromJson(meta["transforms"]);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();

  // Raw rows (the outlier filter's output, before scaling; wine has no missing values, so
  // impute left them raw), without the label, as a request would send them.
  data::Table rows = ReadTable(outliers);
  data::Table request;
  request.rows = rows.rows;
  for (const auto& name : meta["raw_features"]) request.columns.push_back(*rows.Find(name.get<std::string>()));
  auto features = chain->Apply(request);
  ASSERT_TRUE(features.ok()) << features.status().ToString();
  data::Table trained_on = ReadTable(standardize);
  for (const auto& name : meta["features"]) {
    const std::string n = name.get<std::string>();
    EXPECT_EQ(features->Find(n)->numbers, trained_on.Find(n)->numbers) << n;
  }
}

}  // namespace
}  // namespace tandem::operators
