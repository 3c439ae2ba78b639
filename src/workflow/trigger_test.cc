// Schedules on a fake clock: cron due times, missed ticks, pause, events.
#include "workflow/trigger.h"

#include "workflow/engine_test_util.h"

namespace tandem::workflow::testing {
namespace {

// FakeClock starts at 2023-11-14 22:13:20 UTC: "*/5" is due at 22:15:00, 100 s later.
constexpr int64_t kToFirstFiveMinutes = 100'000;
constexpr int64_t kMinute = 60'000;

const char* kGen = "name: gen-once\nnodes:\n  g: {operator: gen}\n";
const char* kWithParams = R"(name: retrain
params:
  threshold: {type: number, default: 0.5}
  service: {type: string, default: none}
nodes:
  g: {operator: gen, params: {t: "{{params.threshold}}", s: "{{params.service}}"}}
)";

class TriggerTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    triggers_ = std::make_unique<Triggers>(*store_, *engine_, catalog_, clock_);
  }
  void TearDown() override {
    triggers_.reset();
    EngineTest::TearDown();
  }
  store::ScheduleRecord CreateOk(const std::string& name, const std::string& yaml,
                                 const std::string& cron, const std::string& event = "") {
    store::ScheduleRecord s;
    s.name = name;
    s.pipeline_yaml = yaml;
    s.cron = cron;
    s.event = event;
    auto created = triggers_->Create(s);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : s;
  }
  std::string CreateError(store::ScheduleRecord s) {
    auto created = triggers_->Create(std::move(s));
    return created.ok() ? "" : created.status().message();
  }
  std::unique_ptr<Triggers> triggers_;
};

TEST_F(TriggerTest, ACronScheduleSubmitsARunWhenDueAndRecordsItsTrigger) {
  CreateOk("every5", kGen, "*/5 * * * *");
  clock_.Advance(kToFirstFiveMinutes - 1);
  EXPECT_TRUE(triggers_->Tick().empty());
  clock_.Advance(1);
  std::vector<std::string> runs = triggers_->Tick();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_TRUE(triggers_->Tick().empty());  // once per due time
  const TimeMs fired_at = clock_.NowMs();
  EXPECT_EQ(store_->GetRunOrigin(runs[0])->trigger, "schedule every5 (cron)");
  EXPECT_EQ(store_->GetRun(runs[0])->pipeline_name, "gen-once");
  EXPECT_EQ(TickUntilDone(*engine_, runs[0]).state, "succeeded");
  store::ScheduleRecord s = *store_->GetSchedule("every5");
  EXPECT_EQ(s.last_run_id, runs[0]);
  EXPECT_EQ(s.last_fired_ms, fired_at);
}

TEST_F(TriggerTest, MissedTicksWhileDownFireOnceNotOncePerTick) {
  CreateOk("every5", kGen, "*/5 * * * *");
  triggers_.reset();                      // the server goes down...
  clock_.Advance(kToFirstFiveMinutes + 60 * kMinute);  // ...for 13 due times
  triggers_ = std::make_unique<Triggers>(*store_, *engine_, catalog_, clock_);
  EXPECT_EQ(triggers_->Tick().size(), 1u);
  EXPECT_TRUE(triggers_->Tick().empty());
  // 23:15:00 fired late at 23:15:00; the next is 23:20:00.
  clock_.Advance(5 * kMinute - 1);
  EXPECT_TRUE(triggers_->Tick().empty());
  clock_.Advance(1);
  EXPECT_EQ(triggers_->Tick().size(), 1u);
  auto runs = store_->ListRuns({});
  EXPECT_EQ(runs->size(), 2u);
}

TEST_F(TriggerTest, APausedScheduleDoesNotFireUntilResumed) {
  CreateOk("every5", kGen, "*/5 * * * *");
  ASSERT_TRUE(triggers_->SetPaused("every5", true).ok());
  clock_.Advance(kToFirstFiveMinutes);
  EXPECT_TRUE(triggers_->Tick().empty());
  ASSERT_TRUE(triggers_->SetPaused("every5", false).ok());
  EXPECT_EQ(triggers_->Tick().size(), 1u);
  EXPECT_EQ(triggers_->SetPaused("nope", true).status().message(), "schedule 'nope' not found");
}

