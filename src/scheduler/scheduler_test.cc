#include "scheduler/scheduler.h"

#include <gtest/gtest.h>

#include "scheduler/test_util.h"

namespace tandem::scheduler {
namespace {

using testing::Gpus;
using testing::Node;
using testing::Slice;
using testing::With;

std::unique_ptr<Scheduler> Make(std::vector<NodeSpec> nodes, double oversubscription = 1.0,
                                SchedulerOptions options = {}) {
  auto s = Scheduler::Create(ClusterState(std::move(nodes), oversubscription), options);
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

JobId Submit(Scheduler& s, const Request& r, TimeMs now) {
  auto id = s.Submit(r, now);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? *id : 0;
}

bool Running(const Scheduler& s, JobId id) { return s.Find(id)->state == JobState::kRunning; }

TEST(SchedulerTest, TwoElasticTrainingJobsAndAFixedInferenceSliceShareOneGpu) {
  auto s = Make({Node("box", 16, 1)}, /*oversubscription=*/2.0);
  JobId infer = Submit(*s, With(Slice(400), Mode::kFixed, 0), 1);
  JobId low = Submit(*s, With(Slice(600), Mode::kElastic, 0), 2);
  JobId high = Submit(*s, With(Slice(600), Mode::kElastic, 1), 3);
  ScheduleResult r = s->Schedule(10);
  EXPECT_EQ(r.started.size(), 3u);
  // The fixed slice keeps its 40%; the elastic pair splits the other 60% by
  // milli x (1 + priority): 1/3 and 2/3 of 600.
  EXPECT_EQ(s->ComputePercent(infer), 40);
  EXPECT_EQ(s->ComputePercent(low), 20);
  EXPECT_EQ(s->ComputePercent(high), 40);
  // A second fixed slice is never oversubscribed: 400 + 400 + 1200 elastic > one GPU.
  // With a higher priority it preempts elastic work, lowest priority first, until it
  // fits: here both elastic jobs; the first fixed slice is untouched.
  JobId infer2 = Submit(*s, With(Slice(400), Mode::kFixed, 9), 20);
  r = s->Schedule(30);
  EXPECT_EQ(r.preempted, (std::vector<JobId>{low, high}));
  EXPECT_TRUE(Running(*s, infer));
  EXPECT_TRUE(Running(*s, infer2));
  EXPECT_EQ(s->ComputePercent(infer2), 40);
}

TEST(SchedulerTest, AdoptBooksARunningJobWhereItRuns) {
  // After a restart a job still running on GPU 1 is booked there, not where the policy
  // would put a new one (GPU 0), so new work goes to GPU 0.
  auto s = Make({Node("box", 16, 2)});
  auto adopted = s->Adopt(Gpus(1), Placement{0, 0b10}, 5);
  ASSERT_TRUE(adopted.ok()) << adopted.status().ToString();
  EXPECT_TRUE(Running(*s, *adopted));
  EXPECT_EQ(s->Find(*adopted)->placement, (Placement{0, 0b10}));
  JobId fresh = Submit(*s, Gpus(1), 6);
  s->Schedule(6);
  ASSERT_TRUE(Running(*s, fresh));
  EXPECT_EQ(s->Find(fresh)->placement->gpus, GpuMask{0b01});
  // Where it no longer fits (both GPUs taken now), or on a node the cluster lacks: refused.
  auto taken = s->Adopt(Gpus(1), Placement{0, 0b10}, 7);
  EXPECT_EQ(taken.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(taken.status().message().find("no longer fits"), std::string::npos);
  EXPECT_EQ(s->Adopt(Gpus(1), Placement{3, 0b01}, 7).status().code(), StatusCode::kInvalidArgument);
}

TEST(SchedulerTest, HigherPriorityPreemptsLowerElasticButNeverFixed) {
  auto s = Make({Node("box", 16, 1)});
  JobId low = Submit(*s, With(Gpus(1), Mode::kElastic, 0), 1);
  s->Schedule(1);
  ASSERT_TRUE(Running(*s, low));
  JobId high = Submit(*s, With(Gpus(1), Mode::kElastic, 5), 2);
  ScheduleResult r = s->Schedule(2);
  EXPECT_EQ(r.preempted, std::vector<JobId>{low});
  EXPECT_TRUE(Running(*s, high));
  EXPECT_EQ(s->Find(low)->state, JobState::kPending);
  EXPECT_EQ(s->Find(low)->preemptions, 1);
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.events[0].kind, "preempted");

  auto f = Make({Node("box", 16, 1)});
  JobId fixed = Submit(*f, With(Gpus(1), Mode::kFixed, 0), 1);
  f->Schedule(1);
  JobId urgent = Submit(*f, With(Gpus(1), Mode::kElastic, 9), 2);
  r = f->Schedule(2);
  EXPECT_TRUE(r.preempted.empty());
  EXPECT_TRUE(Running(*f, fixed));
  EXPECT_FALSE(Running(*f, urgent));
}

TEST(SchedulerTest, PreemptionTakesLowestPriorityThenMostRecentlyStarted) {
  auto s = Make({Node("box", 16, 2)});
  JobId p1 = Submit(*s, With(Slice(500), Mode::kElastic, 1), 1);
  s->Schedule(1);
  JobId p0_old = Submit(*s, With(Slice(500), Mode::kElastic, 0), 2);
  s->Schedule(2);
  JobId p0_new = Submit(*s, With(Slice(500), Mode::kElastic, 0), 3);
  s->Schedule(3);
  JobId p0_newest = Submit(*s, With(Slice(500), Mode::kElastic, 0), 4);
  s->Schedule(4);
  // Two GPUs, four half slices: full. A half slice of priority 2 evicts one job: the most
  // recently started of the lowest priority.
  JobId urgent = Submit(*s, With(Slice(500), Mode::kElastic, 2), 5);
  ScheduleResult r = s->Schedule(5);
  EXPECT_EQ(r.preempted, std::vector<JobId>{p0_newest});
  EXPECT_TRUE(Running(*s, urgent) && Running(*s, p1) && Running(*s, p0_old) && Running(*s, p0_new));
  // A whole GPU of priority 2 needs one GPU emptied. gpu1 holds `urgent` (priority 2,
  // not preemptible by it), so gpu0's pair goes; p0_new on gpu1 is spared.
  JobId big = Submit(*s, With(Gpus(1), Mode::kElastic, 2), 6);
  r = s->Schedule(6);
  ASSERT_TRUE(Running(*s, big));
  EXPECT_EQ(r.preempted, (std::vector<JobId>{p0_old, p1}));
  EXPECT_TRUE(Running(*s, p0_new));
}

TEST(SchedulerTest, QueueIsPriorityThenAge) {
  auto s = Make({Node("box", 16, 1)});
  JobId running = Submit(*s, With(Gpus(1), Mode::kFixed), 0);
  s->Schedule(0);
  ASSERT_TRUE(Running(*s, running));
  JobId old_low = Submit(*s, With(Gpus(1), Mode::kElastic, 0), 1);
  JobId new_high = Submit(*s, With(Gpus(1), Mode::kElastic, 3), 2);
  JobId old_high = Submit(*s, With(Gpus(1), Mode::kElastic, 3), 1);
  EXPECT_EQ(s->PendingInOrder(), (std::vector<JobId>{old_high, new_high, old_low}));
  ASSERT_TRUE(s->Release(running).ok());
  s->Schedule(3);
  EXPECT_TRUE(Running(*s, old_high));
  EXPECT_FALSE(s->Release(running).ok());  // already released
  EXPECT_EQ(s->Find(running), nullptr);    // and forgotten
}

TEST(SchedulerTest, QuotasHoldBackOnlyTheirProject) {
  SchedulerOptions options;
  options.quotas["team-a"] = ProjectQuota{1000, -1, -1};
  auto s = Make({Node("box", 32, 4)}, 1.0, options);
  JobId a1 = Submit(*s, With(Gpus(1), Mode::kElastic, 0, "team-a"), 1);
  JobId a2 = Submit(*s, With(Gpus(1), Mode::kElastic, 0, "team-a"), 2);
  JobId b1 = Submit(*s, With(Gpus(2), Mode::kElastic, 0, "team-b"), 3);
  s->Schedule(3);
  EXPECT_TRUE(Running(*s, a1));
  EXPECT_FALSE(Running(*s, a2));
  EXPECT_TRUE(Running(*s, b1));
  EXPECT_NE(s->Find(a2)->waiting_reason.find("quota"), std::string::npos);
  EXPECT_FALSE(s->Submit(With(Gpus(2), Mode::kElastic, 0, "team-a"), 4).ok());  // never fits the quota
  ASSERT_TRUE(s->Release(a1).ok());
  s->Schedule(5);
  EXPECT_TRUE(Running(*s, a2));
}

TEST(SchedulerTest, BackfillsSmallJobsAwayFromTheHeadsNode) {
  // a: 2 GPUs, one busy; b: 1 GPU. The head wants 2 GPUs and reserves a.
  auto s = Make({Node("a", 32, 2), Node("b", 32, 1)}, 1.0, SchedulerOptions{"first-fit", 42, {}, true});
  JobId busy = Submit(*s, With(Gpus(1), Mode::kFixed), 0);
  s->Schedule(0);
  ASSERT_EQ(s->Find(busy)->placement->node, 0);
  JobId head = Submit(*s, With(Gpus(2, 4), Mode::kElastic), 1);
  JobId small = Submit(*s, With(Gpus(1, 2), Mode::kElastic), 2);
  JobId large_cpu = Submit(*s, With(Gpus(1, 8), Mode::kElastic), 3);
  s->Schedule(4);
  EXPECT_FALSE(Running(*s, head));
  ASSERT_TRUE(Running(*s, small));
  EXPECT_EQ(s->Find(small)->placement->node, 1);  // not a's free GPU: that would delay the head
  EXPECT_FALSE(Running(*s, large_cpu));            // larger than the head: no backfill
  ASSERT_TRUE(s->Release(busy).ok());
  s->Schedule(5);
  EXPECT_TRUE(Running(*s, head));
}

TEST(SchedulerTest, DrainingRequeuesElasticAndMovesFixed) {
  auto s = Make({Node("a", 32, 2), Node("b", 32, 2)}, 1.0, SchedulerOptions{"first-fit", 42, {}, true});
  JobId train = Submit(*s, With(Gpus(1), Mode::kElastic), 1);
  JobId serve = Submit(*s, With(Slice(500), Mode::kFixed), 2);
  s->Schedule(2);
  ASSERT_EQ(s->Find(train)->placement, (Placement{0, 0b01}));
  ASSERT_EQ(s->Find(serve)->placement, (Placement{0, 0b10}));
  ScheduleResult r = s->DrainGpu(0, 1, 10);
  ASSERT_EQ(r.moved.size(), 1u);
  EXPECT_EQ(r.moved[0].job, serve);
  EXPECT_EQ(r.moved[0].placement, (Placement{1, 0b01}));
  EXPECT_EQ(r.events.front().kind, "drained");
  EXPECT_EQ(r.events.back().kind, "moved");
  r = s->DrainNode(0, 11);
  EXPECT_EQ(r.preempted, std::vector<JobId>{train});
  EXPECT_EQ(r.events.back().kind, "requeued");
  s->Schedule(12);
  EXPECT_EQ(s->Find(train)->placement, (Placement{1, 0b10}));  // only b takes work now
  JobId late = Submit(*s, With(Gpus(1), Mode::kElastic), 13);
  s->Schedule(13);
  EXPECT_FALSE(Running(*s, late));
  s->RestoreNode(0);
  s->Schedule(14);
  EXPECT_EQ(s->Find(late)->placement->node, 0);
}

TEST(SchedulerTest, RejectsWhatNoNodeCanEverHost) {
  auto s = Make({Node("a", 8, 2, "T4")});
  Request r = Gpus(1);
  r.models = {"A100"};
  EXPECT_EQ(s->Submit(r, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(s->Submit(Gpus(3), 0).ok());
  EXPECT_FALSE(Scheduler::Create(ClusterState({Node("a", 8, 1)}), SchedulerOptions{"tetris", 1, {}, true}).ok());
}

TEST(SchedulerTest, SnapshotShowsDevicesJobsAndUtilization) {
  auto s = Make({Node("a", 8, 2)});
  Submit(*s, With(Slice(500), Mode::kFixed), 0);
  s->Schedule(0);
  Json snap = s->Snapshot();
  EXPECT_EQ(snap["nodes"][0]["gpus"].size(), 2u);
  EXPECT_EQ(snap["jobs"][0]["state"], "running");
  EXPECT_EQ(snap["jobs"][0]["compute_percent"], 50);
  EXPECT_DOUBLE_EQ(snap["utilization"]["gpu"].get<double>(), 0.25);
}

}  // namespace
}  // namespace tandem::scheduler
