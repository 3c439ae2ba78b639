// The compute the scheduler hands out (resources/broker.h): devices, environments,
// allocations, the queue and recent events; draining and restoring devices.
#include "api/routes.h"

namespace tandem::api {
namespace {

// The body: {"device": "box" | "box/0"}.
Result<std::string> DeviceFromBody(const http::Request& req) {
  ASSIGN_OR_RETURN(Json body, ParseJson(req.body, "request body"));
  if (!body.is_object()) return InvalidArgument("request body: expected a JSON object {\"device\": \"node/gpu\"}");
  return GetString(body, "device");
}

}  // namespace

void AddResourceRoutes(http::Server& server, Platform& p) {
  server.Route("GET", "/api/v1/resources", [&p](const http::Request&) {
    return http::JsonResponse(p.broker->Snapshot());
  });
  for (const char* action : {"drain", "restore"}) {
    const bool drain = std::string(action) == "drain";
    server.Route("POST", std::string("/api/v1/resources/") + action,
                 [&p, drain](const http::Request& req) -> http::Response {
                   auto device = DeviceFromBody(req);
                   if (!device.ok()) return http::ErrorResponse(device.status());
                   Status st = drain ? p.broker->Drain(*device, "admin") : p.broker->Restore(*device, "admin");
                   if (!st.ok()) return http::ErrorResponse(st);
                   return http::JsonResponse(p.broker->Snapshot());
                 });
  }
}

}  // namespace tandem::api
