// Deletes of runs, datasets and model versions, and what each refuses.
#include "store/store_test_util.h"

namespace tandem::store {
namespace {

class StoreCleanupTest : public StoreTest {
 protected:
  void AddRun(const std::string& id, const std::string& run_state, const std::string& task_state,
              Json inputs = Json::object()) {
    RunRecord run;
    run.id = id;
    run.state = run_state;
    run.finished_ms = state::IsTerminal(run_state) ? clock_.NowMs() : 0;
    TaskRecord task;
    task.id = id + "-t";
    task.run_id = id;
    task.node = "load";
    task.state = task_state;
    task.inputs = std::move(inputs);
    ASSERT_TRUE(store_->CreateRun(run, {task}).ok());
  }
  void AddModel(const std::string& name, int versions) {
    for (int i = 0; i < versions; ++i) {
      ModelVersionRecord v;
      v.model_name = name;
      v.artifact_digest = std::string(64, 'a');
      v.format = "xgboost";
      ASSERT_TRUE(store_->CreateModelVersion(v).ok());
    }
  }
  void AddDataset(const std::string& name) {
    DatasetRecord d;
    d.name = name;
    d.artifact_digest = std::string(64, 'b');
    ASSERT_TRUE(store_->CreateDatasetVersion(d).ok());
  }
};

TEST_F(StoreCleanupTest, RunDeleteRemovesItsTasksAndRefusesARunningRun) {
  AddRun("r-done", state::kSucceeded, state::kSucceeded);
  AddRun("r-live", state::kRunning, state::kRunning);
  AddRun("r-odd", state::kFailed, state::kRunning);  // a task whose process is still ending

  Status live = store_->DeleteRun("r-live");
  EXPECT_EQ(live.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(live.message(), "run 'r-live' is running: cancel it first");
  EXPECT_EQ(store_->DeleteRun("r-odd").message(), "run 'r-odd': task 'load' is still running");
  EXPECT_TRUE(store_->GetRun("r-live").ok());

  ASSERT_TRUE(store_->DeleteRun("r-done").ok());
  EXPECT_EQ(store_->GetRun("r-done").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetTask("r-done-t").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->DeleteRun("r-done").code(), StatusCode::kNotFound);
}

TEST_F(StoreCleanupTest, DatasetDeleteTakesOneOrAllVersionsAndRefusesWhileARunReadsIt) {
  AddDataset("iris");
  AddDataset("iris");
  AddDataset("iris");
  Json pinned = {{"dataset", {{"digest", std::string(64, 'b')},
                              {"dataset", {{"name", "iris"}, {"version", 2}, {"id", "x"}}}}}};
  AddRun("r-live", state::kRunning, state::kPending, pinned);

  Status used = store_->DeleteDataset("iris", 2);
  EXPECT_EQ(used.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(used.message(), "dataset 'iris' version 2 is read by unfinished run 'r-live'");
  EXPECT_EQ(store_->DeleteDataset("iris", 0).code(), StatusCode::kFailedPrecondition);

  ASSERT_TRUE(store_->DeleteDataset("iris", 3).ok());
  EXPECT_EQ(store_->GetDataset("iris", 0)->version, 2);
  EXPECT_EQ(store_->DeleteDataset("iris", 3).message(), "dataset 'iris' version 3 not found");

  RunRecord done = *store_->GetRun("r-live");
  done.state = state::kSucceeded;
  ASSERT_TRUE(store_->UpdateRun(done).ok());
  ASSERT_TRUE(store_->DeleteDataset("iris", 0).ok());
  EXPECT_EQ(store_->GetDataset("iris", 0).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListDatasets()->empty());
}

TEST_F(StoreCleanupTest, ModelVersionDeleteIsRefusedWhileAServiceOrAnAliasUsesIt) {
  AddModel("m", 4);
  ASSERT_TRUE(store_->SetModelAlias("m", "production", 1).ok());
  ASSERT_TRUE(store_->SetModelTag({"m", 4, "team", "risk"}).ok());
  ServiceRecord svc;
  svc.name = "web";
  svc.model_name = "m";
  svc.model_version = 2;
  svc.state = "stopped";
  ServiceSpecRecord spec;
  spec.name = "web";
  spec.canary_model = "m";
  spec.canary_version = 3;
  spec.canary_weight = 10;
  ASSERT_TRUE(store_->PutServiceState(svc, spec, {}).ok());

  EXPECT_EQ(store_->DeleteModelVersion("m", 1).message(),
            "model 'm:1' is alias 'production': move or remove the alias first");
  EXPECT_EQ(store_->DeleteModelVersion("m", 2).message(),
            "model 'm:2' is used by service 'web' (stopped): delete or update the service first");
  EXPECT_EQ(store_->DeleteModelVersion("m", 3).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->DeleteModelVersion("m", 9).code(), StatusCode::kNotFound);

  ASSERT_TRUE(store_->DeleteModelVersion("m", 4).ok());
  EXPECT_EQ(store_->GetModelVersion("m", 4).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ListModelTags("m")->empty());
  EXPECT_EQ(store_->ListModelVersions("m")->size(), 3u);

  // With the service gone and the alias moved off, the last versions go, and the model.
  ASSERT_TRUE(store_->DeleteService("web").ok());
  ASSERT_TRUE(store_->RemoveModelAlias("m", "production").ok());
  for (int v = 1; v <= 3; ++v) ASSERT_TRUE(store_->DeleteModelVersion("m", v).ok()) << v;
  EXPECT_TRUE(store_->ListModels()->empty());
}

TEST_F(StoreCleanupTest, ListRunsFinishedBeforeSkipsRecentAndUnfinishedRuns) {
  AddRun("old", state::kFailed, state::kFailed);
  clock_.Advance(10'000);
  AddRun("new", state::kSucceeded, state::kSucceeded);
  AddRun("live", state::kRunning, state::kRunning);
  auto old = store_->ListRunsFinishedBefore(clock_.NowMs() - 5'000);
  ASSERT_TRUE(old.ok());
  ASSERT_EQ(old->size(), 1u);
  EXPECT_EQ((*old)[0].id, "old");
}

}  // namespace
}  // namespace tandem::store
