#include "api/routes.h"

#include "core/digits.h"

namespace tandem::api {

http::Response Reply(const Result<Json>& result, int ok_status) {
  if (!result.ok()) return http::ErrorResponse(result.status());
  return http::JsonResponse(*result, ok_status);
}

bool QueryFlag(const http::Request& req, const std::string& key) {
  auto it = req.query.find(key);
  return it != req.query.end() && (it->second == "1" || it->second == "true");
}

Result<int> QueryInt(const http::Request& req, const std::string& key, int fallback) {
  auto it = req.query.find(key);
  if (it == req.query.end() || it->second.empty()) return fallback;
  const std::string& v = it->second;
  auto value = ParseDigits(v, 9);
  if (!value) {
    return InvalidArgument("query parameter " + key + ": '" + v + "' is not a non-negative integer");
  }
  return *value;
}

void AddRoutes(http::Server& server, Platform& platform) {
  // 503 "starting" until the platform has started (RunServer): a client waiting for
  // health then finds the bundled operators published and the services restored.
  server.Route("GET", "/healthz", [&server](const http::Request&) {
    if (!server.ready()) return http::JsonResponse({{"status", "starting"}}, 503);
    return http::JsonResponse({{"status", "ok"}});
  }, http::RouteClass::kHealth);
  // The API's front door (the demo prints its URL): what it is and where things are.
  server.Route("GET", "/api/v1", [](const http::Request&) {
    Json collections = Json::object();
    for (const char* name : {"datasets", "runs", "models", "operators", "algorithms", "services",
                             "schedules", "resources"}) {
      collections[name] = std::string("/api/v1/") + name;
    }
    return http::JsonResponse({{"name", "tandem"}, {"version", TANDEM_VERSION},
                               {"collections", collections}, {"health", "/healthz"},
                               {"inference", "/v2/models/{service}/infer"}});
  });
  AddDatasetRoutes(server, platform);
  AddRunRoutes(server, platform);
  AddLogRoutes(server, platform);
  AddModelRoutes(server, platform);
  AddOperatorRoutes(server, platform);
  AddServiceRoutes(server, platform);
  AddTriggerRoutes(server, platform);
  AddRunGraphRoutes(server, platform);
  AddResourceRoutes(server, platform);
  AddArtifactRoutes(server, platform);
  AddCleanupRoutes(server, platform);
  AddTableRoutes(server, platform);
}

}  // namespace tandem::api
