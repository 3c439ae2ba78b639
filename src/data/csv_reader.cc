#include "data/csv.h"

#include <set>

#include "core/fs.h"
#include "data/csv_records.h"
#include "data/sklearn_format.h"

namespace tandem::data {
namespace {

Result<Table> TableFromHeaderedRecords(const std::vector<CsvRecord>& records) {
  if (records.empty()) return InvalidArgument("empty file: expected a header row");
  std::vector<std::string> names = records[0].fields;
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) names[i] = "column_" + std::to_string(i + 1);
    if (!seen.insert(names[i]).second) {
      return InvalidArgument("line " + std::to_string(records[0].line) +
                             ": duplicate column name '" + names[i] + "'");
    }
  }
  return TableFromRecords(names, records, 1);
}

}  // namespace

Result<Table> ReadCsvText(std::string_view text, const CsvOptions& options) {
  const std::string& format = options.format;
  if (format != "auto" && format != "csv" && format != "sklearn") {
    return InvalidArgument("format: expected auto, csv or sklearn, got '" + format + "'");
  }
  ASSIGN_OR_RETURN(std::vector<CsvRecord> records, SplitCsvRecords(text));
  if (records.empty()) return InvalidArgument("empty file: expected a header row");
  bool sklearn = format == "sklearn" || (format == "auto" && LooksLikeSklearn(records));
  if (sklearn) return TableFromSklearnRecords(records);
  return TableFromHeaderedRecords(records);
}

Result<Table> ReadCsvFile(const std::string& path, const CsvOptions& options) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto table = ReadCsvText(text, options);
  if (!table.ok()) return table.status().WithContext(path);
  return table;
}

}  // namespace tandem::data
