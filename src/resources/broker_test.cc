#include "resources/broker.h"

#include <gtest/gtest.h>

#include "resources/grant_limits.h"
#include "resources/health_watch.h"
#include "resources/inventory.h"
#include "resources/resource_request.h"

namespace tandem::resources {
namespace {

// One node "box" with 4 CPUs, 8 GiB and one 16 GiB T4 (no oversubscription).
std::unique_ptr<ResourceBroker> OneGpuBroker(Clock& clock) {
  Json cluster = {{"nodes", {{{"name", "box"}, {"cpus", 4}, {"memory", "8Gi"},
                              {"gpus", {{{"model", "T4"}, {"memory", "16Gi"}}}}}}}};
  auto config = ServerCluster(cluster, {});
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  auto s = scheduler::Scheduler::Create(scheduler::ClusterState(config->nodes, config->oversubscription), {});
  EXPECT_TRUE(s.ok());
  return std::make_unique<ResourceBroker>(std::move(s).value(), clock);
}

scheduler::Request Ask(const Json& resources, const std::string& name = "job") {
  auto r = RequestFor(Json::object(), resources, name, "resources");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

TEST(BrokerTest, GrantsASliceAndTurnsItIntoLimits) {
  FakeClock clock(1000);
  auto broker = OneGpuBroker(clock);
  auto job = broker->Submit("engine", "run-1/train attempt 1",
                            Ask({{"cpus", 2}, {"memory", "1Gi"}, {"gpu", {{"fraction", 0.25}}}}));
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  auto grant = broker->Granted(*job);
  ASSERT_TRUE(grant.has_value());
  EXPECT_EQ(grant->node, "box");
  EXPECT_EQ(grant->gpus, std::vector<int>{0});
  EXPECT_TRUE(grant->gpu_slice);
  EXPECT_EQ(grant->compute_percent, 25);  // its ask: the MPS share it may use

  ResourceLimits limits = LimitsFor(*grant, /*enforce_cpus=*/true, /*enforce_memory=*/true);
  EXPECT_DOUBLE_EQ(limits.cpus, 2.0);
  EXPECT_EQ(limits.memory_bytes, 1024ull * 1024 * 1024);
  EXPECT_EQ(limits.gpu_devices, std::vector<int>{0});
  EXPECT_EQ(AllocationJson(*grant)["node"], "box");

  ResourceLimits books_only = LimitsFor(*grant, false, false);
  EXPECT_EQ(books_only.cpus, 0);
  EXPECT_EQ(books_only.memory_bytes, 0u);
}

TEST(BrokerTest, AJobThatCanNeverFitIsRefusedNamingWhy) {
  FakeClock clock(0);
  auto broker = OneGpuBroker(clock);
  auto job = broker->Submit("engine", "big", Ask({{"cpus", 64}}));
  ASSERT_FALSE(job.ok());
  EXPECT_NE(job.status().message().find("no node of the cluster can ever host it"), std::string::npos)
      << job.status().message();
}

TEST(BrokerTest, HigherPriorityPreemptsLowerElasticWorkButNeverTheFixedSlice) {
  FakeClock clock(0);
  auto broker = OneGpuBroker(clock);
  auto infer = broker->Submit("services", "service s replica r1",
                              Ask({{"gpu", {{"fraction", 0.3}}}, {"environment", "infer"}}));
  auto low = broker->Submit("engine", "low", Ask({{"gpu", {{"fraction", 0.6}}}, {"priority", 0}}));
  ASSERT_TRUE(infer.ok() && low.ok());
  ASSERT_TRUE(broker->Granted(*infer) && broker->Granted(*low));
  clock.Advance(10);
  auto high = broker->Submit("engine", "high", Ask({{"gpu", {{"fraction", 0.6}}}, {"priority", 10}}));
  ASSERT_TRUE(high.ok());
  EXPECT_TRUE(broker->Granted(*high).has_value());
  EXPECT_FALSE(broker->Granted(*low).has_value());
  EXPECT_TRUE(broker->Granted(*infer).has_value());

  std::vector<Notice> engine = broker->TakeNotices("engine");
  ASSERT_EQ(engine.size(), 1u);
  EXPECT_EQ(engine[0].job, *low);
  EXPECT_EQ(engine[0].kind, Notice::Kind::kPreempted);
  EXPECT_TRUE(broker->TakeNotices("engine").empty());  // taken once
  EXPECT_TRUE(broker->TakeNotices("services").empty());
  EXPECT_FALSE(broker->WaitingReason(*low).empty());

  // The preemptor finishes: the preempted job is granted again, still queued under its id.
  broker->Release(*high);
  EXPECT_TRUE(broker->Granted(*low).has_value());

  Json snap = broker->Snapshot();
  bool saw_preempted = false;
  for (const Json& e : snap["events"]) saw_preempted |= e["kind"] == "preempted" && e["holder"] == "low";
  EXPECT_TRUE(saw_preempted) << snap["events"].dump();
  bool saw_holder = false;
  for (const Json& j : snap["jobs"]) saw_holder |= j.value("holder", "") == "service s replica r1";
  EXPECT_TRUE(saw_holder);
}

TEST(BrokerTest, DrainingTheGpuRequeuesElasticWorkAndRestoreBringsItBack) {
  FakeClock clock(0);
  auto broker = OneGpuBroker(clock);
  auto train = broker->Submit("engine", "train", Ask({{"gpu", 1}}));
  ASSERT_TRUE(train.ok());
  ASSERT_TRUE(broker->Granted(*train));

  EXPECT_EQ(broker->Drain("box/7", "admin").message(), "device: node 'box' has no GPU '7' (it has 1)");
  EXPECT_EQ(broker->Drain("nowhere", "admin").message(), "device: unknown node 'nowhere'");
  ASSERT_TRUE(broker->Drain("box/0", "admin").ok());
  EXPECT_FALSE(broker->Granted(*train).has_value());
  auto notices = broker->TakeNotices("engine");
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, Notice::Kind::kPreempted);
  EXPECT_FALSE(broker->Snapshot()["nodes"][0]["gpus"][0]["healthy"].get<bool>());

  ASSERT_TRUE(broker->Restore("box/gpu0", "admin").ok());
  EXPECT_TRUE(broker->Granted(*train).has_value());
}

TEST(BrokerTest, ReleaseDropsAQueuedJobAndItsNotices) {
  FakeClock clock(0);
  auto broker = OneGpuBroker(clock);
  auto a = broker->Submit("engine", "a", Ask({{"gpu", 1}}));
  auto b = broker->Submit("engine", "b", Ask({{"gpu", 1}}));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_FALSE(broker->Granted(*b).has_value());
  broker->Release(*b);
  broker->Release(*b);  // twice is harmless
  broker->Release(*a);
  EXPECT_TRUE(broker->Snapshot()["jobs"].empty());
}

TEST(HealthWatchTest, AGpuThatTurnsUnhealthyIsDrainedOnceAndItsWorkRequeued) {
  FakeClock clock(0);
  auto broker = OneGpuBroker(clock);
  auto train = broker->Submit("engine", "train", Ask({{"gpu", 1}}));
  ASSERT_TRUE(train.ok());
  bool healthy = true;
  HealthWatch watch(*broker, "box", [&]() -> Result<std::vector<exec::GpuInfo>> {
    return std::vector<exec::GpuInfo>{{0, "GPU-1", "T4", 16384, healthy}};
  });
  EXPECT_TRUE(watch.CheckOnce().empty());
  EXPECT_TRUE(broker->Granted(*train).has_value());
  healthy = false;
  EXPECT_EQ(watch.CheckOnce(), std::vector<std::string>{"box/0"});
  EXPECT_TRUE(watch.CheckOnce().empty());  // drained once
  EXPECT_FALSE(broker->Granted(*train).has_value());
  EXPECT_EQ(broker->TakeNotices("engine").size(), 1u);
  bool recorded = false;
  const Json snap = broker->Snapshot();  // named: a temporary's elements would dangle
  for (const Json& e : snap["events"]) {
    recorded |= e["kind"] == "drain" && e["detail"].get<std::string>().find("nvml") != std::string::npos;
  }
  EXPECT_TRUE(recorded) << snap["events"].dump();
}

TEST(InventoryTest, TheDefaultIsThisNodeAsProbed) {
  exec::NodeDevices probed;
  probed.node_name = "host1";
  probed.cpus = 1.5;
  probed.memory_mib = 4096;
  probed.gpus.push_back({0, "GPU-1", "NVIDIA H200", 143771, true});
  auto config = ServerCluster(nullptr, probed);
  ASSERT_TRUE(config.ok());
  ASSERT_EQ(config->nodes.size(), 1u);
  EXPECT_EQ(config->nodes[0].name, "host1");
  EXPECT_EQ(config->nodes[0].cpu_milli, 1500);
  ASSERT_EQ(config->nodes[0].gpus.size(), 1u);
  EXPECT_EQ(config->nodes[0].gpus[0].model, "NVIDIA H200");
  EXPECT_EQ(config->nodes[0].gpus[0].environments, scheduler::kAllEnvironments);
}

TEST(InventoryTest, ADeclaredClusterIsCheckedWithItsPath) {
  auto bad = ServerCluster(Json{{"nodes", {{{"name", "x"}, {"cpus", "many"}, {"memory", "1Gi"}}}}}, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("cluster.nodes[0].cpus", 0), 0u) << bad.status().message();
  EXPECT_FALSE(ServerCluster(Json{{"nodes", Json::array()}}, {}).ok());
}

}  // namespace
}  // namespace tandem::resources
