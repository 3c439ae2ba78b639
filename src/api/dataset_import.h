#pragma once
// Imports a CSV file as a new version of a dataset: parse, infer the schema, store the
// table (canonical CSV with header) as an artifact, record the version — the parsed
// table is written before the row, so a version never points at a missing file.
#include <string>

#include "core/status.h"
#include "store/artifact_store.h"
#include "store/records.h"
#include "store/store.h"

namespace tandem::api {

struct ImportRequest {
  std::string name;       // dataset name (core/ids.h IsValidName)
  std::string label;      // label column; "" = none (sklearn files: "target")
  std::string format = "auto";  // auto | csv | sklearn
  std::string delimiter;  // "" = detect; else data/csv.h ParseDelimiter
  std::string source;     // the file name the user gave, for people and error messages
  std::string csv_path;   // the CSV (an upload's temp file); read, never moved or removed
};

// kInvalidArgument names the field, or the CSV line at fault prefixed with `source`
// (never the temp file's path); a header without rows and a label with no values are
// refused.
Result<store::DatasetRecord> ImportDataset(const ImportRequest& req,
                                           store::Store& store, store::ArtifactStore& artifacts);

}  // namespace tandem::api
