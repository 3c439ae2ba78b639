// Artifacts by digest: the bytes (streamed from the artifact store, never read into
// memory), their metadata, and for tables a preview (columns, first rows, profile).
#include "api/routes.h"
#include <fstream>

#include "data/csv.h"
#include "data/table_file.h"
#include "data/profile.h"

namespace tandem::api {
namespace {

constexpr int kDefaultPreviewRows = 20;
constexpr int kMaxPreviewRows = 1000;
constexpr size_t kProfileBins = 10;

// The media type of the stored bytes, by the artifact's kind (port type); a table is
// told by its first bytes (TTB1 or, for artifacts stored before it, CSV).
std::string ContentTypeFor(const store::ArtifactRecord& a, const std::string& path) {
  if (a.kind == "table") {
    char head[4] = {};
    std::ifstream in(path, std::ios::binary);
    in.read(head, sizeof head);
    return data::IsTableFile(std::string_view(head, static_cast<size_t>(in.gcount())))
               ? "application/vnd.tandem.table"
               : "text/csv";
  }
  if (a.kind == "metrics" || a.kind == "report") return "application/json";
  if (a.kind == "images") return "application/x-tar";
  return "application/octet-stream";  // model, file
}

// The record and file of `digest`: 400 when it is not 64 hex characters (it never
// becomes a path then), 404 naming it when unknown.
struct Located {
  store::ArtifactRecord record;
  std::string path;
};
Result<Located> Locate(Platform& p, const std::string& digest) {
  ASSIGN_OR_RETURN(std::filesystem::path path, p.artifacts->PathOf(digest));
  ASSIGN_OR_RETURN(store::ArtifactRecord record, p.store->GetArtifact(digest));
  return Located{std::move(record), path.string()};
}

Json MetaJson(const store::ArtifactRecord& a, const std::string& path) {
  return {{"digest", a.digest}, {"size", a.size}, {"kind", a.kind}, {"meta", a.meta},
          {"content_type", ContentTypeFor(a, path)}, {"created_ms", a.created_ms}};
}

Json Cell(const data::Column& c, size_t row) {
  if (c.IsMissing(row)) return nullptr;
  if (c.type == data::ColumnType::kNumber) return c.numbers[row];
  return c.strings[row];
}

Result<Json> Preview(Platform& p, const std::string& digest, int rows) {
  ASSIGN_OR_RETURN(Located a, Locate(p, digest));
  if (a.record.kind != "table") {
    return InvalidArgument("artifact '" + digest + "' is a " + a.record.kind +
                           ", not a table: only tables have a preview");
  }
  // The one call that reads a stored table.
  ASSIGN_OR_RETURN(data::Table table, data::ReadTableFile(a.path));
  Json columns = Json::array();
  for (const auto& c : table.columns) {
    columns.push_back({{"name", c.name}, {"type", data::ColumnTypeName(c.type)}});
  }
  Json head = Json::array();
  for (size_t r = 0; r < table.rows && r < static_cast<size_t>(rows); ++r) {
    Json row = Json::array();
    for (const auto& c : table.columns) row.push_back(Cell(c, r));
    head.push_back(std::move(row));
  }
  Json out = MetaJson(a.record, a.path);
  out["rows"] = table.rows;
  out["columns"] = std::move(columns);
  out["head"] = std::move(head);
  out["profile"] = data::ProfileTable(table, kProfileBins);
  return out;
}

}  // namespace

void AddArtifactRoutes(http::Server& server, Platform& p) {
  server.Route("GET", "/api/v1/artifacts/{digest}", [&p](const http::Request& req) {
    auto a = Locate(p, req.params.at("digest"));
    if (!a.ok()) return http::ErrorResponse(a.status());
    http::Response r = http::FileResponse(a->path, ContentTypeFor(a->record, a->path));
    r.headers["ETag"] = "\"" + a->record.digest + "\"";
    r.headers["X-Tandem-Kind"] = a->record.kind;
    return r;
  });
  server.Route("GET", "/api/v1/artifacts/{digest}/meta", [&p](const http::Request& req) {
    return Reply([&]() -> Result<Json> {
      ASSIGN_OR_RETURN(Located a, Locate(p, req.params.at("digest")));
      return MetaJson(a.record, a.path);
    }());
  });
  server.Route("GET", "/api/v1/artifacts/{digest}/preview", [&p](const http::Request& req) {
    return Reply([&]() -> Result<Json> {
      ASSIGN_OR_RETURN(int rows, QueryInt(req, "rows", kDefaultPreviewRows));
      if (rows > kMaxPreviewRows) {
        return InvalidArgument("query parameter rows: " + std::to_string(rows) +
                               " is more than " + std::to_string(kMaxPreviewRows));
      }
      return Preview(p, req.params.at("digest"), rows);
    }());
  });
}

}  // namespace tandem::api
