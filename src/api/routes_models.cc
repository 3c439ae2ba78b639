// The model library: models, versions, tags, aliases, stages, comparisons, and the
// artifact bytes an SDK export needs.
#include "api/json_views.h"
#include "api/routes.h"
#include "core/digits.h"
#include "core/fs.h"
#include "registry/model_library.h"

namespace tandem::api {
namespace {

// {version} in a path: a version number, or an alias name ("production").
Result<registry::ModelRef> RefFromPath(const http::Request& req) {
  registry::ModelRef ref;
  ref.name = req.params.at("name");
  const std::string& v = req.params.at("version");
  if (auto number = ParseDigits(v, 6); number && *number > 0) {
    ref.version = *number;
  } else if (registry::IsValidAlias(v)) {
    ref.alias = v;
  } else {
    return InvalidArgument("version: '" + v + "' is neither a version number nor an alias");
  }
  return ref;
}

// The version's view plus its artifact's size and meta (format details, features,
// classes, fitted transforms): what an exported SDK is made from.
Result<Json> VersionWithArtifact(Platform& p, const registry::ModelRef& ref) {
  registry::ModelLibrary lib(*p.store);
  ASSIGN_OR_RETURN(Json view, lib.DescribeVersion(ref));
  ASSIGN_OR_RETURN(store::ArtifactRecord art, p.store->GetArtifact(view["digest"]));
  view["artifact"] = {{"digest", art.digest}, {"size", art.size}, {"meta", art.meta}};
  return view;
}

Result<Json> SetTags(Platform& p, const http::Request& req) {
  ASSIGN_OR_RETURN(registry::ModelRef ref, RefFromPath(req));
  ASSIGN_OR_RETURN(Json body, ParseJson(req.body, "request body"));
  if (!body.contains("tags") || !body["tags"].is_object()) {
    return InvalidArgument("tags: expected an object of key: value strings");
  }
  registry::ModelLibrary lib(*p.store);
  // One transaction: all the tags land, or none does.
  RETURN_IF_ERROR(p.store->Transaction([&]() -> Status {
    for (const auto& [key, value] : body["tags"].items()) {
      if (!value.is_string()) return InvalidArgument("tags." + key + ": expected a string");
      RETURN_IF_ERROR(lib.Tag(ref, key, value.get<std::string>()));
    }
    return Status::Ok();
  }));
  return lib.DescribeVersion(ref);
}

Result<Json> SetAlias(Platform& p, const http::Request& req) {
  ASSIGN_OR_RETURN(Json body, ParseJson(req.body, "request body"));
  ASSIGN_OR_RETURN(int64_t version, GetInt(body, "version"));
  if (version <= 0 || version > 999999) return InvalidArgument("version: must be positive");
  registry::ModelRef target{req.params.at("name"), static_cast<int>(version), ""};
  registry::ModelLibrary lib(*p.store);
  RETURN_IF_ERROR(lib.SetAlias(req.params.at("alias"), target));
  return lib.Describe(target.name);
}

Result<Json> SetStage(Platform& p, const http::Request& req) {
  ASSIGN_OR_RETURN(registry::ModelRef ref, RefFromPath(req));
  ASSIGN_OR_RETURN(Json body, ParseJson(req.body, "request body"));
  ASSIGN_OR_RETURN(std::string stage, GetString(body, "stage"));
  registry::ModelLibrary lib(*p.store);
  RETURN_IF_ERROR(lib.SetStage(ref, stage));
  return lib.DescribeVersion(ref);
}

// ?a=1&b=2 (a version number or an alias each).
Result<Json> Compare(Platform& p, const http::Request& req) {
  registry::ModelRef refs[2];
  const char* keys[2] = {"a", "b"};
  for (int i = 0; i < 2; ++i) {
    auto it = req.query.find(keys[i]);
    if (it == req.query.end() || it->second.empty()) {
      return InvalidArgument(std::string("query parameter ") + keys[i] +
                             ": a version number or alias is required");
    }
    http::Request one = req;
    one.params["version"] = it->second;
    ASSIGN_OR_RETURN(refs[i], RefFromPath(one));
  }
  registry::ModelLibrary lib(*p.store);
  return lib.Compare(refs[0], refs[1]);
}

}  // namespace

void AddModelRoutes(http::Server& server, Platform& p) {
  server.Route("GET", "/api/v1/models", [&p](const http::Request&) {
    auto models = p.store->ListModels();
    if (!models.ok()) return http::ErrorResponse(models.status());
    Json out = Json::array();
    for (const auto& m : *models) {
      Json j = ToJson(m);
      auto latest = p.store->GetModelVersion(m.name, m.latest_version);
      if (latest.ok()) j["metrics"] = latest->metrics;
      if (auto aliases = p.store->ListModelAliases(m.name); aliases.ok()) {
        j["aliases"] = Json::object();
        for (const auto& a : *aliases) j["aliases"][a.alias] = a.version;
      }
      out.push_back(j);
    }
    return http::JsonResponse({{"models", out}});
  });
  server.Route("GET", "/api/v1/models/{name}", [&p](const http::Request& req) {
    registry::ModelLibrary lib(*p.store);
    return Reply(lib.Describe(req.params.at("name")));
  });
  server.Route("GET", "/api/v1/models/{name}/compare", [&p](const http::Request& req) {
    return Reply(Compare(p, req));
  });
  server.Route("GET", "/api/v1/models/{name}/versions/{version}", [&p](const http::Request& req) {
    auto ref = RefFromPath(req);
    if (!ref.ok()) return http::ErrorResponse(ref.status());
    return Reply(VersionWithArtifact(p, *ref));
  });
  // The model file itself, as stored.
  server.Route("GET", "/api/v1/models/{name}/versions/{version}/artifact",
               [&p](const http::Request& req) {
    auto ref = RefFromPath(req);
    if (!ref.ok()) return http::ErrorResponse(ref.status());
    registry::ModelLibrary lib(*p.store);
    auto mv = lib.Resolve(*ref);
    if (!mv.ok()) return http::ErrorResponse(mv.status());
    auto path = p.artifacts->PathOf(mv->artifact_digest);
    if (!path.ok()) return http::ErrorResponse(path.status());
    auto bytes = ReadFile(*path);
    if (!bytes.ok()) return http::ErrorResponse(bytes.status());
    http::Response resp;
    resp.content_type = "application/octet-stream";
    resp.body = std::move(*bytes);
    return resp;
  });
  server.Route("POST", "/api/v1/models/{name}/versions/{version}/tags",
               [&p](const http::Request& req) { return Reply(SetTags(p, req)); });
  server.Route("DELETE", "/api/v1/models/{name}/versions/{version}/tags/{key}",
               [&p](const http::Request& req) {
    auto ref = RefFromPath(req);
    if (!ref.ok()) return http::ErrorResponse(ref.status());
    registry::ModelLibrary lib(*p.store);
    Status st = lib.Untag(*ref, req.params.at("key"));
    if (!st.ok()) return http::ErrorResponse(st);
    return Reply(lib.DescribeVersion(*ref));
  });
  server.Route("POST", "/api/v1/models/{name}/versions/{version}/stage",
               [&p](const http::Request& req) { return Reply(SetStage(p, req)); });
  server.Route("POST", "/api/v1/models/{name}/aliases/{alias}",
               [&p](const http::Request& req) { return Reply(SetAlias(p, req)); });
  server.Route("DELETE", "/api/v1/models/{name}/aliases/{alias}", [&p](const http::Request& req) {
    registry::ModelLibrary lib(*p.store);
    Status st = lib.RemoveAlias(req.params.at("name"), req.params.at("alias"));
    if (!st.ok()) return http::ErrorResponse(st);
    return Reply(lib.Describe(req.params.at("name")));
  });
}

}  // namespace tandem::api
