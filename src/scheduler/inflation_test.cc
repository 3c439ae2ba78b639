// One short inflation run on the real trace (the project's copy under data/traces), so
// the policies are checked against the published protocol, not only toy clusters.
#include "scheduler/inflation.h"

#include <gtest/gtest.h>

#include "core/fs.h"
#include "scheduler/test_util.h"
#include "scheduler/trace.h"

namespace tandem::scheduler {
namespace {

const std::string kTraceDir = std::string(TANDEM_SOURCE_DIR) + "/data/traces/openb/";

TEST(TraceTest, ReadsTheOpenbLists) {
  auto nodes = ParseOpenbNodes(*ReadFile(kTraceDir + "openb_node_list_gpu_node.csv"), "nodes");
  ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
  EXPECT_EQ(nodes->size(), 1213u);
  size_t gpus = 0;
  for (const NodeSpec& n : *nodes) gpus += n.gpus.size();
  EXPECT_EQ(gpus, 6212u);
  auto pods = ParseOpenbPods(*ReadFile(kTraceDir + "openb_pod_list_multigpu50.csv"), "pods");
  ASSERT_TRUE(pods.ok()) << pods.status().ToString();
  EXPECT_EQ(pods->size(), 9061u);
  auto bad = ParseOpenbPods("name,cpu_milli\nx,1\n", "bad.csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("missing column 'memory_mib'"), std::string::npos);
}

TEST(TraceTest, LatencySensitivePodsAreFixedInferenceWork) {
  auto pods = ParseOpenbPods(
      "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos\n"
      "a,1000,512,1,460,,LS\n"
      "b,2000,512,2,1000,V100M16|V100M32,BE\n",
      "p.csv");
  ASSERT_TRUE(pods.ok());
  EXPECT_EQ((*pods)[0].request.mode, Mode::kFixed);
  EXPECT_EQ((*pods)[0].request.environment, Environment::kInfer);
  EXPECT_EQ((*pods)[0].request.gpu.milli, 460);
  EXPECT_EQ((*pods)[1].request.mode, Mode::kElastic);
  EXPECT_EQ((*pods)[1].request.models, (std::vector<std::string>{"V100M16", "V100M32"}));
}

TEST(InflationTest, BestFitOnTheDefaultListLandsNearThePublishedRatio) {
  auto nodes = ParseOpenbNodes(*ReadFile(kTraceDir + "openb_node_list_gpu_node.csv"), "nodes");
  auto pods = ParseOpenbPods(*ReadFile(kTraceDir + "openb_pod_list_default.csv"), "pods");
  ASSERT_TRUE(nodes.ok() && pods.ok());
  InflationOptions options;
  options.seed = 42;
  options.max_demand = 1.0;
  options.checkpoints = {50, 100};
  auto r = RunInflation(*nodes, RequestsOf(*pods), "best-fit", options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NEAR(r->allocation_ratio.at(50), 0.50, 0.01);
  // Published: 92.86% at 100% demand (mean of seeds 42-51).
  EXPECT_GT(r->allocation_ratio.at(100), 0.915);
  EXPECT_LT(r->allocation_ratio.at(100), 0.94);
  EXPECT_GT(r->failures, 0);
  const Json j = ToJson(*r);
  EXPECT_EQ(j["policy"], "best-fit");
  EXPECT_TRUE(j["gpu_allocation_ratio"].contains("100"));
}

TEST(InflationTest, SeedsParse) {
  EXPECT_EQ(ParseSeeds("42-44", "--seeds").value(), (std::vector<uint64_t>{42, 43, 44}));
  EXPECT_EQ(ParseSeeds("7,9", "--seeds").value(), (std::vector<uint64_t>{7, 9}));
  EXPECT_FALSE(ParseSeeds("9-1", "--seeds").ok());
  EXPECT_FALSE(ParseSeeds("x", "--seeds").ok());
}

TEST(InflationTest, ToyClusterFillsCompletely) {
  std::vector<NodeSpec> nodes = {testing::Node("a", 64, 4)};
  std::vector<Request> pods = {testing::Slice(500), testing::Gpus(1)};
  InflationOptions options;
  options.max_demand = 1.0;
  auto r = RunInflation(nodes, pods, "fgd", options);
  ASSERT_TRUE(r.ok());
  // The stream stops short of the first task that would pass 100%; all of it fits.
  EXPECT_GE(r->allocation_ratio.at(100), 0.875);
  EXPECT_EQ(r->failures, 0);
}

}  // namespace
}  // namespace tandem::scheduler

namespace tandem::scheduler {
namespace {

// The live Scheduler driven through the inflation protocol (InflationOptions::live)
// lands on the same figures as the policy called directly: the server's cycle hands
// the queue to the same PlaceBatch, with the same fragmentation numbers and the same
// random stream. On a slice of the trace (the first 150 nodes) so that it runs in a
// few seconds; bench_scheduler --live shows it on the whole trace.
TEST(InflationTest, TheLiveSchedulerReproducesTheSimulatedFigures) {
  auto nodes = ParseOpenbNodes(*ReadFile(kTraceDir + "openb_node_list_gpu_node.csv"), "nodes");
  auto pods = ParseOpenbPods(*ReadFile(kTraceDir + "openb_pod_list_multigpu50.csv"), "pods");
  ASSERT_TRUE(nodes.ok() && pods.ok());
  nodes->resize(150);
  for (const char* policy : {"swarm", "fgd", "best-fit"}) {
    InflationOptions options;
    options.seed = 43;
    options.batch = DefaultBatch(policy);
    options.checkpoints = {50, 100, 130};
    auto direct = RunInflation(*nodes, RequestsOf(*pods), policy, options);
    options.live = true;
    auto live = RunInflation(*nodes, RequestsOf(*pods), policy, options);
    ASSERT_TRUE(direct.ok() && live.ok()) << policy;
    EXPECT_GT(direct->allocation_ratio.at(100), 0.85) << policy;
    EXPECT_EQ(live->allocation_ratio, direct->allocation_ratio) << policy;
    EXPECT_EQ(live->fragmented_share, direct->fragmented_share) << policy;
    EXPECT_EQ(live->failures, direct->failures) << policy;
  }
}

}  // namespace
}  // namespace tandem::scheduler
