#pragma once
// Rows of the workflow's triggers (migration 0005): schedules that submit a pipeline on
// a cron expression or on a named event, and what a run keeps about how it started.
// Plain structs like records.h.
#include <string>

#include "core/clock.h"
#include "core/json.h"

namespace tandem::store {

struct ScheduleRecord {
  std::string name;           // the primary key
  std::string pipeline_yaml;  // the spec it submits, as given when created
  std::string pipeline_name;  // the spec's name, for listings
  std::string cron;           // 5-field cron expression (workflow/cron.h), or ""
  std::string event;          // event name it fires on ("drift:cancer"), or ""
  Json params = Json::object();  // pipeline param values given at creation
  bool paused = false;
  TimeMs last_fired_ms = 0;   // when it last submitted a run (0 = never)
  std::string last_run_id;    // the run it last submitted
  TimeMs created_ms = 0;
};

// How a run came to be, beyond its RunRecord.
struct RunOrigin {
  std::string trigger;   // "" = manual, "schedule:<name>", "event:<name> (schedule <name>)"
  bool no_cache = false; // submitted with --no-cache: no task of it reads the cache
};

}  // namespace tandem::store
