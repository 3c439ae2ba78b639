#pragma once
// Private to the data module: splits CSV text (RFC 4180) into records of fields.
// Knows nothing of headers or types; csv_reader.cc and sklearn_format.cc build on it.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "data/csv.h"

namespace tandem::data {

struct CsvRecord {
  size_t line = 0;                  // 1-based line where the record starts
  std::vector<std::string> fields;  // quotes removed, doubled quotes undone
};

// Quoted fields may hold commas, doubled quotes and line breaks; records end at LF or
// CRLF; a UTF-8 byte-order mark is dropped; blank lines are skipped. Errors name the
// line: an unterminated quote, or text after a closing quote ("line 4: ...").
// `delimiter` separates fields (',', ';', '\t', '|', ...). A record of more than
// limits.max_columns fields or a field of more than limits.max_field_bytes is refused
// as soon as it is seen (csv.h CsvLimits), naming the line.
Result<std::vector<CsvRecord>> SplitCsvRecords(std::string_view text, char delimiter = ',',
                                               const CsvLimits& limits = {});

// The column names of a header record (`line` is its line): a leading byte-order mark
// is dropped from each (one in the middle of a file is a concatenation artefact, and
// FormatCsv could not write it back), an empty name becomes "column_<i>" (from 1).
// kInvalidArgument "line L, column C: a column name of N bytes (the limit is M)" for a
// name longer than limits.max_column_name_bytes, "line L: duplicate column name 'a'".
Result<std::vector<std::string>> HeaderNames(std::vector<std::string> fields, size_t line,
                                             const CsvLimits& limits);

// The delimiter of a CSV text: of ',', ';', tab and '|', the one that occurs on the
// first line and the same number of times on each of the first 20 lines (outside
// quotes); the one that splits into most fields when several do; else the most frequent
// on the first line; ',' when none occurs.
char DetectDelimiter(std::string_view text);

// How many lines with the wrong number of fields an error lists (the rest are counted).
inline constexpr size_t kMaxRaggedLinesReported = 20;

// True for the texts that mean "no value": "", NA, N/A, NaN, nan, null, NULL, None.
bool IsMissingText(const std::string& field);

struct Table;

// Builds a table from `names` and the records from index `first` on: every record must
// have names.size() fields; otherwise kInvalidArgument lists the first 20 lines that do
// not ("line 17: expected 31 fields, got 30; line 40: ...", core/problems.h). A column is a
// number column when every non-missing field parses as a number, else a string column.
Result<Table> TableFromRecords(const std::vector<std::string>& names,
                               const std::vector<CsvRecord>& records, size_t first);

}  // namespace tandem::data
