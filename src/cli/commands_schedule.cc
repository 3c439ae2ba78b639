// tandem schedule create/list/delete/pause/resume, and tandem event fire: the triggers
// besides `tandem run` (workflow/trigger.h).
#include <iostream>
#include <memory>

#include "cli/command_groups.h"
#include "cli/commands.h"
#include "cli/text_table.h"
#include "core/fs.h"
#include "workflow/param_args.h"

namespace tandem::cli {
namespace {

std::string When(const Json& s) {
  if (!s.value("cron", "").empty()) return "cron " + s["cron"].get<std::string>();
  return "event " + s.value("event", "");
}

int ScheduleCreate(const ApiClient& api, const std::string& file, const std::string& name,
                   const std::string& cron, const std::string& event,
                   const std::vector<std::string>& param_pairs) {
  auto spec = ReadFile(file);
  if (!spec.ok()) return Fail(spec.status());
  auto params = workflow::ParamsFromArgs(*spec, param_pairs);
  if (!params.ok()) return Fail(params.status());
  Json body = {{"pipeline", *spec}, {"params", *params}};
  if (!name.empty()) body["name"] = name;
  if (!cron.empty()) body["cron"] = cron;
  if (!event.empty()) body["event"] = event;
  auto created = api.Post("/api/v1/schedules", body.dump());
  if (!created.ok()) return Fail(created.status());
  std::cout << "schedule " << (*created)["name"].get<std::string>() << ": pipeline "
            << (*created)["pipeline"].get<std::string>() << " on " << When(*created);
  if ((*created)["next_fire_ms"].get<long long>() > 0) {
    std::cout << ", next " << FormatTime((*created)["next_fire_ms"].get<long long>());
  }
  std::cout << "\n";
  return 0;
}

int ScheduleList(const ApiClient& api) {
  auto list = api.Get("/api/v1/schedules");
  if (!list.ok()) return Fail(list.status());
  TextTable table({"NAME", "PIPELINE", "TRIGGER", "STATE", "NEXT", "LAST FIRED", "LAST RUN"});
  for (const auto& s : (*list)["schedules"]) {
    long long next = s["next_fire_ms"].get<long long>();
    table.Add({s["name"], s["pipeline"], When(s), s["paused"].get<bool>() ? "paused" : "active",
               next > 0 ? FormatTime(next) : "-", FormatTime(s["last_fired_ms"].get<long long>()),
               s.value("last_run_id", "").empty() ? "-" : s["last_run_id"].get<std::string>()});
  }
  table.Print(std::cout);
  return 0;
}

int ScheduleAction(const ApiClient& api, const std::string& name, const std::string& action) {
  auto result = action == "delete" ? api.Delete("/api/v1/schedules/" + UrlEncode(name))
                                   : api.Post("/api/v1/schedules/" + UrlEncode(name) + "/" + action, "");
  if (!result.ok()) return Fail(result.status());
  std::cout << "schedule " << name << " "
            << (action == "delete" ? "deleted" : action == "pause" ? "paused" : "resumed") << "\n";
  return 0;
}

int EventFire(const ApiClient& api, const std::string& event, const std::string& payload) {
  auto fired = api.Post("/api/v1/events/" + UrlEncode(event), payload.empty() ? "{}" : payload);
  if (!fired.ok()) return Fail(fired.status());
  for (const auto& id : (*fired)["runs"]) std::cout << id.get<std::string>() << "\n";
  for (const auto& e : (*fired)["errors"]) std::cerr << "error: " << e.get<std::string>() << "\n";
  // Nothing ran: say why, or a mistyped event name looks like success.
  if ((*fired)["runs"].empty() && (*fired)["errors"].empty()) {
    std::string paused;
    for (const auto& p : fired->value("paused", Json::array())) {
      paused += (paused.empty() ? "" : ", ") + p.get<std::string>();
    }
    std::cerr << "no schedule listens to event '" << event << "'"
              << (paused.empty() ? "" : " but paused ones (" + paused + ")")
              << "; nothing was run (see tandem schedule list)\n";
  }
  return (*fired)["errors"].empty() ? 0 : 1;
}

}  // namespace

void AddScheduleCommands(CLI::App& app, CliContext& ctx) {
  struct Opts {
    std::string file, name, cron, event, payload;
    std::vector<std::string> params;
  };
  auto o = std::make_shared<Opts>();
  auto* schedule = app.add_subcommand("schedule", "Run a pipeline on a cron schedule or on an event");
  schedule->require_subcommand(1);
  auto* create = schedule->add_subcommand(
      "create", "schedule create PIPELINE.yaml (--cron \"*/5 * * * *\" | --on-event NAME) [--name N] [--param k=v]");
  create->add_option("pipeline", o->file, "Pipeline YAML file")->required()->check(CLI::ExistingFile);
  auto* cron = create->add_option("--cron", o->cron, "5-field cron expression, UTC");
  auto* event = create->add_option("--on-event", o->event, "Event name, e.g. drift:cancer");
  cron->excludes(event);
  create->add_option("--name", o->name, "Schedule name [the pipeline's]");
  create->add_option("--param", o->params, "Pipeline param NAME=VALUE, read as its declared type (repeatable)");
  create->callback([&ctx, o] {
    ctx.exit_code = ScheduleCreate(ctx.Api(), o->file, o->name, o->cron, o->event, o->params);
  });
  schedule->add_subcommand("list", "List schedules")->callback([&ctx] {
    ctx.exit_code = ScheduleList(ctx.Api());
  });
  for (const char* action : {"delete", "pause", "resume"}) {
    auto* sub = schedule->add_subcommand(action, std::string(action) + " a schedule");
    sub->add_option("name", o->name)->required();
    sub->callback([&ctx, o, action] { ctx.exit_code = ScheduleAction(ctx.Api(), o->name, action); });
  }

  auto* ev = app.add_subcommand("event", "Fire an event: runs every schedule subscribed to it");
  ev->require_subcommand(1);
  auto* fire = ev->add_subcommand("fire", "event fire NAME [--payload JSON]");
  fire->add_option("name", o->event)->required();
  fire->add_option("--payload", o->payload, "JSON object; fields named like pipeline params set them");
  fire->callback([&ctx, o] { ctx.exit_code = EventFire(ctx.Api(), o->event, o->payload); });
}

}  // namespace tandem::cli
