// A server restart in the middle of a run: a new Engine over the same store adopts it.
#include "workflow/engine_test_util.h"

namespace tandem::workflow::testing {
namespace {

const char* kChain = "name: chain\nnodes:\n  a: {operator: gen}\n"
                     "  b: {operator: pass, inputs: {in: a.out}}\n"
                     "  c: {operator: pass, inputs: {in: b.out}}\n";

class RecoverTest : public EngineTest {
 protected:
  // Runs `kChain` until a succeeded and b is running (held), then drops that engine as
  // a killed server would: its processes and store rows stay behind.
  store::RunRecord CrashWithBRunning() {
    launcher_.by_node["b"].hold = true;
    store::RunRecord run = SubmitOk(kChain);
    for (int i = 0; i < 3; ++i) engine_->Tick();
    EXPECT_EQ(TaskOf(run.id, "a").state, "succeeded");
    EXPECT_EQ(TaskOf(run.id, "b").state, "running");
    EXPECT_EQ(TaskOf(run.id, "c").state, "pending");
    engine_.reset();
    return run;
  }
};

TEST_F(RecoverTest, DeadTaskRestartsAsNextAttemptAndFinishedOnesAreKept) {
  store::RunRecord run = CrashWithBRunning();
  store::TaskRecord a_before = TaskOf(run.id, "a");

  FakeLauncher after;  // knows none of the old pids: b's process is dead
  auto engine = MakeEngine(after);
  ASSERT_TRUE(engine->Recover().ok());
  EXPECT_EQ(TaskOf(run.id, "b").state, "pending");
  store::RunRecord done = TickUntilDone(*engine, run.id);
  EXPECT_EQ(done.state, "succeeded") << done.error;
  EXPECT_EQ(after.StartedNodes(), (std::vector<std::string>{"b", "c"}));  // a never again
  store::TaskRecord b = TaskOf(run.id, "b");
  EXPECT_EQ(b.attempt, 2);
  EXPECT_EQ(b.task_dir, "runs/" + run.id + "/b/attempt-2");
  EXPECT_EQ(after.processes()[0].task.attempt, 2);
  EXPECT_TRUE(fs::exists(dir_ / "runs" / run.id / "b" / "attempt-1" / "task.json"));
  EXPECT_EQ(TaskOf(run.id, "c").attempt, 1);
  store::TaskRecord a = TaskOf(run.id, "a");
  EXPECT_EQ(a.attempt, 1);
  EXPECT_EQ(a.outputs, a_before.outputs);
  // c read b's second attempt.
  EXPECT_EQ(after.processes()[1].task.inputs.at("in").digest, b.outputs["out"]["digest"]);
}

TEST_F(RecoverTest, LiveProcessIsWatchedAgainAndJudgedByItsOutputs) {
  store::RunRecord run = CrashWithBRunning();
  store::TaskRecord b = TaskOf(run.id, "b");

  FakeLauncher after;
  after.AddForeign({b.pid, b.start_ticks});
  auto engine = MakeEngine(after);
  ASSERT_TRUE(engine->Recover().ok());
  EXPECT_EQ(engine->RunningCount(), 1);
  for (int i = 0; i < 3; ++i) engine->Tick();
  EXPECT_EQ(TaskOf(run.id, "b").state, "running");
  EXPECT_TRUE(after.processes().empty());

  // The old process finishes its work and exits; not our child, so its code is unknown.
  FakeProcess* old = launcher_.Latest("b");
  FakeLauncher::WriteOutputs(old->spec.cwd, old->task, {});
  after.EndForeign(b.pid);
  store::RunRecord done = TickUntilDone(*engine, run.id);
  EXPECT_EQ(done.state, "succeeded") << done.error;
  EXPECT_EQ(TaskOf(run.id, "b").attempt, 1);
  EXPECT_EQ(after.StartedNodes(), (std::vector<std::string>{"c"}));
}

TEST_F(RecoverTest, LiveProcessEndingWithoutOutputsFails) {
  store::RunRecord run = CrashWithBRunning();
  store::TaskRecord b = TaskOf(run.id, "b");
  FakeLauncher after;
  after.AddForeign({b.pid, b.start_ticks});
  auto engine = MakeEngine(after);
  ASSERT_TRUE(engine->Recover().ok());
  after.EndForeign(b.pid);
  store::RunRecord done = TickUntilDone(*engine, run.id);
  EXPECT_EQ(done.state, "failed");
  EXPECT_EQ(done.error, "node b failed: process ended (exit code unknown) without outputs.json");
  EXPECT_EQ(TaskOf(run.id, "c").state, "cancelled");
}

TEST_F(RecoverTest, RecoverIsIdempotentAndIgnoresFinishedRuns) {
  store::RunRecord finished = SubmitOk("name: one\nnodes:\n  g: {operator: gen}\n");
  ASSERT_EQ(TickUntilDone(*engine_, finished.id).state, "succeeded");
  store::RunRecord run = CrashWithBRunning();
  FakeLauncher after;
  auto engine = MakeEngine(after);
  ASSERT_TRUE(engine->Recover().ok());
  ASSERT_TRUE(engine->Recover().ok());
  EXPECT_EQ(TickUntilDone(*engine, run.id).state, "succeeded");
  EXPECT_EQ(after.StartedNodes(), (std::vector<std::string>{"b", "c"}));
}

TEST_F(RecoverTest, ARetryWaitingForItsBackoffStillWaitsAfterARestart) {
  launcher_.by_node["g"].exit_code = 1;
  store::RunRecord run = SubmitOk("name: p\nnodes:\n  g: {operator: gen, retries: {count: 1, backoff: 10s}}\n");
  Ticks(2);  // start, then see the exit: the retry waits until now + 10 s
  ASSERT_EQ(TaskOf(run.id, "g").message, "retrying in 10s (attempt 2 of 2)");
  engine_.reset();
  clock_.Advance(4000);  // the server was down for 4 s

  FakeLauncher after;
  auto engine = MakeEngine(after);
  ASSERT_TRUE(engine->Recover().ok());
  for (int i = 0; i < 3; ++i) engine->Tick();
  clock_.Advance(5999);
  for (int i = 0; i < 3; ++i) engine->Tick();
  EXPECT_TRUE(after.processes().empty());  // 1 ms of the backoff is left
  clock_.Advance(1);
  engine->Tick();
  ASSERT_EQ(after.processes().size(), 1u);
  EXPECT_EQ(after.processes()[0].task.attempt, 2);
  EXPECT_EQ(TickUntilDone(*engine, run.id).state, "succeeded");
}

TEST_F(RecoverTest, ANoCacheRunStaysNoCacheAfterARestart) {
  AddCacheableOperators();
  const std::string yaml = "name: p\nnodes:\n  g: {operator: gen-c, params: {n: 1}}\n";
  store::RunRecord first = SubmitOk(yaml);
  ASSERT_EQ(TickUntilDone(*engine_, first.id).state, "succeeded");
  SubmitOptions no_cache;
  no_cache.no_cache = true;
  auto second = engine_->Submit(yaml, no_cache);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  engine_.reset();  // killed before the run's task started

  FakeLauncher after;
  auto engine = MakeEngine(after);
  ASSERT_TRUE(engine->Recover().ok());
  EXPECT_EQ(TickUntilDone(*engine, second->id).state, "succeeded");
  EXPECT_EQ(TaskOf(second->id, "g").state, "succeeded");  // run again, not cached
  EXPECT_EQ(after.StartedNodes(), (std::vector<std::string>{"g"}));
  EXPECT_EQ(store_->GetRunOrigin(second->id)->no_cache, true);
  EXPECT_EQ(store_->GetRunOrigin(first.id)->no_cache, false);
}

TEST_F(RecoverTest, ATriggerIsRecordedAsTheRunsOrigin) {
  SubmitOptions options;
  options.trigger = "schedule:nightly";
  auto run = engine_->Submit("name: p\nnodes:\n  g: {operator: gen}\n", options);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  auto origin = store_->GetRunOrigin(run->id);
  ASSERT_TRUE(origin.ok());
  EXPECT_EQ(origin->trigger, "schedule:nightly");
  EXPECT_FALSE(origin->no_cache);
}

}  // namespace
}  // namespace tandem::workflow::testing
