// Runs: submit a pipeline, follow it, cancel it.
#include <algorithm>

#include "api/json_views.h"
#include "api/routes.h"

namespace tandem::api {
namespace {

Result<Json> RunWithTasks(Platform& p, const std::string& id) {
  ASSIGN_OR_RETURN(store::RunRecord run, p.store->GetRun(id));
  ASSIGN_OR_RETURN(auto tasks, p.store->ListTasks(id));
  Json out = ToJson(run);
  out["tasks"] = Json::array();
  for (const auto& t : tasks) out["tasks"].push_back(ToJson(t));
  return out;
}

// A run's states, as `GET /api/v1/runs?state=` accepts them.
const std::vector<std::string> kRunStates = {store::state::kPending, store::state::kRunning,
                                             store::state::kSucceeded, store::state::kFailed,
                                             store::state::kCancelled};

// The body is the pipeline YAML, or {"pipeline": "<YAML>", "params": {...}} to set
// pipeline params (a pipeline spec has no "pipeline" key, so the two never mix).
// The params are checked against the pipeline's declarations by Submit.
Status ReadSubmitBody(const std::string& body, std::string* yaml, Json* params) {
  Json envelope = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (envelope.is_discarded() || !envelope.is_object() || !envelope.contains("pipeline")) {
    *yaml = body;
    return Status::Ok();
  }
  for (const auto& [key, _] : envelope.items()) {
    if (key != "pipeline" && key != "params") {
      return InvalidArgument("body." + key + ": unknown field (known: pipeline, params)");
    }
  }
  if (!envelope["pipeline"].is_string() || envelope["pipeline"].get<std::string>().empty()) {
    return InvalidArgument("body.pipeline: expected the pipeline YAML as a string");
  }
  *yaml = envelope["pipeline"].get<std::string>();
  if (envelope.contains("params")) {
    if (!envelope["params"].is_object()) return InvalidArgument("body.params: expected an object");
    *params = envelope["params"];
  }
  return Status::Ok();
}

}  // namespace

void AddRunRoutes(http::Server& server, Platform& p) {
  // The body is the pipeline YAML (JSON is YAML too), or the JSON envelope of
  // ReadSubmitBody with params; ?no_cache=1 runs every task; ?allow_drafts=1 accepts
  // unpublished operators.
  server.Route("POST", "/api/v1/runs", [&p](const http::Request& req) {
    if (req.body.empty()) return http::ErrorResponse(InvalidArgument("body: the pipeline YAML is empty"));
    workflow::SubmitOptions options;
    options.no_cache = QueryFlag(req, "no_cache");
    options.allow_drafts = QueryFlag(req, "allow_drafts");
    std::string yaml;
    Status read = ReadSubmitBody(req.body, &yaml, &options.params);
    if (!read.ok()) return http::ErrorResponse(read);
    auto run = p.engine->Submit(yaml, options);
    if (!run.ok()) return http::ErrorResponse(run.status());
    return Reply(RunWithTasks(p, run->id), 201);
  }, http::RouteClass::kLong);
  server.Route("GET", "/api/v1/runs", [&p](const http::Request& req) {
    store::RunFilter filter;
    if (auto it = req.query.find("pipeline"); it != req.query.end()) filter.pipeline_name = it->second;
    if (auto it = req.query.find("state"); it != req.query.end() && !it->second.empty()) {
      if (std::find(kRunStates.begin(), kRunStates.end(), it->second) == kRunStates.end()) {
        std::string known;
        for (const auto& s : kRunStates) known += (known.empty() ? "" : ", ") + s;
        return http::ErrorResponse(InvalidArgument("state: unknown run state '" + it->second +
                                                   "' (one of: " + known + ")"));
      }
      filter.state = it->second;
    }
    auto limit = QueryInt(req, "limit", 100);
    if (!limit.ok()) return http::ErrorResponse(limit.status());
    filter.limit = *limit;
    auto runs = p.store->ListRuns(filter);
    if (!runs.ok()) return http::ErrorResponse(runs.status());
    Json out = Json::array();
    for (const auto& r : *runs) out.push_back(ToJson(r));
    return http::JsonResponse({{"runs", out}});
  });
  server.Route("GET", "/api/v1/runs/{id}", [&p](const http::Request& req) {
    return Reply(RunWithTasks(p, req.params.at("id")));
  });
  server.Route("POST", "/api/v1/runs/{id}/cancel", [&p](const http::Request& req) {
    Status st = p.engine->Cancel(req.params.at("id"));
    if (!st.ok()) return http::ErrorResponse(st);
    return Reply(RunWithTasks(p, req.params.at("id")));
  });
}

}  // namespace tandem::api
