// The task cache's key: each thing that changes a task's output (input meta such as a
// table's label, the dataset version, the operator's version and digest, params after
// defaults) makes a new key and the task runs again; nothing else does.
// FakeClock + FakeLauncher + the real SQLite store.
#include "workflow/cache_key.h"
#include "workflow/engine_test_util.h"

namespace tandem::workflow::testing {
namespace {

class EngineCacheTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    AddCacheableOperators();
    operators::OperatorDef load;
    load.name = "load-c";
    load.digest = "digest-load";
    load.outputs = {{"table", {"table"}}};
    load.dataset_param = "dataset";
    ASSERT_TRUE(catalog_.Add(load).ok());
    operators::OperatorDef defaulted;
    defaulted.name = "gen-d";
    defaulted.digest = "digest-gen-d";
    defaulted.outputs = {{"out", {"table"}}};
    defaulted.params_schema = {
        {"type", "object"},
        {"properties", {{"n", {{"type", "integer"}, {"default", 3}}}}}};
    ASSERT_TRUE(catalog_.Add(defaulted).ok());
  }

  // A new version of dataset `name`: the same bytes every time, with label `label`.
  void AddVersion(const std::string& name, const std::string& label) {
    auto a = artifacts_->PutBytes("x,y,z\n1,0,a\n2,1,b\n", "table");
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    store::DatasetRecord d;
    d.name = name;
    d.artifact_digest = a->digest;
    d.schema = {{"label", label}};
    d.rows = 2;
    ASSERT_TRUE(store_->CreateDatasetVersion(d).ok());
  }

  // Runs `yaml` to success; the state of each of `nodes` in that run.
  std::vector<std::string> RunStates(const std::string& yaml, const std::vector<std::string>& nodes) {
    store::RunRecord run = SubmitOk(yaml);
    EXPECT_EQ(TickUntilDone(*engine_, run.id).state, "succeeded");
    std::vector<std::string> states;
    for (const auto& n : nodes) states.push_back(TaskOf(run.id, n).state);
    return states;
  }

  using States = std::vector<std::string>;
  const std::string kLoadYaml =
      "name: p\nnodes:\n  load: {operator: load-c, params: {dataset: fair}}\n"
      "  use: {operator: pass-c, inputs: {in: load.table}}\n";
};

TEST_F(EngineCacheTest, ANewLabelOnTheSameBytesRunsTheTaskAgain) {
  AddVersion("fair", "had_affair");
  // The fake load passes the label on in its table's meta, as dataset-load does.
  launcher_.by_operator["load-c"].port_meta["table"] = {{"label", "had_affair"}};
  EXPECT_EQ(RunStates(kLoadYaml, {"load", "use"}), (States{"succeeded", "succeeded"}));
  EXPECT_EQ(RunStates(kLoadYaml, {"load", "use"}), (States{"cached", "cached"}));

  AddVersion("fair", "rate_marriage");  // same file, imported again with another label
  launcher_.by_operator["load-c"].port_meta["table"] = {{"label", "rate_marriage"}};
  EXPECT_EQ(RunStates(kLoadYaml, {"load", "use"}), (States{"succeeded", "succeeded"}));
  const FakeProcess* use = launcher_.Latest("use");
  ASSERT_NE(use, nullptr);
  EXPECT_EQ(use->task.inputs.at("in").meta["label"], "rate_marriage");
}

TEST_F(EngineCacheTest, ANewDatasetVersionRunsTheLoadAgainEvenWithTheSameSchema) {
  AddVersion("fair", "had_affair");
  EXPECT_EQ(RunStates(kLoadYaml, {"load"}), (States{"succeeded"}));
  AddVersion("fair", "had_affair");
  EXPECT_EQ(RunStates(kLoadYaml, {"load"}), (States{"succeeded"}));
  EXPECT_EQ(RunStates(kLoadYaml, {"load"}), (States{"cached"}));  // version 2 again
}

TEST_F(EngineCacheTest, ANewOperatorDigestOrVersionRunsTheTaskAgain) {
  const std::string yaml = "name: p\nnodes:\n  g: {operator: gen-c}\n";
  EXPECT_EQ(RunStates(yaml, {"g"}), (States{"succeeded"}));
  EXPECT_EQ(RunStates(yaml, {"g"}), (States{"cached"}));
  operators::OperatorDef changed = *catalog_.Find("gen-c");
  changed.digest = "digest-gen-new-code";
  catalog_.Put(changed);
  EXPECT_EQ(RunStates(yaml, {"g"}), (States{"succeeded"}));
  operators::OperatorDef v2 = changed;
  v2.version = 2;  // same digest, another version
  ASSERT_TRUE(catalog_.Add(v2).ok());
  EXPECT_EQ(RunStates(yaml, {"g"}), (States{"succeeded"}));
  EXPECT_EQ(RunStates("name: p\nnodes:\n  g: {operator: gen-c@1}\n", {"g"}), (States{"cached"}));
}

TEST_F(EngineCacheTest, ParamsAreKeyedAfterTheirDefaultsAreFilled) {
  EXPECT_EQ(RunStates("name: p\nnodes:\n  g: {operator: gen-d}\n", {"g"}), (States{"succeeded"}));
  // The default given explicitly is the same task.
  EXPECT_EQ(RunStates("name: p\nnodes:\n  g: {operator: gen-d, params: {n: 3}}\n", {"g"}),
            (States{"cached"}));
  EXPECT_EQ(RunStates("name: p\nnodes:\n  g: {operator: gen-d, params: {n: 4}}\n", {"g"}),
            (States{"succeeded"}));
  // A pipeline param that resolves to the same value is the same task too.
  EXPECT_EQ(RunStates("name: p\nparams: {size: {type: integer, default: 4}}\nnodes:\n"
                      "  g: {operator: gen-d, params: {n: '{{params.size}}'}}\n", {"g"}),
            (States{"cached"}));
}

TEST(CacheKeyPartsTest, EveryPartOfAnInputButItsPathIsInTheKey) {
  operators::OperatorDef def;
  def.name = "x";
  def.digest = "d";
  def.outputs = {{"out", {"table"}}};
  std::map<std::string, operators::InputArtifact> in;
  in["t"].digest = "1";
  in["t"].type = "table";
  in["t"].path = "/a/1";
  in["t"].meta = {{"label", "A"}, {"dataset", {{"name", "fair"}, {"version", 1}}}};
  const Json params = {{"k", 1}};
  const std::string key = CacheKey(def, params, in);

  auto changed = [&](auto edit) {
    auto copy = in;
    edit(copy["t"]);
    return CacheKey(def, params, copy);
  };
  EXPECT_EQ(key, changed([](operators::InputArtifact& a) { a.path = "/elsewhere/1"; }));
  EXPECT_NE(key, changed([](operators::InputArtifact& a) { a.meta["label"] = "B"; }));
  EXPECT_NE(key, changed([](operators::InputArtifact& a) { a.meta["dataset"]["version"] = 2; }));
  EXPECT_NE(key, changed([](operators::InputArtifact& a) { a.meta["schema"] = {{"label", "A"}}; }));
  EXPECT_NE(key, changed([](operators::InputArtifact& a) { a.type = "file"; }));
  EXPECT_NE(key, changed([](operators::InputArtifact& a) { a.digest = "2"; }));
}

}  // namespace
}  // namespace tandem::workflow::testing
