// Datasets: import a CSV body (streamed to a file) as a new version, list, show.
#include "api/json_views.h"
#include "api/routes.h"
#include "core/ids.h"
#include "api/dataset_import.h"

namespace tandem::api {

void AddDatasetRoutes(http::Server& server, Platform& p) {
  // The CSV body streams to a temp file (http UploadRoute), removed after the import.
  server.UploadRoute("POST", "/api/v1/datasets", [&p](const http::Request& req) {
    auto q = [&req](const char* key) {
      auto it = req.query.find(key);
      return it == req.query.end() ? std::string() : it->second;
    };
    ImportRequest in;
    in.name = q("name");
    in.label = q("label");
    in.format = q("format").empty() ? "auto" : q("format");
    in.source = q("source");
    in.delimiter = q("delimiter");
    in.csv_path = req.body_file;
    return Reply([&]() -> Result<Json> {
      ASSIGN_OR_RETURN(store::DatasetRecord d,
                       ImportDataset(in, *p.store, *p.artifacts));
      return ToJson(d);
    }(), 201);
  });
  server.Route("GET", "/api/v1/datasets", [&p](const http::Request&) {
    auto list = p.store->ListDatasets();
    if (!list.ok()) return http::ErrorResponse(list.status());
    // A listing carries each schema's column count, not its columns: those are for
    // GET /api/v1/datasets/{name}, so a wide dataset does not weigh on every listing.
    Json out = Json::array();
    for (const auto& d : *list) {
      Json item = ToJson(d);
      Json& schema = item["schema"];
      if (schema.is_object() && schema.contains("columns")) {
        item["column_count"] = schema["columns"].size();
        schema.erase("columns");
      }
      out.push_back(std::move(item));
    }
    return http::JsonResponse({{"datasets", out}});
  });
  server.Route("GET", "/api/v1/datasets/{name}", [&p](const http::Request& req) {
    auto version = QueryInt(req, "version", 0);
    if (!version.ok()) return http::ErrorResponse(version.status());
    auto d = p.store->GetDataset(req.params.at("name"), *version);
    if (!d.ok()) return http::ErrorResponse(d.status());
    return http::JsonResponse(ToJson(*d));
  });
}

}  // namespace tandem::api
