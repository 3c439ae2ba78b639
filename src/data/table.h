#pragma once
// A table held by column: the unit the data module reads, splits and writes, and the
// operators turn into feature matrices. Plain values, no shared state: copy freely.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace tandem::data {

enum class ColumnType { kNumber, kString };

// "number" | "string": the names the schema JSON uses.
const char* ColumnTypeName(ColumnType type);

// One column. A number column keeps `numbers` (NaN = missing); a string column keeps
// `strings` and `missing` (1 = missing, its string is empty). The other vectors stay empty.
struct Column {
  std::string name;
  ColumnType type = ColumnType::kNumber;
  std::vector<double> numbers;
  std::vector<std::string> strings;
  std::vector<uint8_t> missing;

  static Column Numbers(std::string name, std::vector<double> values);
  // REQUIRES: missing_flags is empty (nothing missing) or has values.size() entries.
  static Column Strings(std::string name, std::vector<std::string> values,
                        std::vector<uint8_t> missing_flags = {});

  size_t size() const { return type == ColumnType::kNumber ? numbers.size() : strings.size(); }
  bool IsMissing(size_t row) const;
  size_t MissingCount() const;
  // The cell as text: a number in shortest round-trip form ("1", "0.1", "1e+300");
  // "" when missing.
  std::string Text(size_t row) const;
};

struct Table {
  std::vector<Column> columns;
  size_t rows = 0;
  // What the source itself declared about its label (the sklearn layout does: the last
  // column, and the class names in index order). Hints for InferSchema; may be empty.
  std::string declared_label;
  std::vector<std::string> declared_classes;

  // nullptr when there is no column of that name.
  const Column* Find(const std::string& name) const;
  // The column or kInvalidArgument "<what>: no column named 'x' (columns: a, b)".
  Result<const Column*> Get(const std::string& name, const std::string& what) const;
  // A table of the given rows, in the given order. REQUIRES: every index < rows.
  Table SelectRows(const std::vector<size_t>& row_indices) const;
  // Checks every column has `rows` values and names are unique and non-empty.
  Status Validate() const;
};

// Shortest text that parses back to exactly `value` ("" for NaN).
std::string FormatNumber(double value);
// Parses a whole field as a number (leading/trailing spaces allowed, a leading '+'
// allowed); false when any other character remains.
bool ParseNumber(const std::string& text, double* value);

}  // namespace tandem::data
