#pragma once
// Reading and writing tables as CSV text: RFC 4180 with a header row, or the layout of
// the data sets bundled with scikit-learn (see sklearn_format.h).
#include <string>
#include <string_view>

#include "core/status.h"
#include "data/table.h"

namespace tandem::data {

struct CsvOptions {
  // "auto": the sklearn layout when the first line looks like one, else "csv".
  // "csv": a header row then data rows. "sklearn": the bundled-data-set layout.
  std::string format = "auto";
};

// Column types are inferred: number when every non-missing field parses as one.
// Missing: "", NA, N/A, NaN, nan, null, NULL, None (quoted or not). Empty header names
// become "column_<1-based position>"; duplicate names are an error. Errors name the line
// ("line 17: expected 31 fields, got 30"); an empty text or one without a header row
// is kInvalidArgument.
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
