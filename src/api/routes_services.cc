// Services: deploy a model version behind replicas, roll it to another version (rolling
// or canary), and reach its KServe v2 endpoints through this server's own address.
#include <algorithm>
#include <cstdint>
#include <map>

#include "api/routes.h"
#include "registry/model_ref.h"

namespace tandem::api {
namespace {

// How a service looks in the API: its row, what it should run, and what runs; with
// `stats` (ServiceManager::ReplicaStats) each replica's input warnings and their sum.
Json ServiceJson(const serving::ServiceView& v, const std::map<std::string, Json>& stats = {}) {
  const store::ServiceRecord& s = v.service;
  Json replicas = Json::array();
  int restarts = 0;
  int64_t input_warnings = 0;
  for (size_t i = 0; i < v.replicas.size(); ++i) {
    const store::ReplicaRecord& r = v.replicas[i];
    restarts += r.restarts;
    Json counted;  // null: not asked, or the replica did not answer
    if (auto it = stats.find(r.id); it != stats.end()) {
      counted = it->second.value("input_warnings", Json());
      if (counted.is_number_integer()) input_warnings += counted.get<int64_t>();
    }
    replicas.push_back({{"id", r.id},
                        {"input_warnings", counted},
                        {"track", r.track},
                        {"model", r.model_name},
                        {"model_version", r.model_version},
                        {"state", r.state},
                        {"endpoint", r.port ? "http://" + r.host + ":" + std::to_string(r.port) : ""},
                        {"pid", r.pid},
                        {"restarts", r.restarts},
                        {"in_flight", i < v.in_flight.size() ? v.in_flight[i] : 0}});
  }
  Json canary;
  if (!v.spec.canary_model.empty()) {
    canary = {{"model", v.spec.canary_model},
              {"model_version", v.spec.canary_version},
              {"weight", v.spec.canary_weight}};
  }
  return {{"name", s.name},
          {"model", s.model_name},
          {"model_version", s.model_version},
          {"state", s.state},
          {"endpoint", s.port ? "http://" + s.host + ":" + std::to_string(s.port) : ""},
          {"error", s.error},
          {"replicas_wanted", v.spec.replicas},
          {"batch", {{"max", v.spec.batch_max}, {"delay_us", v.spec.batch_delay_us}}},
          {"resources", v.spec.resources},
          {"strict_inputs", v.spec.strict_inputs},
          {"input_warnings", input_warnings},
          {"canary", canary},
          {"replicas", replicas},
          {"restarts", restarts},
          {"created_ms", s.created_ms},
          {"updated_ms", s.updated_ms}};
}

Result<Json> ToJsonResult(const Result<serving::ServiceView>& v) {
  if (!v.ok()) return v.status();
  return ServiceJson(*v);
}

// "model" is MODEL, MODEL:VERSION or MODEL@ALIAS; a separate "version" (older
// clients) pins the version of a plain MODEL.
Result<registry::ModelRef> ModelFromBody(const Json& req) {
  ASSIGN_OR_RETURN(std::string model, GetString(req, "model"));
  ASSIGN_OR_RETURN(registry::ModelRef ref, registry::ParseModelRef(model));
  ASSIGN_OR_RETURN(int64_t version, GetIntOr(req, "version", 0));
  if (version < 0) return InvalidArgument("version: must be >= 0 (0 = latest)");
  if (version > 0) {
    if (ref.version > 0 || !ref.alias.empty()) {
      return InvalidArgument("version: given twice (in model '" + model + "' and as version)");
    }
    ref.version = static_cast<int>(version);
  }
  return ref;
}

Result<Json> DeployFromBody(Platform& p, const std::string& body) {
  ASSIGN_OR_RETURN(Json req, ParseJson(body, "request body"));
  ASSIGN_OR_RETURN(std::string name, GetString(req, "name"));
  ASSIGN_OR_RETURN(registry::ModelRef ref, ModelFromBody(req));
  serving::ServiceOptions o;
  ASSIGN_OR_RETURN(int64_t replicas, GetIntOr(req, "replicas", 1));
  // Clamped into int only; ServiceManager::Deploy checks the limits and names them.
  auto to_int = [](int64_t v) { return static_cast<int>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX)); };
  o.replicas = to_int(replicas);
  if (req.contains("batch")) {
    const Json& batch = req["batch"];
    if (!batch.is_object()) return InvalidArgument("batch: expected an object {max, delay_us}");
    ASSIGN_OR_RETURN(int64_t max, GetIntOr(batch, "max", 0, "batch"));
    ASSIGN_OR_RETURN(int64_t delay, GetIntOr(batch, "delay_us", 0, "batch"));
    o.batch_max = to_int(max);
    o.batch_delay_us = to_int(delay);
  }
  if (req.contains("resources")) o.resources = req["resources"];  // checked by Deploy
  ASSIGN_OR_RETURN(o.strict_inputs, GetBoolOr(req, "strict_inputs", false));
  ASSIGN_OR_RETURN(o.replace, GetBoolOr(req, "replace", false));
  return ToJsonResult(p.services->Deploy(name, ref, o));
}

