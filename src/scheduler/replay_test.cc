#include "scheduler/replay.h"

#include <gtest/gtest.h>

#include "scheduler/test_util.h"

namespace tandem::scheduler {
namespace {

std::vector<TracePod> ToyPods() {
  std::vector<TracePod> pods;
  for (int i = 0; i < 4; ++i) {
    TracePod p;
    p.request = i % 2 ? testing::With(testing::Slice(500), Mode::kFixed, 1)
                      : testing::With(testing::Gpus(1), Mode::kElastic, 0);
    p.creation_s = 0;
    p.deletion_s = 100.0 * (i + 1);
    pods.push_back(p);
  }
  return pods;
}

TEST(ReplayTest, LoadsTheClusterAndReportsQueueingAndUtilization) {
  ReplayOptions o;
  o.jobs = 300;
  o.load = 1.2;  // overloaded: jobs queue, latency-sensitive ones preempt elastic ones
  auto r = RunReplay({testing::Node("a", 64, 4), testing::Node("b", 64, 4)}, ToyPods(), o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->jobs, 300);
  EXPECT_GT(r->mean_queueing_s, 0);
  EXPECT_GE(r->p95_queueing_s, r->mean_queueing_s);
  EXPECT_GE(r->mean_jct_s, r->mean_queueing_s);
  EXPECT_GT(r->mean_gpu_utilization, 0.5);
  EXPECT_LE(r->mean_gpu_utilization, 1.0);
  EXPECT_GT(r->preemptions, 0);
  EXPECT_FALSE(r->utilization.empty());
  auto again = RunReplay({testing::Node("a", 64, 4), testing::Node("b", 64, 4)}, ToyPods(), o);
  EXPECT_DOUBLE_EQ(r->mean_jct_s, again->mean_jct_s);  // the same seed replays the same
}

TEST(ReplayTest, StartsWithTheJobsALoadedClusterRuns) {
  // Sixteen 4-GPU nodes at load 0.75: about 48 GPUs busy at any moment (give or take 7,
  // the spread of a Poisson count). A warm start puts that many to work at time 0, so no
  // sample of the first half of the run is near idle; from empty, the first arrivals
  // find the cluster idle.
  std::vector<NodeSpec> nodes;
  for (int n = 0; n < 16; ++n) nodes.push_back(testing::Node("n" + std::to_string(n), 64, 4));
  std::vector<TracePod> pods = ToyPods();
  for (TracePod& p : pods) p.request = testing::With(testing::Gpus(1), Mode::kElastic, 0);
  ReplayOptions o;
  o.jobs = 2000;
  o.load = 0.75;
  auto warm = RunReplay(nodes, pods, o);
  ASSERT_TRUE(warm.ok()) << warm.status().ToString();
  ASSERT_GT(warm->utilization.size(), 2u);
  EXPECT_EQ(warm->utilization[0].first, 0.0);  // the warm jobs arrive at time 0
  for (auto [at, util] : warm->utilization) {
    if (at > 0 && at < warm->makespan_s / 2) EXPECT_GT(util, 0.35) << "at " << at << " s";
  }
  EXPECT_NEAR(warm->mean_gpu_utilization, 0.75, 0.1);
  o.warm_start = false;
  auto cold = RunReplay(nodes, pods, o);
  ASSERT_TRUE(cold.ok());
  EXPECT_GT(cold->utilization[0].first, 0.0);  // the first arrival, to an idle cluster
  EXPECT_EQ(cold->utilization[0].second, 0.0);
}

}  // namespace
}  // namespace tandem::scheduler
