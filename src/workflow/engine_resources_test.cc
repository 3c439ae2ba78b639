// The engine with a resource broker: tasks wait for their grant, start confined to it,
// give it back, and yield to higher-priority work. FakeClock + FakeLauncher + a broker
// over a declared one-GPU node.
#include <signal.h>

#include "resources/inventory.h"
#include "workflow/engine_test_util.h"

namespace tandem::workflow::testing {
namespace {

namespace st = store::state;

// A broker over "box": 4 CPUs, 8 GiB and `gpus` T4s.
std::unique_ptr<resources::ResourceBroker> BoxBroker(int gpus, Clock& clock) {
  Json cluster = {{"nodes", {{{"name", "box"}, {"cpus", 4}, {"memory", "8Gi"},
                              {"gpus", {{{"model", "T4"}, {"memory", "16Gi"}, {"count", gpus}}}}}}}};
  auto config = resources::ServerCluster(cluster, {});
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  auto s = scheduler::Scheduler::Create(scheduler::ClusterState(config->nodes), {});
  EXPECT_TRUE(s.ok());
  return std::make_unique<resources::ResourceBroker>(std::move(s).value(), clock);
}

// Two independent tasks, each asking one whole GPU.
constexpr const char* kTwoOneGpuTasks =
    "name: p\nnodes:\n"
    "  a: {operator: gen, resources: {gpu: 1}}\n"
    "  b: {operator: gen, resources: {gpu: 1}}\n";

class EngineResourcesTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    broker_ = BoxBroker(1, clock_);
    options_.broker = broker_.get();
    options_.max_parallel = 8;
    engine_ = MakeEngine(launcher_);
  }
  void TearDown() override {
    engine_.reset();
    EngineTest::TearDown();
  }

  size_t BrokerJobs() { return broker_->Snapshot()["jobs"].size(); }

  std::unique_ptr<resources::ResourceBroker> broker_;
  // For a second server over the same store (TearDown stops the engine before these go).
  std::unique_ptr<resources::ResourceBroker> restarted_broker_;
  FakeLauncher restarted_launcher_;
};

TEST_F(EngineResourcesTest, ATaskStartsConfinedToItsGrantAndGivesItBack) {
  store::RunRecord run = SubmitOk("name: p\nnodes:\n"
                                  "  g: {operator: gen, resources: {cpus: 2, memory: 512Mi, gpu: {fraction: 0.5}}}\n"
                                  "  h: {operator: pass, inputs: {in: g.out}}\n");
  ASSERT_EQ(TickUntilDone(*engine_, run.id).state, "succeeded");
  const FakeProcess& g = launcher_.processes()[0];
  ASSERT_TRUE(g.spec.limits.has_value());
  EXPECT_DOUBLE_EQ(g.spec.limits->cpus, 2.0);
  EXPECT_EQ(g.spec.limits->memory_bytes, 512ull << 20);
  EXPECT_EQ(g.spec.limits->gpu_devices, std::vector<int>{0});
  EXPECT_EQ(g.spec.limits->gpu_compute_percent, 50);
  EXPECT_EQ(g.task.allocation["node"], "box");
  EXPECT_EQ(g.task.allocation["gpus"], Json::array({0}));
  // Nothing declared: one CPU on the books, no cap.
  const FakeProcess& h = launcher_.processes()[1];
  ASSERT_TRUE(h.spec.limits.has_value());  // set: without a GPU granted it sees none
  EXPECT_TRUE(h.spec.limits->gpu_devices.empty());
  EXPECT_EQ(h.spec.limits->cpus, 0);
  EXPECT_EQ(h.spec.limits->memory_bytes, 0u);
  EXPECT_EQ(h.task.allocation["cpus"], 1.0);
  EXPECT_EQ(BrokerJobs(), 0u);
}

