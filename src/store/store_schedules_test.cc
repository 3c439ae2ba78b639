// Schedules, run origins and retry times (migration 0005) survive a reopen.
#include "store/store_test_util.h"

namespace tandem::store {
namespace {

ScheduleRecord Nightly() {
  ScheduleRecord s;
  s.name = "nightly";
  s.pipeline_yaml = "name: p\nnodes:\n  g: {operator: gen}\n";
  s.pipeline_name = "p";
  s.cron = "0 3 * * *";
  s.params = {{"rounds", 5}};
  return s;
}

TEST_F(StoreTest, SchedulesRoundTripAndKeepTheirCreationTime) {
  ASSERT_TRUE(store_->PutSchedule(Nightly()).ok());
  const TimeMs created = clock_.NowMs();
  clock_.Advance(1000);
  ScheduleRecord fired = *store_->GetSchedule("nightly");
  fired.last_fired_ms = clock_.NowMs();
  fired.last_run_id = "run-1";
  fired.paused = true;
  ASSERT_TRUE(store_->PutSchedule(fired).ok());
  ScheduleRecord onevent = Nightly();
  onevent.name = "on-drift";
  onevent.cron.clear();
  onevent.event = "drift:cancer";
  ASSERT_TRUE(store_->PutSchedule(onevent).ok());
  Reopen();

  auto all = store_->ListSchedules();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "nightly");
  EXPECT_EQ((*all)[1].name, "on-drift");
  EXPECT_EQ((*all)[1].event, "drift:cancer");
  ScheduleRecord got = (*all)[0];
  EXPECT_EQ(got.created_ms, created);
  EXPECT_EQ(got.last_fired_ms, created + 1000);
  EXPECT_EQ(got.last_run_id, "run-1");
  EXPECT_TRUE(got.paused);
  EXPECT_EQ(got.cron, "0 3 * * *");
  EXPECT_EQ(got.params, Json({{"rounds", 5}}));
  EXPECT_EQ(got.pipeline_yaml, Nightly().pipeline_yaml);

  ASSERT_TRUE(store_->DeleteSchedule("nightly").ok());
  EXPECT_EQ(store_->DeleteSchedule("nightly").message(), "schedule 'nightly' not found");
  EXPECT_EQ(store_->GetSchedule("nightly").status().message(), "schedule 'nightly' not found");
}

TEST_F(StoreTest, RunOriginsAndRetryTimesSurviveAReopen) {
  RunRecord run;
  run.id = "run-1";
  run.state = "pending";
  TaskRecord a, b;
  a.id = "task-a";
  a.node = "a";
  a.state = "pending";
  b.id = "task-b";
  b.node = "b";
  b.state = "pending";
  ASSERT_TRUE(store_->CreateRun(run, {a, b}).ok());
  EXPECT_EQ(store_->GetRunOrigin("run-1")->trigger, "");
  EXPECT_FALSE(store_->GetRunOrigin("run-1")->no_cache);
  ASSERT_TRUE(store_->SetRunOrigin("run-1", {"schedule nightly (cron)", true}).ok());
  ASSERT_TRUE(store_->SetTaskNotBefore("task-b", 1234).ok());
  // A whole-record write of the task leaves its retry time alone.
  b.message = "retrying";
  ASSERT_TRUE(store_->UpdateTask(b).ok());
  Reopen();

  RunOrigin origin = *store_->GetRunOrigin("run-1");
  EXPECT_EQ(origin.trigger, "schedule nightly (cron)");
  EXPECT_TRUE(origin.no_cache);
  EXPECT_EQ(*store_->ListTaskNotBefore("run-1"), (std::map<std::string, TimeMs>{{"task-b", 1234}}));
  EXPECT_EQ(store_->SetRunOrigin("nope", {}).message(), "run 'nope' not found");
  EXPECT_EQ(store_->SetTaskNotBefore("nope", 1).message(), "task 'nope' not found");
  EXPECT_EQ(store_->GetRunOrigin("nope").status().message(), "run 'nope' not found");
}

}  // namespace
}  // namespace tandem::store
