// Services: deploy a model version behind a replica, and reach its KServe v2
// endpoints through this server's own address.
#include "api/json_views.h"
#include "api/routes.h"

namespace tandem::api {
namespace {

Result<Json> DeployFromBody(Platform& p, const std::string& body) {
  ASSIGN_OR_RETURN(Json req, ParseJson(body, "request body"));
  ASSIGN_OR_RETURN(std::string name, GetString(req, "name"));
  ASSIGN_OR_RETURN(std::string model, GetString(req, "model"));
  ASSIGN_OR_RETURN(int64_t version, GetIntOr(req, "version", 0));
  if (version < 0) return InvalidArgument("version: must be >= 0 (0 = latest)");
  ASSIGN_OR_RETURN(store::ServiceRecord s,
                   p.services->Deploy(model, static_cast<int>(version), name));
  return ToJson(s);
}

http::Response Forward(Platform& p, const http::Request& req, const std::string& name) {
  auto resp = p.services->Forward(name, req.method, req.target, req.body);
  if (!resp.ok()) return http::ErrorResponse(resp.status());
  return *resp;
}

}  // namespace

void AddServiceRoutes(http::Server& server, Platform& p) {
  server.Route("POST", "/api/v1/services", [&p](const http::Request& req) {
    return Reply(DeployFromBody(p, req.body), 201);
  });
  server.Route("GET", "/api/v1/services", [&p](const http::Request&) {
    auto services = p.store->ListServices();
    if (!services.ok()) return http::ErrorResponse(services.status());
    Json out = Json::array();
    for (const auto& s : *services) out.push_back(ToJson(s));
    return http::JsonResponse({{"services", out}});
  });
  server.Route("GET", "/api/v1/services/{name}", [&p](const http::Request& req) {
    auto s = p.store->GetService(req.params.at("name"));
    if (!s.ok()) return http::ErrorResponse(s.status());
    return http::JsonResponse(ToJson(*s));
  });
  server.Route("DELETE", "/api/v1/services/{name}", [&p](const http::Request& req) {
    Status st = p.services->Stop(req.params.at("name"));
    if (!st.ok()) return http::ErrorResponse(st);
    auto s = p.store->GetService(req.params.at("name"));
    if (!s.ok()) return http::ErrorResponse(s.status());
    return http::JsonResponse(ToJson(*s));
  });

  // The server's own health in KServe terms, then each service's model endpoints:
  // /v2/models/<service>/... is answered by that service's replica.
  server.Route("GET", "/v2/health/live", [](const http::Request&) {
    return http::JsonResponse({{"live", true}});
  });
  server.Route("GET", "/v2/health/ready", [](const http::Request&) {
    return http::JsonResponse({{"ready", true}});
  });
  for (const char* method : {"GET", "POST"}) {
    server.Route(method, "/v2/models/{name}", [&p](const http::Request& req) {
      return Forward(p, req, req.params.at("name"));
    });
    server.Route(method, "/v2/models/{name}/{rest*}", [&p](const http::Request& req) {
      return Forward(p, req, req.params.at("name"));
    });
  }
}

}  // namespace tandem::api