Result<Json> UpdateFromBody(Platform& p, const std::string& name, const std::string& body) {
  ASSIGN_OR_RETURN(Json req, ParseJson(body, "request body"));
  ASSIGN_OR_RETURN(registry::ModelRef ref, ModelFromBody(req));
  ASSIGN_OR_RETURN(int64_t canary, GetIntOr(req, "canary", 0));
  if (canary < 0 || canary > 100) return InvalidArgument("canary: must be a percentage 0..100");
  return ToJsonResult(p.services->Update(name, ref, static_cast<int>(canary)));
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
    auto services = p.services->List();
    if (!services.ok()) return http::ErrorResponse(services.status());
    Json out = Json::array();
    for (const auto& s : *services) out.push_back(ServiceJson(s, p.services->ReplicaStats(s.service.name)));
    return http::JsonResponse({{"services", out}});
  });
  server.Route("GET", "/api/v1/services/{name}", [&p](const http::Request& req) {
    const std::string& name = req.params.at("name");
    auto view = p.services->Get(name);
    if (!view.ok()) return http::ErrorResponse(view.status());
    return http::JsonResponse(ServiceJson(*view, p.services->ReplicaStats(name)));
  });
  server.Route("DELETE", "/api/v1/services/{name}", [&p](const http::Request& req) {
    Status st = p.services->Stop(req.params.at("name"));
    if (!st.ok()) return http::ErrorResponse(st);
    return Reply(ToJsonResult(p.services->Get(req.params.at("name"))));
  });
  server.Route("POST", "/api/v1/services/{name}/update", [&p](const http::Request& req) {
    return Reply(UpdateFromBody(p, req.params.at("name"), req.body));
  });
  server.Route("POST", "/api/v1/services/{name}/promote", [&p](const http::Request& req) {
    return Reply(ToJsonResult(p.services->Promote(req.params.at("name"))));
  });
  server.Route("POST", "/api/v1/services/{name}/rollback", [&p](const http::Request& req) {
    return Reply(ToJsonResult(p.services->Rollback(req.params.at("name"))));
  });

  // The server's own health in KServe terms, then each service's model endpoints:
  // /v2/models/<service>/... is answered by one of that service's replicas.
  server.Route("GET", "/v2/health/live", [](const http::Request&) {
    return http::JsonResponse({{"live", true}});
  }, http::RouteClass::kHealth);
  server.Route("GET", "/v2/health/ready", [](const http::Request&) {
    return http::JsonResponse({{"ready", true}});
  }, http::RouteClass::kHealth);
  for (const char* method : {"GET", "POST"}) {
    server.Route(method, "/v2/models/{name}", [&p](const http::Request& req) {
      return Forward(p, req, req.params.at("name"));
    }, http::RouteClass::kInference);
    server.Route(method, "/v2/models/{name}/{rest*}", [&p](const http::Request& req) {
      return Forward(p, req, req.params.at("name"));
    }, http::RouteClass::kInference);
  }
}

}  // namespace tandem::api