TEST_F(EngineResourcesTest, ATaskWaitsForResourcesAndSaysWhy) {
  launcher_.by_node["a"].hold = true;
  store::RunRecord run = SubmitOk(kTwoOneGpuTasks);
  Ticks(3);
  EXPECT_EQ(TaskOf(run.id, "a").state, st::kRunning);
  store::TaskRecord b = TaskOf(run.id, "b");
  EXPECT_EQ(b.state, st::kPending);
  EXPECT_EQ(b.message.rfind("waiting for resources: ", 0), 0u) << b.message;
  EXPECT_EQ(launcher_.processes().size(), 1u);
  launcher_.Finish("a");
  ASSERT_EQ(TickUntilDone(*engine_, run.id).state, "succeeded");
  EXPECT_EQ(launcher_.StartedNodes(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(EngineResourcesTest, HigherPriorityWorkPreemptsAndThePreemptedTaskRunsAgainWithoutUsingARetry) {
  launcher_.by_node["low"].hold = true;
  launcher_.by_node["high"].hold = true;
  store::RunRecord low = SubmitOk("name: low\nnodes:\n  low: {operator: gen, resources: {gpu: 1, priority: 0}}\n");
  Ticks(2);
  ASSERT_EQ(TaskOf(low.id, "low").state, st::kRunning);
  store::RunRecord high = SubmitOk("name: high\nnodes:\n  high: {operator: gen, resources: {gpu: 1, priority: 10}}\n");
  Ticks(3);
  // low got SIGTERM, ended, and waits again; high runs on the GPU.
  ASSERT_FALSE(launcher_.kills().empty());
  EXPECT_EQ(launcher_.kills()[0].second, SIGTERM);
  store::TaskRecord preempted = TaskOf(low.id, "low");
  EXPECT_EQ(preempted.state, st::kPending);
  // Named by the task that took its place.
  EXPECT_NE(preempted.message.find("preempted by " + high.id + "/high"), std::string::npos) << preempted.message;
  EXPECT_EQ(TaskOf(high.id, "high").state, st::kRunning);

  launcher_.Finish("high");
  ASSERT_EQ(TickUntilDone(*engine_, high.id).state, "succeeded");
  Ticks(2);
  EXPECT_EQ(TaskOf(low.id, "low").state, st::kRunning);
  EXPECT_EQ(TaskOf(low.id, "low").attempt, 2);
  launcher_.Finish("low");
  // retries: 0, yet the second attempt is allowed: preemption was not the task's fault.
  EXPECT_EQ(TickUntilDone(*engine_, low.id).state, "succeeded");
  EXPECT_EQ(BrokerJobs(), 0u);
}

TEST_F(EngineResourcesTest, CancellingARunDropsItsQueuedRequests) {
  launcher_.by_node["a"].hold = true;
  store::RunRecord run = SubmitOk(kTwoOneGpuTasks);
  Ticks(3);
  EXPECT_EQ(BrokerJobs(), 2u);
  ASSERT_TRUE(engine_->Cancel(run.id).ok());
  Ticks(2);
  EXPECT_EQ(BrokerJobs(), 0u);
}

TEST_F(EngineResourcesTest, ATaskNoNodeCanHostFailsNamingItsResources) {
  store::RunRecord run = SubmitOk("name: p\nnodes:\n  g: {operator: gen, resources: {cpus: 64}}\n");
  EXPECT_EQ(TickUntilDone(*engine_, run.id).state, "failed");
  store::TaskRecord g = TaskOf(run.id, "g");
  EXPECT_EQ(g.error.rfind("nodes.g.resources: ", 0), 0u) << g.error;
  EXPECT_NE(g.error.find("no node of the cluster can ever host it"), std::string::npos) << g.error;
}

TEST_F(EngineResourcesTest, ATaskThatOutlivesARestartIsBookedAgainOnTheGpusItRuns) {
  // Two GPUs: a runs on GPU 0, b on GPU 1. The server dies; a's process with it, b's
  // lives on. The new server must book b on GPU 1 again, so that a's next attempt gets
  // GPU 0 rather than the GPU b is still using.
  engine_.reset();
  broker_ = BoxBroker(2, clock_);
  options_.broker = broker_.get();
  engine_ = MakeEngine(launcher_);
  launcher_.by_node["a"].hold = true;
  launcher_.by_node["b"].hold = true;
  store::RunRecord run = SubmitOk(kTwoOneGpuTasks);
  Ticks(3);
  ASSERT_EQ(TaskOf(run.id, "b").state, st::kRunning);
  ASSERT_EQ(launcher_.Latest("a")->task.allocation["gpus"], Json::array({0}));
  ASSERT_EQ(launcher_.Latest("b")->task.allocation["gpus"], Json::array({1}));
  engine_.reset();  // killed

  restarted_broker_ = BoxBroker(2, clock_);
  options_.broker = restarted_broker_.get();
  FakeLauncher& after = restarted_launcher_;
  after.by_node["a"].hold = true;
  const store::TaskRecord b = TaskOf(run.id, "b");
  after.AddForeign({b.pid, b.start_ticks});
  engine_ = MakeEngine(after);
  ASSERT_TRUE(engine_->Recover().ok());
  Ticks(3);
  FakeProcess* a2 = after.Latest("a");
  ASSERT_NE(a2, nullptr);
  EXPECT_EQ(a2->task.attempt, 2);
  ASSERT_TRUE(a2->spec.limits.has_value());
  EXPECT_EQ(a2->spec.limits->gpu_devices, std::vector<int>{0});
  EXPECT_EQ(restarted_broker_->Snapshot()["jobs"].size(), 2u);  // b adopted, a's attempt 2
}

}  // namespace
}  // namespace tandem::workflow::testing
