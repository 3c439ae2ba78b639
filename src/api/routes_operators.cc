// Operators: the catalog with the JSON Schema and form hints of each one's params (from
// which clients generate forms), publishing and deprecating plug-in versions, and the
// algorithm library of the zero-code path (the published train operators).
#include "api/routes.h"
#include "operators/json_schema.h"

namespace tandem::api {
namespace {

Json OperatorJson(const operators::OperatorDef& def) {
  return {{"name", def.name},         {"version", def.version},
          {"category", def.category}, {"description", def.description},
          {"inputs", operators::PortsJson(def.inputs)}, {"outputs", operators::PortsJson(def.outputs)},
          {"params", def.params_schema}, {"ui", def.ui},
          {"resources", def.resources},   {"runtime", def.runtime},
          {"state", def.state},           {"digest", def.digest}};
}

Json TestsJson(const std::vector<operators::TestCaseResult>& tests) {
  Json out = Json::array();
  for (const auto& t : tests) {
    out.push_back({{"name", t.name}, {"passed", t.passed}, {"reason", t.reason}, {"millis", t.millis}});
  }
  return out;
}

}  // namespace

void AddOperatorRoutes(http::Server& server, Platform& p) {
  // Every version of every operator; ?category=train narrows it.
  server.Route("GET", "/api/v1/operators", [&p](const http::Request& req) {
    auto category = req.query.count("category") ? req.query.at("category") : "";
    Json out = Json::array();
    for (const auto& def : p.catalog->List()) {
      if (category.empty() || def.category == category) out.push_back(OperatorJson(def));
    }
    return http::JsonResponse({{"operators", out}});
  });
  // NAME or NAME@VERSION.
  server.Route("GET", "/api/v1/operators/{name}", [&p](const http::Request& req) {
    auto def = p.catalog->Find(req.params.at("name"));
    if (!def.ok()) return http::ErrorResponse(def.status());
    return http::JsonResponse(OperatorJson(*def));
  });
  // Body: the tar archive of the operator folder (`tandem operator publish` packs it).
  // ?draft=1 stores it without the test gate. The test results come back either way;
  // a refused publish answers 412 with every failed test in the message.
  server.Route("POST", "/api/v1/operators", [&p](const http::Request& req) {
    if (req.body.empty()) return http::ErrorResponse(InvalidArgument("body: send the operator folder as a tar archive"));
    auto outcome = p.operator_library->Publish(req.body, QueryFlag(req, "draft"));
    if (!outcome.ok()) return http::ErrorResponse(outcome.status());
    return http::JsonResponse({{"operator", OperatorJson(outcome->def)},
                               {"tests", TestsJson(outcome->tests)},
                               {"unchanged", outcome->unchanged}},
                              outcome->unchanged ? 200 : 201);
  }, http::RouteClass::kArchive);
  // `operator validate` + `operator test` on the server: the same checks and test run as
  // a publish, nothing stored. 200 with every test's result; 400 for a bad manifest.
  server.Route("POST", "/api/v1/operators/check", [&p](const http::Request& req) {
    if (req.body.empty()) return http::ErrorResponse(InvalidArgument("body: send the operator folder as a tar archive"));
    auto outcome = p.operator_library->Check(req.body);
    if (!outcome.ok()) return http::ErrorResponse(outcome.status());
    return http::JsonResponse({{"operator", OperatorJson(outcome->def)}, {"tests", TestsJson(outcome->tests)}});
  }, http::RouteClass::kArchive);
  // ?version=N deprecates one version; without it, every version.
  server.Route("POST", "/api/v1/operators/{name}/deprecate", [&p](const http::Request& req) {
    auto version = QueryInt(req, "version", 0);
    if (!version.ok()) return http::ErrorResponse(version.status());
    Status st = p.operator_library->Deprecate(req.params.at("name"), *version);
    if (!st.ok()) return http::ErrorResponse(st);
    return http::JsonResponse({{"name", req.params.at("name")}, {"state", "deprecated"}});
  });
  // The algorithm library: the latest usable version of each train operator.
  server.Route("GET", "/api/v1/algorithms", [&p](const http::Request&) {
    std::map<std::string, operators::OperatorDef> latest;
    for (const auto& def : p.catalog->List()) {
      if (def.category != "train" || def.state != "published") continue;
      latest[def.name] = def;  // List() is by name then version
    }
    Json out = Json::array();
    for (const auto& [name, def] : latest) out.push_back(OperatorJson(def));
    return http::JsonResponse({{"algorithms", out}});
  });
}

}  // namespace tandem::api
