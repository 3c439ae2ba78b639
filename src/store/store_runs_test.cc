// Runs and tasks: round trips of every field, listings, updates.
#include "store/store_test_util.h"

namespace tandem::store {
namespace {

RunRecord MakeRun(const std::string& id, const std::string& pipeline, const std::string& state,
              TimeMs created) {
  RunRecord r;
  r.id = id;
  r.pipeline_id = "pipe-" + pipeline;
  r.pipeline_name = pipeline;
  r.pipeline_version = 3;
  r.state = state;
  r.params = {{"lr", 0.1}, {"tags", {"a", "b"}}};
  r.created_ms = created;
  return r;
}

TaskRecord FullTask(const std::string& id, const std::string& run_id) {
  TaskRecord t;
  t.id = id;
  t.run_id = run_id;
  t.node = "train";
  t.operator_name = "xgb_train";
  t.operator_version = 2;
  t.state = "running";
  t.attempt = 1;
  t.params = {{"max_depth", 4}};
  t.inputs = {{"table", {{"digest", "abc"}, {"kind", "table"}}}};
  t.outputs = {{"model", {{"digest", "def"}}}, {"metrics", {{"accuracy", 0.5}}}};
  t.task_dir = "runs/run-1/train/1";
  t.pid = 4242;
  t.start_ticks = 9'000'000'000ull;
  t.exit_code = -1;
  t.error = "unicode ok: \xc3\xa9";
  t.progress = 0.25;
  t.message = "epoch 1";
  t.started_ms = 11;
  t.finished_ms = 22;
  t.cache_key = "key-" + id;
  return t;
}

void ExpectSameTask(const TaskRecord& a, const TaskRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.run_id, b.run_id);
  EXPECT_EQ(a.node, b.node);
  EXPECT_EQ(a.operator_name, b.operator_name);
  EXPECT_EQ(a.operator_version, b.operator_version);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.attempt, b.attempt);
  EXPECT_EQ(a.params, b.params);
  EXPECT_EQ(a.inputs, b.inputs);
  EXPECT_EQ(a.outputs, b.outputs);
  EXPECT_EQ(a.task_dir, b.task_dir);
  EXPECT_EQ(a.pid, b.pid);
  EXPECT_EQ(a.start_ticks, b.start_ticks);
  EXPECT_EQ(a.exit_code, b.exit_code);
  EXPECT_EQ(a.error, b.error);
  EXPECT_DOUBLE_EQ(a.progress, b.progress);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.started_ms, b.started_ms);
  EXPECT_EQ(a.finished_ms, b.finished_ms);
  EXPECT_EQ(a.cache_key, b.cache_key);
}

TEST_F(StoreTest, RunAndTasksRoundTrip) {
  RunRecord run = MakeRun("run-1", "train", "running", 100);
  run.error = "none yet";
  run.started_ms = 101;
  run.finished_ms = 0;
  TaskRecord a = FullTask("task-a", "run-1");
  TaskRecord b = FullTask("task-b", "");  // run_id filled from the run
  b.node = "eval";
  ASSERT_TRUE(store_->CreateRun(run, {a, b}).ok());

  auto got = store_->GetRun("run-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->pipeline_id, run.pipeline_id);
  EXPECT_EQ(got->pipeline_name, "train");
  EXPECT_EQ(got->pipeline_version, 3);
  EXPECT_EQ(got->state, "running");
  EXPECT_EQ(got->error, "none yet");
  EXPECT_EQ(got->params, run.params);
  EXPECT_EQ(got->created_ms, 100);
  EXPECT_EQ(got->started_ms, 101);

  auto tasks = store_->ListTasks("run-1");
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 2u);
  ExpectSameTask((*tasks)[0], a);
  EXPECT_EQ((*tasks)[1].node, "eval");
  EXPECT_EQ((*tasks)[1].run_id, "run-1");
  ExpectSameTask(*store_->GetTask("task-a"), a);

  a.state = "succeeded";
  a.exit_code = 0;
  a.outputs["extra"] = {1, 2, 3};
  a.progress = 1;
  ASSERT_TRUE(store_->UpdateTask(a).ok());
  ExpectSameTask(*store_->GetTask("task-a"), a);

  run.state = "succeeded";
  run.finished_ms = 500;
  ASSERT_TRUE(store_->UpdateRun(run).ok());
  Reopen();
  EXPECT_EQ(store_->GetRun("run-1")->finished_ms, 500);
  ExpectSameTask(*store_->GetTask("task-a"), a);
}

