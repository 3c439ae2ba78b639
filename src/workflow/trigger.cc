#include "workflow/trigger.h"

#include <chrono>

#include "core/log.h"
#include "workflow/cron.h"
#include "workflow/pipeline_spec.h"
#include "workflow/validate.h"

namespace tandem::workflow {

Triggers::Triggers(store::Store& store, Engine& engine, const operators::Catalog& catalog,
                   Clock& clock, int poll_interval_ms)
    : store_(store), engine_(engine), catalog_(catalog), clock_(clock),
      poll_interval_ms_(poll_interval_ms < 1 ? 1 : poll_interval_ms) {}

Triggers::~Triggers() { Stop(); }

Result<store::ScheduleRecord> Triggers::Create(store::ScheduleRecord s) {
  if (s.cron.empty() == s.event.empty()) {
    return InvalidArgument("schedule: give exactly one of cron and event");
  }
  if (!s.cron.empty()) {
    ASSIGN_OR_RETURN(CronSchedule cron, CronSchedule::Parse(s.cron));
    s.cron = cron.text();
  }
  if (!s.params.is_object()) return InvalidArgument("params: expected an object");
  ASSIGN_OR_RETURN(PipelineSpec spec, ParsePipelineYaml(s.pipeline_yaml));
  // Checked now, so a typo fails here and not at 3 a.m. Drafts are refused: nobody is
  // there to try them out when the schedule fires.
  RETURN_IF_ERROR(ValidatePipeline(spec, catalog_, nullptr, s.params, /*allow_drafts=*/false));
  if (s.name.empty()) s.name = spec.name;
  s.pipeline_name = spec.name;
  s.last_fired_ms = 0;
  s.last_run_id.clear();
  s.created_ms = clock_.NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  if (store_.GetSchedule(s.name).ok()) {
    return AlreadyExists("schedule '" + s.name + "' already exists");
  }
  RETURN_IF_ERROR(store_.PutSchedule(s));
  spdlog::info("schedule {} created: pipeline {} on {}", s.name, s.pipeline_name,
               s.cron.empty() ? "event " + s.event : "cron '" + s.cron + "'");
  return s;
}

Status Triggers::Delete(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return store_.DeleteSchedule(name);
}

Result<store::ScheduleRecord> Triggers::SetPaused(const std::string& name, bool paused) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(store::ScheduleRecord s, store_.GetSchedule(name));
  s.paused = paused;
  RETURN_IF_ERROR(store_.PutSchedule(s));
  return s;
}

Result<std::string> Triggers::Submit(store::ScheduleRecord s, const Json& params,
                                     const std::string& trigger) {
  SubmitOptions options;
  options.params = params;
  options.trigger = trigger;
  auto run = engine_.Submit(s.pipeline_yaml, options);
  // Fired even when refused: a pipeline that no longer validates would otherwise be
  // retried on every tick.
  s.last_fired_ms = clock_.NowMs();
  if (run.ok()) s.last_run_id = run->id;
  Status recorded = store_.PutSchedule(s);
  if (!recorded.ok()) spdlog::error("schedule {}: recording its firing: {}", s.name, recorded.ToString());
  if (!run.ok()) return run.status();
  spdlog::info("schedule {}: submitted run {} ({})", s.name, run->id, trigger);
  return run->id;
}

std::vector<std::string> Triggers::Tick() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> submitted;
  auto schedules = store_.ListSchedules();
  if (!schedules.ok()) {
    spdlog::error("triggers: listing schedules: {}", schedules.status().ToString());
    return submitted;
  }
  const TimeMs now = clock_.NowMs();
  for (const store::ScheduleRecord& s : *schedules) {
    if (s.paused || s.cron.empty()) continue;
    auto cron = CronSchedule::Parse(s.cron);
    if (!cron.ok()) {  // stored by Create, which parsed it: only a hand-edited row
      spdlog::error("schedule {}: {}", s.name, cron.status().ToString());
      continue;
    }
    const TimeMs since = s.last_fired_ms > 0 ? s.last_fired_ms : s.created_ms;
    if (cron->NextAfter(since) > now) continue;
    auto run = Submit(s, s.params, "schedule " + s.name + " (cron)");
    if (run.ok()) {
      submitted.push_back(*run);
    } else {
      spdlog::error("schedule {}: run refused: {}", s.name, run.status().ToString());
    }
  }
  return submitted;
}

Result<FireResult> Triggers::Fire(const std::string& event, const Json& payload) {
  if (event.empty()) return InvalidArgument("event: the name is empty");
  if (!payload.is_object()) return InvalidArgument("payload: expected a JSON object");
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(std::vector<store::ScheduleRecord> schedules, store_.ListSchedules());
  FireResult out;
  for (const store::ScheduleRecord& s : schedules) {
    if (s.event != event) continue;
    if (s.paused) {
      out.paused.push_back(s.name);
      continue;
    }
    Json params = s.params;
    auto spec = ParsePipelineYaml(s.pipeline_yaml);
    if (spec.ok()) {
      for (const auto& [key, value] : payload.items()) {
        if (spec->params.contains(key)) params[key] = value;
      }
    }
    auto run = Submit(s, params, "schedule " + s.name + " (event " + event + ")");
    if (run.ok()) {
      out.run_ids.push_back(*run);
    } else {
      out.errors.push_back("schedule " + s.name + ": " + run.status().message());
    }
  }
  spdlog::info("event {}: {} run(s) submitted, {} refused", event, out.run_ids.size(), out.errors.size());
  return out;
}

Status Triggers::Start() {
  // The first Tick at once: a schedule that came due while the server was down fires.
  if (!worker_.Start(poll_interval_ms_, [this] { Tick(); }, /*run_now=*/true)) {
    return FailedPrecondition("the triggers are already started");
  }
  return Status::Ok();
}

void Triggers::Stop() { worker_.Stop(); }

}  // namespace tandem::workflow
