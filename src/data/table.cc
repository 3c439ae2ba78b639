#include "data/table.h"

#include <charconv>
#include <cmath>
#include <set>

namespace tandem::data {

const char* ColumnTypeName(ColumnType type) {
  return type == ColumnType::kNumber ? "number" : "string";
}

Column Column::Numbers(std::string name, std::vector<double> values) {
  Column c;
  c.name = std::move(name);
  c.type = ColumnType::kNumber;
  c.numbers = std::move(values);
  return c;
}

Column Column::Strings(std::string name, std::vector<std::string> values,
                       std::vector<uint8_t> missing_flags) {
  Column c;
  c.name = std::move(name);
  c.type = ColumnType::kString;
  if (missing_flags.empty()) missing_flags.assign(values.size(), 0);
  c.strings = std::move(values);
  c.missing = std::move(missing_flags);
  return c;
}

bool Column::IsMissing(size_t row) const {
  return type == ColumnType::kNumber ? std::isnan(numbers[row]) : missing[row] != 0;
}

size_t Column::MissingCount() const {
  size_t n = 0;
  for (size_t i = 0; i < size(); ++i) n += IsMissing(i) ? 1 : 0;
  return n;
}

std::string Column::Text(size_t row) const {
  if (IsMissing(row)) return "";
  return type == ColumnType::kNumber ? FormatNumber(numbers[row]) : strings[row];
}

const Column* Table::Find(const std::string& name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Result<const Column*> Table::Get(const std::string& name, const std::string& what) const {
  if (const Column* c = Find(name)) return c;
  std::string names;
  for (const auto& c : columns) names += (names.empty() ? "" : ", ") + c.name;
  return InvalidArgument(what + ": no column named '" + name + "' (columns: " + names + ")");
}

Table Table::SelectRows(const std::vector<size_t>& row_indices) const {
  Table out;
  out.rows = row_indices.size();
  out.declared_label = declared_label;
  out.declared_classes = declared_classes;
  for (const auto& c : columns) {
    Column n;
    n.name = c.name;
    n.type = c.type;
    for (size_t r : row_indices) {
      if (c.type == ColumnType::kNumber) {
        n.numbers.push_back(c.numbers[r]);
      } else {
        n.strings.push_back(c.strings[r]);
        n.missing.push_back(c.missing[r]);
      }
    }
    out.columns.push_back(std::move(n));
  }
  return out;
}

Status Table::Validate() const {
  std::set<std::string> seen;
  for (const auto& c : columns) {
    if (c.name.empty()) return InvalidArgument("table: a column has an empty name");
    if (!seen.insert(c.name).second) {
      return InvalidArgument("table: duplicate column name '" + c.name + "'");
    }
    bool sizes_ok = c.type == ColumnType::kNumber
                        ? c.numbers.size() == rows && c.strings.empty()
                        : c.strings.size() == rows && c.missing.size() == rows;
    if (!sizes_ok) {
      return InvalidArgument("table: column '" + c.name + "' does not have " +
                             std::to_string(rows) + " values");
    }
  }
  return Status::Ok();
}

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "";
  char buf[64];
  // to_chars without a precision gives the shortest form that reads back exactly.
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  if (ec != std::errc()) return "";
  return std::string(buf, end);
}

bool ParseNumber(const std::string& text, double* value) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return false;
  size_t end = text.find_last_not_of(" \t") + 1;
  if (text[begin] == '+') ++begin;
  if (begin >= end) return false;
  const char* first = text.data() + begin;
  const char* last = text.data() + end;
  auto [ptr, ec] = std::from_chars(first, last, *value);
  // from_chars reports out-of-range values (1e999) as an error: they are still numbers.
  if (ec == std::errc::result_out_of_range && ptr == last) {
    *value = std::strtod(std::string(first, last).c_str(), nullptr);
    return true;
  }
  return ec == std::errc() && ptr == last;
}

}  // namespace tandem::data