TEST_F(StoreTest, FindCachedTaskReturnsTheLatestSuccessWithTheKey) {
  TaskRecord failed = FullTask("task-f", "run-1");
  failed.state = "failed";
  failed.cache_key = "k";
  TaskRecord old = FullTask("task-old", "run-1");
  old.state = "succeeded";
  old.cache_key = "k";
  old.finished_ms = 10;
  TaskRecord fresh = FullTask("task-new", "run-1");
  fresh.state = "succeeded";
  fresh.cache_key = "k";
  fresh.finished_ms = 20;
  TaskRecord no_key = FullTask("task-none", "run-1");
  no_key.state = "succeeded";
  no_key.cache_key = "";
  ASSERT_TRUE(store_->CreateRun(MakeRun("run-1", "p", "running", 1), {failed, old, fresh, no_key}).ok());
  auto hit = store_->FindCachedTask("k");
  ASSERT_TRUE(hit.ok()) << hit.status().ToString();
  ASSERT_TRUE(hit->has_value());
  ExpectSameTask(**hit, fresh);
  EXPECT_FALSE(store_->FindCachedTask("other")->has_value());
  EXPECT_FALSE(store_->FindCachedTask("")->has_value());
}

TEST_F(StoreTest, MissingRunsAndTasksAreNotFound) {
  auto run = store_->GetRun("run-x");
  EXPECT_EQ(run.status().code(), StatusCode::kNotFound);
  EXPECT_NE(run.status().message().find("run 'run-x'"), std::string::npos);
  EXPECT_EQ(store_->GetTask("task-x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->UpdateRun(MakeRun("run-x", "p", "running", 1)).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->UpdateTask(FullTask("task-x", "run-x")).code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, CreateRunIsAllOrNothing) {
  TaskRecord dup = FullTask("task-a", "run-1");
  Status st = store_->CreateRun(MakeRun("run-1", "p", "pending", 1), {dup, dup});
  EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->GetRun("run-1").status().code(), StatusCode::kNotFound);

  st = store_->CreateRun(MakeRun("run-2", "p", "pending", 1), {FullTask("task-b", "run-other")});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetRun("run-2").status().code(), StatusCode::kNotFound);
}

TEST_F(StoreTest, ListRunsFiltersNewestFirst) {
  ASSERT_TRUE(store_->CreateRun(MakeRun("run-1", "train", "succeeded", 10), {}).ok());
  ASSERT_TRUE(store_->CreateRun(MakeRun("run-2", "train", "running", 20), {}).ok());
  ASSERT_TRUE(store_->CreateRun(MakeRun("run-3", "score", "running", 30), {}).ok());

  auto all = store_->ListRuns({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, "run-3");
  EXPECT_EQ((*all)[2].id, "run-1");

  auto train = store_->ListRuns({"train", "", 100});
  ASSERT_EQ(train->size(), 2u);
  EXPECT_EQ((*train)[0].id, "run-2");
  auto running_train = store_->ListRuns({"train", "running", 100});
  ASSERT_EQ(running_train->size(), 1u);
  EXPECT_EQ((*running_train)[0].id, "run-2");
  EXPECT_EQ(store_->ListRuns({"", "", 1})->size(), 1u);
}

TEST_F(StoreTest, UnfinishedRunsOldestFirst) {
  ASSERT_TRUE(store_->CreateRun(MakeRun("run-1", "p", "succeeded", 10), {}).ok());
  ASSERT_TRUE(store_->CreateRun(MakeRun("run-2", "p", "running", 40), {}).ok());
  ASSERT_TRUE(store_->CreateRun(MakeRun("run-3", "p", "pending", 20), {}).ok());
  ASSERT_TRUE(store_->CreateRun(MakeRun("run-4", "p", "cancelled", 5), {}).ok());
  ASSERT_TRUE(store_->CreateRun(MakeRun("run-5", "p", "queued", 30), {}).ok());
  auto open = store_->ListUnfinishedRuns();
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 3u);
  EXPECT_EQ((*open)[0].id, "run-3");
  EXPECT_EQ((*open)[1].id, "run-5");
  EXPECT_EQ((*open)[2].id, "run-2");
}

TEST_F(StoreTest, RunStateChangesGroupInOneTransaction) {
  RunRecord run = MakeRun("run-1", "p", "running", 1);
  TaskRecord t = FullTask("task-a", "run-1");
  ASSERT_TRUE(store_->CreateRun(run, {t}).ok());
  Status st = store_->Transaction([&]() -> Status {
    t.state = "failed";
    RETURN_IF_ERROR(store_->UpdateTask(t));
    run.state = "failed";
    RETURN_IF_ERROR(store_->UpdateRun(run));
    return Unavailable("crash before the end");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(store_->GetTask("task-a")->state, "running");
  EXPECT_EQ(store_->GetRun("run-1")->state, "running");
}

}  // namespace
}  // namespace tandem::store
