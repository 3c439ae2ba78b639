// Operators: what the catalog offers, with the JSON Schema of each one's params (from
// which clients generate forms).
#include "api/routes.h"

namespace tandem::api {
namespace {

Json PortsJson(const std::map<std::string, operators::PortDef>& ports) {
  Json out = Json::object();
  for (const auto& [name, port] : ports) out[name] = {{"type", port.type}, {"optional", port.optional}};
  return out;
}

Json OperatorJson(const operators::OperatorDef& def) {
  return {{"name", def.name},       {"version", def.version},
          {"category", def.category}, {"description", def.description},
          {"inputs", PortsJson(def.inputs)}, {"outputs", PortsJson(def.outputs)},
          {"params", def.params_schema}, {"runtime", def.runtime},
          {"digest", def.digest}};
}

}  // namespace

void AddOperatorRoutes(http::Server& server, Platform& p) {
  server.Route("GET", "/api/v1/operators", [&p](const http::Request&) {
    Json out = Json::array();
    for (const auto& def : p.catalog->List()) out.push_back(OperatorJson(def));
    return http::JsonResponse({{"operators", out}});
  });
  // NAME or NAME@VERSION.
  server.Route("GET", "/api/v1/operators/{name}", [&p](const http::Request& req) {
    auto def = p.catalog->Find(req.params.at("name"));
    if (!def.ok()) return http::ErrorResponse(def.status());
    return http::JsonResponse(OperatorJson(*def));
  });
}

}  // namespace tandem::api