TEST_F(TriggerTest, AnEventHeardOnlyByPausedSchedulesNamesThem) {
  CreateOk("retrain-cancer", kWithParams, "", "drift:cancer");
  ASSERT_TRUE(triggers_->SetPaused("retrain-cancer", true).ok());
  auto fired = triggers_->Fire("drift:cancer", Json::object());
  ASSERT_TRUE(fired.ok()) << fired.status().ToString();
  EXPECT_TRUE(fired->run_ids.empty());
  EXPECT_TRUE(fired->errors.empty());
  EXPECT_EQ(fired->paused, std::vector<std::string>{"retrain-cancer"});
  EXPECT_TRUE(triggers_->Fire("drift:iris", Json::object())->paused.empty());
}

TEST_F(TriggerTest, AnEventRunsItsSubscribersWithDeclaredPayloadFieldsAsParams) {
  CreateOk("retrain-cancer", kWithParams, "", "drift:cancer");
  CreateOk("retrain-wine", kWithParams, "", "drift:wine");
  CreateOk("every5", kGen, "*/5 * * * *");
  auto fired = triggers_->Fire("drift:cancer", {{"threshold", 0.9}, {"service", "cancer"},
                                                {"psi", 0.31}});  // psi: not a param
  ASSERT_TRUE(fired.ok()) << fired.status().ToString();
  ASSERT_EQ(fired->run_ids.size(), 1u);
  EXPECT_TRUE(fired->errors.empty());
  store::RunRecord run = *store_->GetRun(fired->run_ids[0]);
  EXPECT_EQ(run.pipeline_name, "retrain");
  EXPECT_EQ(run.params, Json({{"threshold", 0.9}, {"service", "cancer"}}));
  EXPECT_EQ(store_->GetRunOrigin(run.id)->trigger, "schedule retrain-cancer (event drift:cancer)");
  EXPECT_EQ(TickUntilDone(*engine_, run.id).state, "succeeded");
  EXPECT_EQ(TaskOf(run.id, "g").params, Json({{"t", 0.9}, {"s", "cancer"}}));

  // An event nobody listens to submits nothing; a payload of the wrong type is refused.
  EXPECT_TRUE(triggers_->Fire("drift:iris", Json::object())->run_ids.empty());
  EXPECT_EQ(triggers_->Fire("drift:cancer", Json::array()).status().message(),
            "payload: expected a JSON object");
  // A payload value of the wrong type fails that schedule's run, named.
  auto bad = triggers_->Fire("drift:wine", {{"threshold", "high"}});
  ASSERT_TRUE(bad.ok());
  EXPECT_TRUE(bad->run_ids.empty());
  ASSERT_EQ(bad->errors.size(), 1u);
  EXPECT_EQ(bad->errors[0], "schedule retrain-wine: params.threshold: expected number, got \"high\"");
}

TEST_F(TriggerTest, CreateChecksEveryField) {
  store::ScheduleRecord s;
  s.name = "x";
  s.pipeline_yaml = kGen;
  EXPECT_EQ(CreateError(s), "schedule: give exactly one of cron and event");
  s.cron = "* * * *";
  s.event = "drift:x";
  EXPECT_EQ(CreateError(s), "schedule: give exactly one of cron and event");
  s.event.clear();
  EXPECT_EQ(CreateError(s), "cron: '* * * *' has 4 fields; expected 5: minute hour day-of-month "
                            "month day-of-week");
  s.cron = "0 24 * * *";
  EXPECT_EQ(CreateError(s), "cron: hour: 24 is out of range 0-23");
  s.cron = "0 0 * * *";
  s.pipeline_yaml = "name: p\nnodes:\n  g: {operator: nope}\n";
  EXPECT_NE(CreateError(s).find("nodes.g.operator"), std::string::npos) << CreateError(s);
  s.pipeline_yaml = kGen;
  s.name.clear();  // takes the pipeline's name
  EXPECT_EQ(CreateOk("", kGen, "0 0 * * *").name, "gen-once");
  EXPECT_EQ(CreateError(s), "schedule 'gen-once' already exists");
  ASSERT_TRUE(triggers_->Delete("gen-once").ok());
  EXPECT_EQ(triggers_->Delete("gen-once").message(), "schedule 'gen-once' not found");
}

}  // namespace
}  // namespace tandem::workflow::testing
