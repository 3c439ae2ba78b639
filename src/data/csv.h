#pragma once
// Reading and writing tables as CSV text: RFC 4180 with a header row, or the layout of
// the data sets bundled with scikit-learn (see sklearn_format.h).
#include <string>
#include <string_view>

#include "core/status.h"
#include "data/table.h"

namespace tandem::data {

// Bounds on one CSV text, checked while it is split, before a table is built: a 10 MB
// file of a million one-byte columns would otherwise become a schema that every dataset
// listing has to read. Each is refused with kInvalidArgument naming the limit and the
// line: "line 1: more than 10000 columns (the limit per table)",
// "line 7, column 3: a field of more than 1048576 bytes (the limit)",
// "line 1, column 2: a column name of 2000 bytes (the limit is 1024)".
// Rationale: the widest real tables we import (one-hot encoded, gene expression) have a
// few thousand columns; a field over a megabyte is a document, not a table cell.
struct CsvLimits {
  size_t max_columns = 10'000;
  size_t max_field_bytes = 1024 * 1024;
  size_t max_column_name_bytes = 1024;
};

struct CsvOptions {
  // "auto": the sklearn layout when the first line looks like one, else "csv".
  // "csv": a header row then data rows. "sklearn": the bundled-data-set layout.
  std::string format = "auto";
  // The field separator; 0 = detect it (csv_records.h DetectDelimiter: ',', ';', tab
  // or '|'). The sklearn layout is always comma-separated.
  char delimiter = 0;
  // A header without data rows is an error ("no data rows") instead of an empty table:
  // set where a table is imported, not where an operator's empty output is read back.
  bool require_rows = false;
  CsvLimits limits = {};
};

// A delimiter as a user writes it: one character, or "tab" / "\t", "comma",
// "semicolon", "pipe"; "" or "auto" = 0 (detect). kInvalidArgument otherwise.
Result<char> ParseDelimiter(const std::string& text);

// Column types are inferred: number when every non-missing field parses as one (a
// text column of ISO dates is typed "date" or "datetime" by the schema, data/dates.h).
// Missing: "", NA, N/A, NaN, nan, null, NULL, None (quoted or not). Empty header names
// become "column_<1-based position>"; duplicate names are an error. Errors name the line
// ("line 17: expected 31 fields, got 30"; every such line up to 20, joined as
// core/problems.h does); an empty text or one without a header row is kInvalidArgument.
Result<Table> ReadCsvText(std::string_view text, const CsvOptions& options = {});
// As ReadCsvText; errors are prefixed with the path. kNotFound when it cannot be opened.
Result<Table> ReadCsvFile(const std::string& path, const CsvOptions& options = {});

// Header then rows; fields are quoted when they hold a comma, quote, line break or
// leading/trailing space; numbers in shortest round-trip form; missing cells empty.
// Reading the text back gives the same table, except that a string column whose values
// all look like numbers comes back as numbers, and the string "NA" etc. as missing.
std::string FormatCsv(const Table& table);
// Writes FormatCsv atomically (core/fs.h WriteFileAtomic).
Status WriteCsv(const Table& table, const std::string& path);

}  // namespace tandem::data
