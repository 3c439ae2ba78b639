// Runs: submit a pipeline, follow it, cancel it.
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

}  // namespace

void AddRunRoutes(http::Server& server, Platform& p) {
  // The body is the pipeline YAML (JSON is YAML too); ?no_cache=1 runs every task;
  // ?allow_drafts=1 accepts unpublished operators.
  server.Route("POST", "/api/v1/runs", [&p](const http::Request& req) {
    if (req.body.empty()) return http::ErrorResponse(InvalidArgument("body: the pipeline YAML is empty"));
    workflow::SubmitOptions options;
    options.no_cache = QueryFlag(req, "no_cache");
    options.allow_drafts = QueryFlag(req, "allow_drafts");
    auto run = p.engine->Submit(req.body, options);
    if (!run.ok()) return http::ErrorResponse(run.status());
    return Reply(RunWithTasks(p, run->id), 201);
  });
  server.Route("GET", "/api/v1/runs", [&p](const http::Request& req) {
    store::RunFilter filter;
    if (auto it = req.query.find("pipeline"); it != req.query.end()) filter.pipeline_name = it->second;
    if (auto it = req.query.find("state"); it != req.query.end()) filter.state = it->second;
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
