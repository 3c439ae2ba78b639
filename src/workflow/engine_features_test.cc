// The engine's per-node features: pipeline params, retries, timeouts, when, resources
// and the task cache. FakeClock + FakeLauncher + the real SQLite store.
#include <signal.h>

#include "workflow/cache_key.h"
#include "workflow/engine_test_util.h"

namespace tandem::workflow::testing {
namespace {

namespace st = store::state;

using EngineFeaturesTest = EngineTest;

TEST_F(EngineFeaturesTest, PipelineParamsAreResolvedIntoTasksAndTaskJson) {
  const char* yaml = R"(name: p
params:
  rounds: {type: integer, default: 100}
  objective: {type: string, default: "binary:logistic"}
nodes:
  g: {operator: gen, params: {num_rounds: "{{params.rounds}}", note: "obj {{params.objective}}"}}
)";
  SubmitOptions opts;
  opts.params = {{"rounds", 7}};
  auto run = engine_->Submit(yaml, opts);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->params, Json({{"rounds", 7}, {"objective", "binary:logistic"}}));
  EXPECT_EQ(store_->GetRun(run->id)->params["rounds"], 7);
  EXPECT_EQ(TaskOf(run->id, "g").params, Json({{"num_rounds", 7}, {"note", "obj binary:logistic"}}));
  ASSERT_EQ(TickUntilDone(*engine_, run->id).state, "succeeded");
  EXPECT_EQ(launcher_.processes()[0].task.params["num_rounds"], 7);
  EXPECT_TRUE(launcher_.processes()[0].task.params["num_rounds"].is_number_integer());

  opts.params = {{"rouns", 7}};
  auto bad = engine_->Submit(std::string(yaml) + "  h: {operator: gen, params: {n: \"{{params.x}}\"}}\n", opts);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "params.rouns: unknown pipeline param 'rouns'; "
                                    "nodes.h.params.n: unknown pipeline param 'x'");
}

TEST_F(EngineFeaturesTest, FailedAttemptsAreRetriedWithExponentialBackoff) {
  launcher_.by_node["g"].exit_code = 1;
  launcher_.by_node["g"].stderr_text = "flaky\n";
  store::RunRecord run = SubmitOk("name: p\nnodes:\n  g: {operator: gen, retries: {count: 2, backoff: 1s}}\n"
                                  "  h: {operator: pass, inputs: {in: g.out}}\n");
  Ticks(2);  // start, then see the exit
  store::TaskRecord g = TaskOf(run.id, "g");
  EXPECT_EQ(g.state, "pending");
  EXPECT_EQ(g.attempt, 1);
  EXPECT_EQ(g.message, "retrying in 1s (attempt 2 of 3)");
  EXPECT_EQ(g.error, "exit code 1: flaky");
  Ticks(3);
  clock_.Advance(999);
  Ticks(3);
  EXPECT_EQ(launcher_.processes().size(), 1u);  // still waiting
  clock_.Advance(1);
  Ticks(2);
  EXPECT_EQ(launcher_.processes().size(), 2u);
  g = TaskOf(run.id, "g");
  EXPECT_EQ(g.attempt, 2);
  EXPECT_EQ(g.state, "pending");
  EXPECT_EQ(g.message, "retrying in 2s (attempt 3 of 3)");
  EXPECT_EQ(g.task_dir, "runs/" + run.id + "/g/attempt-2");
  clock_.Advance(1999);
  Ticks(3);
  EXPECT_EQ(launcher_.processes().size(), 2u);
  launcher_.by_node["g"].exit_code = 0;  // the third attempt works
  clock_.Advance(1);
  EXPECT_EQ(TickUntilDone(*engine_, run.id).state, "succeeded");
  g = TaskOf(run.id, "g");
  EXPECT_EQ(g.attempt, 3);
  EXPECT_EQ(g.state, "succeeded");
  EXPECT_EQ(g.error, "");
  EXPECT_EQ(launcher_.StartedNodes(), (std::vector<std::string>{"g", "g", "g", "h"}));
}

