#include "data/csv.h"

#include "core/fs.h"
#include "data/csv_records.h"
#include "data/sklearn_format.h"

namespace tandem::data {
namespace {

Result<Table> TableFromHeaderedRecords(const std::vector<CsvRecord>& records,
                                       const CsvLimits& limits) {
  if (records.empty()) return InvalidArgument("empty file: expected a header row");
  ASSIGN_OR_RETURN(std::vector<std::string> names, HeaderNames(records[0].fields, records[0].line, limits));
  return TableFromRecords(names, records, 1);
}

}  // namespace

Result<Table> ReadCsvText(std::string_view text, const CsvOptions& options) {
  const std::string& format = options.format;
  if (format != "auto" && format != "csv" && format != "sklearn") {
    return InvalidArgument("format: expected auto, csv or sklearn, got '" + format + "'");
  }
  const char delimiter =
      format == "sklearn" ? ',' : options.delimiter != 0 ? options.delimiter : DetectDelimiter(text);
  ASSIGN_OR_RETURN(std::vector<CsvRecord> records, SplitCsvRecords(text, delimiter, options.limits));
  if (records.empty()) return InvalidArgument("empty file: expected a header row");
  bool sklearn = format == "sklearn" || (format == "auto" && delimiter == ',' && LooksLikeSklearn(records));
  ASSIGN_OR_RETURN(Table table, sklearn ? TableFromSklearnRecords(records, options.limits)
                                           : TableFromHeaderedRecords(records, options.limits));
  if (options.require_rows && table.rows == 0) {
    return InvalidArgument("no data rows: the file has a header row (line " +
                           std::to_string(records[0].line) + ") and nothing else");
  }
  return table;
}

Result<char> ParseDelimiter(const std::string& text) {
  if (text.empty() || text == "auto") return '\0';
  if (text == "tab" || text == "\\t" || text == "\t") return '\t';
  if (text == "comma") return ',';
  if (text == "semicolon") return ';';
  if (text == "pipe") return '|';
  if (text.size() == 1 && text[0] != '"' && text[0] != '\n' && text[0] != '\r') return text[0];
  return InvalidArgument("delimiter: expected one character, tab, comma, semicolon, pipe or auto, got '" +
                         text + "'");
}

Result<Table> ReadCsvFile(const std::string& path, const CsvOptions& options) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto table = ReadCsvText(text, options);
  if (!table.ok()) return table.status().WithContext(path);
  return table;
}

}  // namespace tandem::data
