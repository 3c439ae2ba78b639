#pragma once
// Test fixture for the engine: a temp data dir, the real SQLite store on a FakeClock, an
// artifact store, a catalog of small test operators, and a FakeLauncher.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "core/clock.h"
#include "core/fs.h"
#include "operators/catalog.h"
#include "store/artifact_store.h"
#include "store/store.h"
#include "workflow/engine.h"
#include "workflow/fake_launcher.h"

namespace tandem::workflow::testing {

// "p3" from ("p", 3). (Not "p" + std::to_string(i): GCC 12 warns falsely on it, -Wrestrict.)
inline std::string Numbered(std::string prefix, int i) {
  prefix += std::to_string(i);
  return prefix;
}

// The operators the tests wire together. Port types as in the built-ins.
inline void AddTestOperators(operators::Catalog& c) {
  using operators::OperatorDef;
  auto add = [&](OperatorDef d) { ASSERT_TRUE(c.Add(std::move(d)).ok()); };
  OperatorDef load;
  load.name = "dataset-load";
  load.outputs = {{"table", {"table"}}};
  load.dataset_param = "dataset";
  add(load);
  OperatorDef split;
  split.name = "split";
  split.inputs = {{"table", {"table"}}};
  split.outputs = {{"train", {"table"}}, {"test", {"table"}}};
  add(split);
  OperatorDef train;
  train.name = "xgboost-train";
  train.inputs = {{"train", {"table"}}};
  train.outputs = {{"model", {"model"}}};
  add(train);
  OperatorDef evaluate;
  evaluate.name = "evaluate";
  evaluate.inputs = {{"model", {"model"}}, {"test", {"table"}}};
  evaluate.outputs = {{"metrics", {"metrics"}}};
  add(evaluate);
  OperatorDef reg;
  reg.name = "register-model";
  reg.inputs = {{"model", {"model"}}, {"metrics", {"metrics"}}};
  add(reg);
  OperatorDef gen;
  gen.name = "gen";
  gen.outputs = {{"out", {"table"}}};
  add(gen);
  OperatorDef pass;
  pass.name = "pass";
  pass.inputs = {{"in", {"table"}}, {"extra", {"table", /*optional=*/true}}};
  pass.outputs = {{"out", {"table"}}};
  add(pass);
  OperatorDef pass2 = pass;
  pass2.version = 2;
  add(pass2);
}

inline const char* kCancerYaml = R"(name: cancer-gbdt
nodes:
  load:     {operator: dataset-load, params: {dataset: breast_cancer}}
  split:    {operator: split, inputs: {table: load.table}, params: {test_fraction: 0.25, seed: 7}}
  train:    {operator: xgboost-train, inputs: {train: split.train}, params: {num_rounds: 10}}
  evaluate: {operator: evaluate, inputs: {model: train.model, test: split.test}}
  register: {operator: register-model, inputs: {model: train.model, metrics: evaluate.metrics}, params: {name: cancer}}
)";

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir(std::filesystem::temp_directory_path(), "tandem-wf-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = *dir;
    auto s = store::OpenSqliteStore((dir_ / "tandem.db").string(), clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    artifacts_ = std::make_unique<store::ArtifactStore>(dir_, *store_);
    AddTestOperators(catalog_);
    options_.data_dir = dir_.string();
    options_.max_parallel = 2;
    options_.runtime.builtin_runner = {"/opt/tandem/bin/tandem", "task-exec"};
    options_.kill_grace_ms = 1000;
    launcher_.by_operator["register-model"].register_model = {
        {"name", "cancer"}, {"model_port", "model"}, {"metrics", {{"accuracy", 0.97}}}};
    launcher_.by_operator["xgboost-train"].port_meta["model"] = {
        {"format", "xgboost"}, {"signature", {{"inputs", {{{"name", "x"}}}}}}};
    launcher_.by_operator["evaluate"].metrics = {{"accuracy", 0.97}};
    engine_ = MakeEngine(launcher_);
  }
  void TearDown() override {
    engine_.reset();
    artifacts_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::unique_ptr<Engine> MakeEngine(Launcher& launcher) {
    return std::make_unique<Engine>(options_, *store_, *artifacts_, catalog_, launcher, clock_);
  }

  void AddDataset(const std::string& name) {
    auto a = artifacts_->PutBytes("x,y\n1,0\n2,1\n", "table");
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    store::DatasetRecord d;
    d.name = name;
    d.artifact_digest = a->digest;
    d.schema = {{"label", "y"}};
    d.rows = 2;
    ASSERT_TRUE(store_->CreateDatasetVersion(d).ok());
  }

  store::RunRecord SubmitOk(const std::string& yaml) {
    auto run = engine_->Submit(yaml);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? *run : store::RunRecord{};
  }

  // Ticks (advancing the clock 10 ms each) until the run ends; its final record.
  store::RunRecord TickUntilDone(Engine& engine, const std::string& run_id, int max_ticks = 200) {
    for (int i = 0; i < max_ticks; ++i) {
      engine.Tick();
      clock_.Advance(10);
      auto run = store_->GetRun(run_id);
      if (run.ok() && store::state::IsTerminal(run->state)) return *run;
    }
    ADD_FAILURE() << "run " << run_id << " did not finish in " << max_ticks << " ticks";
    return *store_->GetRun(run_id);
  }

  // Operators with a digest, so their tasks may be cached.
  void AddCacheableOperators() {
    operators::OperatorDef gen;
    gen.name = "gen-c";
    gen.digest = "digest-gen";
    gen.outputs = {{"out", {"table"}}};
    ASSERT_TRUE(catalog_.Add(gen).ok());
    operators::OperatorDef pass;
    pass.name = "pass-c";
    pass.digest = "digest-pass";
    pass.inputs = {{"in", {"table"}}};
    pass.outputs = {{"out", {"table"}}};
    ASSERT_TRUE(catalog_.Add(pass).ok());
  }

  // Ticks n times without moving the clock.
  void Ticks(int n) {
    for (int i = 0; i < n; ++i) engine_->Tick();
  }

  store::TaskRecord TaskOf(const std::string& run_id, const std::string& node) {
    auto tasks = store_->ListTasks(run_id);
    EXPECT_TRUE(tasks.ok());
    for (auto& t : *tasks) {
      if (t.node == node) return t;
    }
    ADD_FAILURE() << "no task for node " << node;
    return {};
  }

  FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::ArtifactStore> artifacts_;
  operators::Catalog catalog_;
  EngineOptions options_;
  FakeLauncher launcher_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace tandem::workflow::testing