TEST_F(EngineFeaturesTest, TheLastFailedAttemptFailsTheRun) {
  launcher_.by_node["g"].exit_code = 3;
  store::RunRecord run = SubmitOk("name: p\nnodes:\n  g: {operator: gen, retries: 1}\n");
  store::RunRecord done = TickUntilDone(*engine_, run.id, 400);  // 10 ms a tick: 1s backoff
  EXPECT_EQ(done.state, "failed");
  EXPECT_EQ(done.error, "node g failed: exit code 3");
  EXPECT_EQ(TaskOf(run.id, "g").attempt, 2);
  EXPECT_EQ(launcher_.processes().size(), 2u);
}

TEST_F(EngineFeaturesTest, AnAttemptPastItsTimeoutIsKilledAndRetried) {
  launcher_.by_node["g"].hold = true;
  launcher_.by_node["g"].ignore_sigterm = true;
  store::RunRecord run = SubmitOk("name: p\nnodes:\n  g: {operator: gen, timeout: 30s, retries: 1}\n");
  Ticks(1);
  const int pid = launcher_.processes()[0].handle.pid;
  clock_.Advance(29999);
  Ticks(2);
  EXPECT_TRUE(launcher_.kills().empty());
  clock_.Advance(1);
  Ticks(1);
  ASSERT_EQ(launcher_.kills().size(), 1u);
  EXPECT_EQ(launcher_.kills()[0], std::make_pair(pid, SIGTERM));
  clock_.Advance(options_.kill_grace_ms);  // SIGTERM ignored: SIGKILL after the grace
  Ticks(2);
  ASSERT_EQ(launcher_.kills().size(), 2u);
  EXPECT_EQ(launcher_.kills()[1], std::make_pair(pid, SIGKILL));
  store::TaskRecord g = TaskOf(run.id, "g");
  EXPECT_EQ(g.state, "pending");
  EXPECT_EQ(g.error, "timed out after 30s");
  EXPECT_EQ(g.exit_code, 128 + SIGKILL);
  EXPECT_EQ(g.message, "retrying in 1s (attempt 2 of 2)");

  // The second attempt also hangs: this time SIGTERM works, and the run fails.
  launcher_.by_node["g"].ignore_sigterm = false;
  clock_.Advance(1000);
  Ticks(1);
  ASSERT_EQ(launcher_.processes().size(), 2u);
  clock_.Advance(30000);
  Ticks(2);
  store::RunRecord done = *store_->GetRun(run.id);
  EXPECT_EQ(done.state, "failed");
  EXPECT_EQ(done.error, "node g failed: timed out after 30s");
  EXPECT_EQ(launcher_.kills().size(), 3u);
}

TEST_F(EngineFeaturesTest, AFalseWhenSkipsTheNodeAndItsDependants) {
  launcher_.by_node["eval"].metrics = {{"accuracy", 0.8}};
  const char* yaml = "name: p\nnodes:\n"
                     "  eval: {operator: gen}\n"
                     "  other: {operator: gen}\n"
                     "  deploy: {operator: pass, inputs: {in: other.out}, when: \"eval.metrics.accuracy >= 0.9\"}\n"
                     "  after: {operator: pass, inputs: {in: deploy.out}}\n"
                     "  side: {operator: pass, inputs: {in: other.out}}\n";
  store::RunRecord run = SubmitOk(yaml);
  store::RunRecord done = TickUntilDone(*engine_, run.id);
  EXPECT_EQ(done.state, "succeeded") << done.error;
  EXPECT_EQ(TaskOf(run.id, "deploy").state, "skipped");
  EXPECT_EQ(TaskOf(run.id, "deploy").message, "skipped: when 'eval.metrics.accuracy >= 0.9' is false");
  EXPECT_EQ(TaskOf(run.id, "after").state, "skipped");
  EXPECT_EQ(TaskOf(run.id, "after").message, "skipped: upstream node 'deploy' was skipped");
  EXPECT_EQ(TaskOf(run.id, "side").state, "succeeded");
  EXPECT_EQ(launcher_.StartedNodes(), (std::vector<std::string>{"eval", "other", "side"}));

  launcher_.by_node["eval"].metrics = {{"accuracy", 0.95}};
  store::RunRecord again = SubmitOk(yaml);
  EXPECT_EQ(TickUntilDone(*engine_, again.id).state, "succeeded");
  EXPECT_EQ(TaskOf(again.id, "deploy").state, "succeeded");
  EXPECT_EQ(TaskOf(again.id, "after").state, "succeeded");
}

