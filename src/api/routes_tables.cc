// Tables as people get them: CSV, whatever form the artifact store keeps (TTB1 between
// tasks, data/table_file.h).
//   GET /api/v1/datasets/{name}/csv[?version=N]   a dataset version's table
//   GET /api/v1/artifacts/{digest}/csv            any table artifact (a task's output)
#include "api/routes.h"
#include "data/table_file.h"

namespace tandem::api {
namespace {

http::Response CsvOf(Platform& p, const std::string& digest, const std::string& filename) {
  auto path = p.artifacts->PathOf(digest);
  if (!path.ok()) return http::ErrorResponse(path.status());
  auto row = p.store->GetArtifact(digest);
  if (row.ok() && row->kind != "table") {
    return http::ErrorResponse(InvalidArgument("artifact '" + digest + "' is a " + row->kind + ", not a table"));
  }
  auto csv = data::ReadTableAsCsv(path->string());
  if (!csv.ok()) return http::ErrorResponse(csv.status());
  http::Response r;
  r.content_type = "text/csv";
  r.body = std::move(*csv);
  r.headers["Content-Disposition"] = "attachment; filename=\"" + filename + ".csv\"";
  return r;
}

}  // namespace

void AddTableRoutes(http::Server& server, Platform& p) {
  server.Route("GET", "/api/v1/datasets/{name}/csv", [&p](const http::Request& req) {
    auto version = QueryInt(req, "version", 0);
    if (!version.ok()) return http::ErrorResponse(version.status());
    auto d = p.store->GetDataset(req.params.at("name"), *version);
    if (!d.ok()) return http::ErrorResponse(d.status());
    return CsvOf(p, d->artifact_digest, d->name + "-" + std::to_string(d->version));
  });
  server.Route("GET", "/api/v1/artifacts/{digest}/csv", [&p](const http::Request& req) {
    const std::string& digest = req.params.at("digest");
    return CsvOf(p, digest, digest.substr(0, 12));
  });
}

}  // namespace tandem::api
