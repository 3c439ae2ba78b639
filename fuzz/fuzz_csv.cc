// A CSV upload: ReadCsvText in each format and delimiter mode. A table read must be
// rectangular, and writing it out and reading it back must give the same shape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "data/csv.h"

namespace {

void CheckShape(const tandem::data::Table& table) {
  for (const auto& column : table.columns) {
    if (column.size() != table.rows) abort();  // a column longer or shorter than the table
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the options, so one corpus explores them all.
  const uint8_t mode = data[0];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  tandem::data::CsvOptions options;
  static const char* const kFormats[] = {"auto", "csv", "sklearn", "auto"};
  static const char kDelimiters[] = {0, ',', ';', '\t'};
  options.format = kFormats[mode & 3];
  options.delimiter = kDelimiters[(mode >> 2) & 3];
  options.require_rows = (mode >> 4) & 1;
  auto table = tandem::data::ReadCsvText(text, options);
  if (!table.ok()) return 0;
  CheckShape(*table);
  if (table->columns.empty()) return 0;
  auto again = tandem::data::ReadCsvText(tandem::data::FormatCsv(*table), {.format = "csv", .delimiter = ','});
  if (!again.ok() || again->rows != table->rows || again->columns.size() != table->columns.size()) {
    abort();  // FormatCsv wrote something its own reader refuses or reads differently
  }
  return 0;
}