TEST_F(EngineFeaturesTest, ASecondIdenticalRunReusesCachedOutputs) {
  AddCacheableOperators();
  const std::string yaml = "name: p\nnodes:\n  g: {operator: gen-c, params: {n: 1}}\n"
                           "  h: {operator: pass-c, inputs: {in: g.out}}\n"
                           "  k: {operator: pass-c, inputs: {in: g.out}, params: {k: 1}, cache: false}\n";
  store::RunRecord first = SubmitOk(yaml);
  ASSERT_EQ(TickUntilDone(*engine_, first.id).state, "succeeded");
  ASSERT_EQ(launcher_.processes().size(), 3u);
  store::TaskRecord h1 = TaskOf(first.id, "h");
  EXPECT_EQ(h1.cache_key.size(), 64u);

  store::RunRecord second = SubmitOk(yaml);
  EXPECT_EQ(TickUntilDone(*engine_, second.id).state, "succeeded");
  EXPECT_EQ(launcher_.StartedNodes(), (std::vector<std::string>{"g", "h", "k", "k"}));
  store::TaskRecord g2 = TaskOf(second.id, "g");
  store::TaskRecord h2 = TaskOf(second.id, "h");
  EXPECT_EQ(g2.state, "cached");
  EXPECT_EQ(h2.state, "cached");
  EXPECT_EQ(h2.cache_key, h1.cache_key);
  EXPECT_EQ(h2.outputs, h1.outputs);
  EXPECT_EQ(h2.message, "cached: outputs of task " + h1.id + " (run " + first.id + ")");
  EXPECT_EQ(h2.inputs["in"]["from"], "g.out");
  EXPECT_EQ(TaskOf(second.id, "k").state, "succeeded");

  // no_cache runs everything; other params make another key.
  SubmitOptions opts;
  opts.no_cache = true;
  auto third = engine_->Submit(yaml, opts);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(TickUntilDone(*engine_, third->id).state, "succeeded");
  EXPECT_EQ(launcher_.processes().size(), 7u);
  EXPECT_EQ(TaskOf(third->id, "h").cache_key, h1.cache_key);
  store::RunRecord fourth = SubmitOk("name: p\nnodes:\n  g: {operator: gen-c, params: {n: 2}}\n");
  EXPECT_EQ(TickUntilDone(*engine_, fourth.id).state, "succeeded");
  EXPECT_EQ(TaskOf(fourth.id, "g").state, "succeeded");
  EXPECT_EQ(launcher_.processes().size(), 8u);
}

TEST(CacheKeyTest, SideEffectsAndUndigestedOperatorsAreNeverCached) {
  operators::OperatorDef def;
  def.name = "x";
  def.digest = "d";
  def.outputs = {{"out", {"table"}}};
  EXPECT_TRUE(OperatorIsCacheable(def));
  operators::OperatorDef reg = def;
  reg.name = "register-model";
  EXPECT_FALSE(OperatorIsCacheable(reg));
  operators::OperatorDef deploy = def;
  deploy.category = "deploy";
  EXPECT_FALSE(OperatorIsCacheable(deploy));
  operators::OperatorDef no_outputs = def;
  no_outputs.outputs.clear();
  EXPECT_FALSE(OperatorIsCacheable(no_outputs));
  operators::OperatorDef no_digest = def;
  no_digest.digest.clear();
  EXPECT_FALSE(OperatorIsCacheable(no_digest));

  std::map<std::string, operators::InputArtifact> in;
  in["a"].digest = "1";
  in["b"].digest = "2";
  const std::string key = CacheKey(def, {{"x", 1}, {"y", "z"}}, in);
  EXPECT_EQ(key, CacheKey(def, {{"y", "z"}, {"x", 1}}, in));
  EXPECT_NE(key, CacheKey(def, {{"x", 2}, {"y", "z"}}, in));
  in["b"].digest = "3";
  EXPECT_NE(key, CacheKey(def, {{"x", 1}, {"y", "z"}}, in));
  operators::OperatorDef v2 = def;
  v2.version = 2;
  EXPECT_NE(CacheKey(v2, {{"x", 1}, {"y", "z"}}, in), CacheKey(def, {{"x", 1}, {"y", "z"}}, in));
}

}  // namespace
}  // namespace tandem::workflow::testing
