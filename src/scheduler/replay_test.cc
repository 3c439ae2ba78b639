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

}  // namespace
}  // namespace tandem::scheduler
