#pragma once
// Triggers besides `tandem run`: schedules that submit a pipeline when their cron
// expression comes due (cron.h, UTC) or when a named event fires (the monitor's
// "drift:<service>", or POST /api/v1/events/<name>).
//
// Cron: a schedule is due when the first cron time after it last fired (or after it was
// created) has passed. It then submits ONE run and records now as last fired, however
// many cron times went by while the server was down: missed ticks run once.
// Events: Fire(event, payload) submits a run of every unpaused schedule subscribed to
// the event; payload fields named like a param the pipeline declares are that param's
// value (over the schedule's own params); other fields are ignored. Create validates the
// pipeline with the schedule's params, so a param an event supplies needs a default.
// Each submitted run records its trigger as its origin (store::RunOrigin):
//   "schedule nightly (cron)", "schedule retrain (event drift:cancer)".
//
// Thread-safety: every method may be called from any thread; one mutex serialises
// them, so a schedule never fires twice for one due time. The loop never reads the wall
// clock: it Tick()s every poll_interval_ms and judges due times by the Clock.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "core/periodic_worker.h"
#include "core/status.h"
#include "operators/catalog.h"
#include "store/store.h"
#include "workflow/engine.h"

namespace tandem::workflow {

struct FireResult {
  std::vector<std::string> run_ids;  // one per schedule that submitted a run
  std::vector<std::string> errors;   // "schedule x: <why its run was refused>"
  std::vector<std::string> paused;   // schedules subscribed to the event but paused
};

class Triggers {
 public:
  // Every reference must outlive this object.
  Triggers(store::Store& store, Engine& engine, const operators::Catalog& catalog, Clock& clock,
           int poll_interval_ms = 1000);
  ~Triggers();  // Stop()s
  Triggers(const Triggers&) = delete;
  Triggers& operator=(const Triggers&) = delete;

  // Checks and stores a new schedule: exactly one of cron and event, a cron that parses,
  // a pipeline that validates with the schedule's params. An empty name takes the
  // pipeline's. kInvalidArgument naming the field; kAlreadyExists for a taken name.
  Result<store::ScheduleRecord> Create(store::ScheduleRecord schedule);
  // kNotFound names the schedule.
  Status Delete(const std::string& name);
  Result<store::ScheduleRecord> SetPaused(const std::string& name, bool paused);

  // Submits a run for every unpaused cron schedule that is due. The ids of those runs.
  std::vector<std::string> Tick();
  // Submits a run for every unpaused schedule subscribed to `event`. `payload` must be
  // a JSON object (kInvalidArgument otherwise).
  Result<FireResult> Fire(const std::string& event, const Json& payload);

  // Starts / stops the thread that Tick()s. Start: kFailedPrecondition when started.
  Status Start();
  void Stop();

 private:
  // Submits `s` with `params` as `trigger`, and records the firing on the schedule.
  Result<std::string> Submit(store::ScheduleRecord s, const Json& params, const std::string& trigger);

  store::Store& store_;
  Engine& engine_;
  const operators::Catalog& catalog_;
  Clock& clock_;
  const int poll_interval_ms_;

  std::mutex mu_;  // serialises every public method but Start/Stop

  PeriodicWorker worker_;  // Tick()s
};

}  // namespace tandem::workflow
