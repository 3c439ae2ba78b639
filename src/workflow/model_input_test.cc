// A registered model named in a node's params (predict's `model: NAME[:V|@ALIAS]`) is
// resolved and pinned at submit, like a dataset version; the task gets that version's
// model file and meta on its "model" port, and a bad reference fails the submit.
#include <gtest/gtest.h>

#include "workflow/engine_test_util.h"

namespace tandem::workflow {
namespace {

class ModelInputTest : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    operators::OperatorDef score;
    score.name = "score";
    score.inputs = {{"table", {"table"}}, {"model", {"model", true}}};
    score.outputs = {{"table", {"table"}}};
    score.model_param = "model";
    score.params_schema = Json::parse(R"({"type": "object", "properties": {"model": {"type": "string"}}})");
    ASSERT_TRUE(catalog_.Add(score).ok());
    for (const char* body : {"model-one", "model-two"}) {
      auto a = artifacts_->PutBytes(body, "model", {{"format", "xgboost"}, {"features", {"x"}}});
      ASSERT_TRUE(a.ok()) << a.status().ToString();
      store::ModelVersionRecord v;
      v.model_name = "m";
      v.artifact_digest = a->digest;
      v.format = "xgboost";
      auto created = store_->CreateModelVersion(v);
      ASSERT_TRUE(created.ok()) << created.status().ToString();
      digests_.push_back(a->digest);
    }
    AddDataset("d");
  }
  std::string Yaml(const std::string& score) {
    return "name: p\nnodes:\n  load: {operator: dataset-load, params: {dataset: d}}\n"
           "  score: " + score + "\n";
  }
  std::vector<std::string> digests_;
};

TEST_F(ModelInputTest, TheNamedVersionIsPinnedAndHandedToTheModelPort) {
  store::RunRecord run = SubmitOk(Yaml("{operator: score, inputs: {table: load.table}, params: {model: \"m:1\"}}"));
  auto tasks = store_->ListTasks(run.id);
  ASSERT_TRUE(tasks.ok());
  const store::TaskRecord& score = (*tasks)[1];
  EXPECT_EQ(score.inputs["model"]["digest"], digests_[0]);
  EXPECT_EQ(score.inputs["model"]["model"], Json({{"name", "m"}, {"version", 1}}));
  EXPECT_EQ(TickUntilDone(*engine_, run.id).state, "succeeded");
  const auto& procs = launcher_.processes();
  auto it = std::find_if(procs.begin(), procs.end(), [](const auto& p) { return p.task.node == "score"; });
  ASSERT_NE(it, procs.end());
  const operators::InputArtifact& model = it->task.inputs.at("model");
  EXPECT_EQ(model.digest, digests_[0]);
  EXPECT_EQ(model.type, "model");
  EXPECT_EQ(model.meta["format"], "xgboost");
  EXPECT_EQ(model.meta["model"]["version"], 1);

  // NAME alone is the latest version.
  store::RunRecord latest = SubmitOk(Yaml("{operator: score, inputs: {table: load.table}, params: {model: m}}"));
  EXPECT_EQ((*store_->ListTasks(latest.id))[1].inputs["model"]["digest"], digests_[1]);
}

TEST_F(ModelInputTest, BadReferencesFailTheSubmitNamingTheParam) {
  auto problems = [&](const std::string& score) {
    auto run = engine_->Submit(Yaml(score));
    return run.ok() ? std::string() : run.status().message();
  };
  EXPECT_EQ(problems("{operator: score, inputs: {table: load.table}, params: {model: \"m:7\"}}"),
            "nodes.score.params.model: model 'm' has no version 7");
  EXPECT_EQ(problems("{operator: score, inputs: {table: load.table}, params: {model: \"nope@prod\"}}"),
            "nodes.score.params.model: model 'nope' not found");
  EXPECT_EQ(problems("{operator: score, inputs: {table: load.table}}"),
            "nodes.score.params.model: name a registered model or wire the model port");
  auto wired = engine_->Submit(
      "name: p\nnodes:\n  load: {operator: dataset-load, params: {dataset: d}}\n"
      "  train: {operator: xgboost-train, inputs: {train: load.table}}\n"
      "  score: {operator: score, inputs: {table: load.table, model: train.model}, params: {model: m}}\n");
  ASSERT_FALSE(wired.ok());
  EXPECT_EQ(wired.status().message(),
            "nodes.score.params.model: the model port is wired too; give one of the two");
}

}  // namespace
}  // namespace tandem::workflow
