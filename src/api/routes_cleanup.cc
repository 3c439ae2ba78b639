// Deletes and garbage collection (store/gc.h): each delete is one store transaction
// that refuses while something live uses the row; bytes go only through POST /api/v1/gc.
//   DELETE /api/v1/runs/{id}                          a finished run, its tasks, its task dirs
//   DELETE /api/v1/datasets/{name}[?version=N]        one version, or all
//   DELETE /api/v1/models/{name}/versions/{version}   refused while a service or alias uses it
//   POST   /api/v1/services/{name}/delete             a stopped service leaves the list
//   POST   /api/v1/gc  {keep_runs_days, grace_minutes, dry_run}   retention, then the sweep
//   POST   /api/v1/gc  {verify: true, quarantine}   only re-hash artifacts, report mismatches
#include <filesystem>

#include "api/routes.h"
#include "core/digits.h"
#include "store/gc.h"

namespace tandem::api {
namespace {

Result<int> PathVersion(const http::Request& req) {
  const std::string& text = req.params.at("version");
  auto number = ParseDigits(text, 6);
  if (!number || *number < 1) return InvalidArgument("version: '" + text + "' is not a version number");
  return *number;
}

Result<store::GcOptions> GcOptionsFrom(const Platform& p, const std::string& body) {
  store::GcOptions o;
  o.keep_runs_days = p.config.gc_keep_runs_days;
  o.grace_minutes = p.config.gc_grace_minutes;
  if (body.empty()) return o;
  Json j = Json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("body: expected a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key == "dry_run" && value.is_boolean()) {
      o.dry_run = value.get<bool>();
    } else if (key == "verify" && value.is_boolean()) {
      o.verify = value.get<bool>();
    } else if (key == "quarantine" && value.is_boolean()) {
      o.quarantine = value.get<bool>();
    } else if ((key == "keep_runs_days" || key == "grace_minutes") && value.is_number_integer() &&
               value.get<int64_t>() >= 0) {
      if (key == "keep_runs_days") {
        o.keep_runs_days = value.get<int>();
      } else {
        o.grace_minutes = value.get<int64_t>();
      }
    } else {
      return InvalidArgument("body." + key + ": expected dry_run, verify, quarantine (true/false), keep_runs_days or "
                             "grace_minutes (whole numbers >= 0)");
    }
  }
  return o;
}

Json MismatchJson(const std::vector<store::ArtifactStore::Mismatch>& mismatched) {
  Json out = Json::array();
  for (const auto& m : mismatched) {
    out.push_back({{"digest", m.digest}, {"path", m.path}, {"actual", m.actual}, {"moved_to", m.moved_to}});
  }
  return out;
}

Json GcJson(const store::GcReport& r, bool dry_run) {
  return {{"dry_run", dry_run},
          {"runs_deleted", r.runs_deleted},
          {"runs_kept", r.runs_kept},
          {"artifacts_removed", r.artifacts_removed},
          {"bytes_freed", r.bytes_freed},
          {"stray_files", r.stray_files},
          {"mismatched", MismatchJson(r.mismatched)}};
}

}  // namespace

void AddCleanupRoutes(http::Server& server, Platform& p) {
  server.Route("DELETE", "/api/v1/runs/{id}", [&p](const http::Request& req) {
    const std::string id = req.params.at("id");
    return Reply([&]() -> Result<Json> {
      RETURN_IF_ERROR(store::DeleteRunAndFiles(*p.store, p.config.data_dir, id));
      return Json{{"deleted", "run"}, {"id", id}};
    }());
  });
  server.Route("DELETE", "/api/v1/datasets/{name}", [&p](const http::Request& req) {
    const std::string name = req.params.at("name");
    return Reply([&]() -> Result<Json> {
      ASSIGN_OR_RETURN(int version, QueryInt(req, "version", 0));
      RETURN_IF_ERROR(p.store->DeleteDataset(name, version));
      return Json{{"deleted", "dataset"}, {"name", name}, {"version", version}};
    }());
  });
  server.Route("DELETE", "/api/v1/models/{name}/versions/{version}", [&p](const http::Request& req) {
    const std::string name = req.params.at("name");
    return Reply([&]() -> Result<Json> {
      ASSIGN_OR_RETURN(int version, PathVersion(req));
      RETURN_IF_ERROR(p.store->DeleteModelVersion(name, version));
      return Json{{"deleted", "model"}, {"name", name}, {"version", version}};
    }());
  });
  server.Route("POST", "/api/v1/services/{name}/delete", [&p](const http::Request& req) {
    const std::string name = req.params.at("name");
    return Reply([&]() -> Result<Json> {
      // Checked and deleted in one transaction: a deploy of the same name that wrote its
      // row first is seen (and refused), one that writes after starts from nothing.
      RETURN_IF_ERROR(p.store->Transaction([&]() -> Status {
        ASSIGN_OR_RETURN(store::ServiceRecord s, p.store->GetService(name));
        if (s.state != "stopped") {
          return FailedPrecondition("service '" + name + "' is " + s.state + ": stop it first (tandem service stop " +
                                    name + ")");
        }
        return p.store->DeleteService(name);
      }));
      std::error_code ec;
      std::filesystem::remove_all(std::filesystem::path(p.config.data_dir) / "services" / name, ec);
      return Json{{"deleted", "service"}, {"name", name}};
    }());
  });
  server.Route("POST", "/api/v1/gc", [&p](const http::Request& req) {
    return Reply([&]() -> Result<Json> {
      ASSIGN_OR_RETURN(store::GcOptions options, GcOptionsFrom(p, req.body));
      ASSIGN_OR_RETURN(store::GcReport report,
                       store::CollectGarbage(*p.store, *p.artifacts, p.config.data_dir, RealClock(), options));
      return GcJson(report, options.dry_run);
    }());
  }, http::RouteClass::kLong);
}

}  // namespace tandem::api
