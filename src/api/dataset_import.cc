#include "api/dataset_import.h"

#include "core/ids.h"
#include "data/csv.h"
#include "data/table_file.h"
#include "data/schema.h"

namespace tandem::api {

Result<store::DatasetRecord> ImportDataset(const ImportRequest& req,
                                           store::Store& store, store::ArtifactStore& artifacts) {
  if (!IsValidName(req.name)) return InvalidArgument("name: " + InvalidNameMessage("dataset name", req.name));
  if (req.format != "auto" && req.format != "csv" && req.format != "sklearn") {
    return InvalidArgument("format: '" + req.format + "' must be auto, csv or sklearn");
  }
  data::CsvOptions options;
  options.format = req.format;
  ASSIGN_OR_RETURN(options.delimiter, data::ParseDelimiter(req.delimiter));
  options.require_rows = true;
  // The one call that reads the uploaded table (the body is already on disk).
  auto read = data::ReadCsvFile(req.csv_path, options);
  if (!read.ok()) {
    // ReadCsvFile names the file; the user knows theirs, not our temp file.
    std::string message = read.status().message();
    const std::string prefix = req.csv_path + ": ";
    if (message.rfind(prefix, 0) == 0) {
      message = (req.source.empty() ? std::string("body") : req.source) + ": " +
                message.substr(prefix.size());
    }
    return Status(read.status().code(), message);
  }
  data::Table table = std::move(*read);
  // A file that declares its own label (sklearn's layout) needs no --label.
  std::string label = req.label.empty() ? table.declared_label : req.label;
  std::vector<std::string> classes;
  if (label == table.declared_label) classes = table.declared_classes;
  ASSIGN_OR_RETURN(Json schema, data::InferSchema(table, label, classes));

  // The table is stored in one canonical form (TTB1, data/table_file.h) whatever came in,
  // so operators read one format and identical content gets one digest.
  ASSIGN_OR_RETURN(store::ArtifactRecord artifact,
                   artifacts.PutBytes(data::EncodeTable(table), "table", {{"schema", schema}}));
  store::DatasetRecord d;
  d.name = req.name;
  d.artifact_digest = artifact.digest;
  d.schema = schema;
  d.rows = static_cast<int64_t>(table.rows);
  d.source = req.source;
  return store.CreateDatasetVersion(d);
}

}  // namespace tandem::api
