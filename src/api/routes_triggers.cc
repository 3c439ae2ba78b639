// Schedules (cron and event triggers of a pipeline) and the event endpoint that fires
// them (workflow/trigger.h).
#include <algorithm>

#include "api/routes.h"
#include "workflow/cron.h"

namespace tandem::api {
namespace {

Json ToJson(const store::ScheduleRecord& s, TimeMs now) {
  Json out = {{"name", s.name},
              {"pipeline", s.pipeline_name},
              {"cron", s.cron},
              {"event", s.event},
              {"params", s.params},
              {"paused", s.paused},
              {"last_fired_ms", s.last_fired_ms},
              {"last_run_id", s.last_run_id},
              {"created_ms", s.created_ms},
              {"next_fire_ms", 0}};
  if (!s.paused && !s.cron.empty()) {
    if (auto cron = workflow::CronSchedule::Parse(s.cron); cron.ok()) {
      out["next_fire_ms"] = cron->NextAfter(std::max(now, s.last_fired_ms));
    }
  }
  return out;
}

// The body: {"pipeline": "<YAML>", "cron": "*/5 * * * *" | "event": "drift:cancer",
// "name": optional, "params": optional object}.
Result<Json> CreateSchedule(Platform& p, const http::Request& req) {
  ASSIGN_OR_RETURN(Json body, ParseJson(req.body, "request body"));
  if (!body.is_object()) return InvalidArgument("request body: expected a JSON object");
  store::ScheduleRecord s;
  for (auto [key, field] : {std::pair{"name", &s.name}, std::pair{"pipeline", &s.pipeline_yaml},
                            std::pair{"cron", &s.cron}, std::pair{"event", &s.event}}) {
    if (!body.contains(key)) continue;
    if (!body[key].is_string()) return InvalidArgument(std::string(key) + ": expected a string");
    *field = body[key].get<std::string>();
  }
  if (s.pipeline_yaml.empty()) return InvalidArgument("pipeline: the pipeline YAML is empty");
  if (body.contains("params")) s.params = body["params"];
  ASSIGN_OR_RETURN(store::ScheduleRecord created, p.triggers->Create(std::move(s)));
  return ToJson(created, RealClock().NowMs());
}

Result<Json> ListSchedules(Platform& p) {
  ASSIGN_OR_RETURN(auto schedules, p.store->ListSchedules());
  Json out = Json::array();
  const TimeMs now = RealClock().NowMs();
  for (const auto& s : schedules) out.push_back(ToJson(s, now));
  return Json{{"schedules", out}};
}

Result<Json> FireEvent(Platform& p, const http::Request& req) {
  Json payload = Json::object();
  if (!req.body.empty()) {
    ASSIGN_OR_RETURN(payload, ParseJson(req.body, "request body"));
  }
  const std::string& event = req.params.at("name");
  ASSIGN_OR_RETURN(workflow::FireResult fired, p.triggers->Fire(event, payload));
  return Json{{"event", event}, {"runs", fired.run_ids}, {"errors", fired.errors},
              {"paused", fired.paused}};
}

}  // namespace

void AddTriggerRoutes(http::Server& server, Platform& p) {
  server.Route("POST", "/api/v1/schedules", [&p](const http::Request& req) {
    return Reply(CreateSchedule(p, req), 201);
  });
  server.Route("GET", "/api/v1/schedules", [&p](const http::Request&) {
    return Reply(ListSchedules(p));
  });
  server.Route("GET", "/api/v1/schedules/{name}", [&p](const http::Request& req) -> http::Response {
    auto s = p.store->GetSchedule(req.params.at("name"));
    if (!s.ok()) return http::ErrorResponse(s.status());
    return http::JsonResponse(ToJson(*s, RealClock().NowMs()));
  });
  server.Route("DELETE", "/api/v1/schedules/{name}", [&p](const http::Request& req) -> http::Response {
    Status st = p.triggers->Delete(req.params.at("name"));
    if (!st.ok()) return http::ErrorResponse(st);
    return http::JsonResponse({{"deleted", req.params.at("name")}});
  });
  for (const char* action : {"pause", "resume"}) {
    const bool paused = std::string(action) == "pause";
    server.Route("POST", std::string("/api/v1/schedules/{name}/") + action,
                 [&p, paused](const http::Request& req) -> http::Response {
      auto s = p.triggers->SetPaused(req.params.at("name"), paused);
      if (!s.ok()) return http::ErrorResponse(s.status());
      return http::JsonResponse(ToJson(*s, RealClock().NowMs()));
    });
  }
  // The body is the event's payload, a JSON object (empty = {}). 202: runs submitted.
  server.Route("POST", "/api/v1/events/{name}", [&p](const http::Request& req) {
    return Reply(FireEvent(p, req), 202);
  });
}

}  // namespace tandem::api
