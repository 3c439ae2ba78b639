// The model library: models and their versions.
#include "api/json_views.h"
#include "api/routes.h"
#include "core/digits.h"

namespace tandem::api {

void AddModelRoutes(http::Server& server, Platform& p) {
  server.Route("GET", "/api/v1/models", [&p](const http::Request&) {
    auto models = p.store->ListModels();
    if (!models.ok()) return http::ErrorResponse(models.status());
    Json out = Json::array();
    for (const auto& m : *models) {
      Json j = ToJson(m);
      auto latest = p.store->GetModelVersion(m.name, m.latest_version);
      if (latest.ok()) j["metrics"] = latest->metrics;
      out.push_back(j);
    }
    return http::JsonResponse({{"models", out}});
  });
  server.Route("GET", "/api/v1/models/{name}", [&p](const http::Request& req) {
    auto versions = p.store->ListModelVersions(req.params.at("name"));
    if (!versions.ok()) return http::ErrorResponse(versions.status());
    if (versions->empty()) {
      return http::ErrorResponse(NotFound("model '" + req.params.at("name") + "' not found"));
    }
    Json out = Json::array();
    for (const auto& v : *versions) out.push_back(ToJson(v));
    return http::JsonResponse({{"name", req.params.at("name")}, {"versions", out}});
  });
  server.Route("GET", "/api/v1/models/{name}/versions/{version}", [&p](const http::Request& req) {
    const std::string& v = req.params.at("version");
    auto version = ParseDigits(v, 6);
    if (!version) return http::ErrorResponse(InvalidArgument("version: '" + v + "' is not a number"));
    auto mv = p.store->GetModelVersion(req.params.at("name"), *version);
    if (!mv.ok()) return http::ErrorResponse(mv.status());
    return http::JsonResponse(ToJson(*mv));
  });
}

}  // namespace tandem::api
