#include "data/csv_records.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "core/problems.h"

#include "data/table.h"

namespace tandem::data {

bool IsMissingText(const std::string& field) {
  static const char* const kMissing[] = {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"};
  for (const char* m : kMissing) {
    if (field == m) return true;
  }
  return false;
}

namespace {

std::string Where(size_t line, size_t column) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Result<std::vector<std::string>> HeaderNames(std::vector<std::string> names, size_t line,
                                             const CsvLimits& limits) {
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    std::string& name = names[i];
    if (name.size() > limits.max_column_name_bytes) {
      return InvalidArgument(Where(line, i + 1) + ": a column name of " +
                             std::to_string(name.size()) + " bytes (the limit is " +
                             std::to_string(limits.max_column_name_bytes) + ")");
    }
    while (name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);
    if (name.empty()) name = "column_" + std::to_string(i + 1);
    if (!seen.insert(name).second) {
      return InvalidArgument("line " + std::to_string(line) + ": duplicate column name '" + name + "'");
    }
  }
  return names;
}

Result<std::vector<CsvRecord>> SplitCsvRecords(std::string_view text, char delimiter,
                                               const CsvLimits& limits) {
  // Checked as each field grows and as each field ends, so that neither a huge field
  // nor a huge record is ever held whole.
  auto field_too_long = [&](size_t line, size_t column) {
    return InvalidArgument(Where(line, column) + ": a field of more than " +
                           std::to_string(limits.max_field_bytes) + " bytes (the limit)");
  };
  auto too_many_columns = [&](size_t line) {
    return InvalidArgument("line " + std::to_string(line) + ": more than " +
                           std::to_string(limits.max_columns) + " columns (the limit per table)");
  };
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> records;
  size_t line = 1;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool record_done = false;
    bool blank = true;  // nothing but a line break so far
    while (!record_done) {
      if (i < n && text[i] == '"') {
        blank = false;
        size_t quote_line = line;
        ++i;
        for (;;) {
          if (i >= n) {
            return InvalidArgument("line " + std::to_string(quote_line) +
                                   ": quoted field is not closed");
          }
          char c = text[i++];
          if (c == '"') {
            if (i < n && text[i] == '"') {
              field += '"';
              ++i;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field += c;
          if (field.size() > limits.max_field_bytes) {
            return field_too_long(quote_line, rec.fields.size() + 1);
          }
        }
        if (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
          return InvalidArgument("line " + std::to_string(line) +
                                 ": unexpected text after a closing quote");
        }
      } else {
        while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
          blank = false;
          if (text[i] == '"') {
            return InvalidArgument("line " + std::to_string(line) +
                                   ": a quote inside an unquoted field (quote the whole field)");
          }
          field += text[i++];
          if (field.size() > limits.max_field_bytes) {
            return field_too_long(line, rec.fields.size() + 1);
          }
        }
      }
      // Here i is at ',', a line break or the end.
      if (rec.fields.size() == limits.max_columns) return too_many_columns(rec.line);
      if (i < n && text[i] == delimiter) {
        blank = false;
        rec.fields.push_back(std::move(field));
        field.clear();
        ++i;
        continue;
      }
      rec.fields.push_back(std::move(field));
      field.clear();
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      record_done = true;
    }
    if (!blank) records.push_back(std::move(rec));
  }
  return records;
}


char DetectDelimiter(std::string_view text) {
  static const char kCandidates[] = {',', ';', '\t', '|'};
  // Counts of each candidate per line, outside quotes, over the first lines.
  constexpr size_t kLines = 20;
  std::vector<std::array<size_t, 4>> counts;
  std::array<size_t, 4> line_counts{};
  bool quoted = false, content = false;
  for (size_t i = 0; i < text.size() && counts.size() < kLines; ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') {
      if (content) counts.push_back(line_counts);
      line_counts = {};
      content = false;
      continue;
    }
    if (c != '\r') content = true;
    for (size_t k = 0; k < 4; ++k) line_counts[k] += c == kCandidates[k];
  }
  if (content && counts.size() < kLines) counts.push_back(line_counts);
  if (counts.empty()) return ',';
  // The candidate on the header that splits every line into the same number of
  // fields wins; more fields break a tie, then the order above (comma first).
  size_t best = 4;
  for (size_t k = 0; k < 4; ++k) {
    const size_t n = counts[0][k];
    if (n == 0) continue;
    bool steady = std::all_of(counts.begin(), counts.end(), [&](const auto& l) { return l[k] == n; });
    if (!steady) continue;
    if (best == 4 || n > counts[0][best]) best = k;
  }
  if (best < 4) return kCandidates[best];
  // No steady candidate (ragged or quoted line breaks): the most frequent on the header.
  for (size_t k = 0; k < 4; ++k) {
    if (counts[0][k] > 0 && (best == 4 || counts[0][k] > counts[0][best])) best = k;
  }
  return best < 4 ? kCandidates[best] : ',';
}

Result<Table> TableFromRecords(const std::vector<std::string>& names,
                               const std::vector<CsvRecord>& records, size_t first) {
  const size_t width = names.size();
  std::vector<std::string> ragged;
  size_t ragged_count = 0;
  for (size_t r = first; r < records.size(); ++r) {
    if (records[r].fields.size() == width) continue;
    if (++ragged_count > kMaxRaggedLinesReported) continue;
    ragged.push_back("line " + std::to_string(records[r].line) + ": expected " +
                     std::to_string(width) + " fields, got " +
                     std::to_string(records[r].fields.size()));
  }
  if (ragged_count > kMaxRaggedLinesReported) {
    ragged.push_back("and " + std::to_string(ragged_count - kMaxRaggedLinesReported) +
                     " more lines: " + std::to_string(ragged_count) +
                     " lines in all have the wrong number of fields");
  }
  if (!ragged.empty()) return InvalidArgument(JoinProblems(ragged));
  Table table;
  table.rows = records.size() > first ? records.size() - first : 0;
  for (size_t c = 0; c < width; ++c) {
    std::vector<double> numbers;
    numbers.reserve(table.rows);
    bool numeric = true;
    for (size_t r = first; r < records.size() && numeric; ++r) {
      const std::string& f = records[r].fields[c];
      double v = NAN;
      if (!IsMissingText(f) && !ParseNumber(f, &v)) numeric = false;
      numbers.push_back(v);
    }
    if (numeric) {
      table.columns.push_back(Column::Numbers(names[c], std::move(numbers)));
      continue;
    }
    std::vector<std::string> strings;
    std::vector<uint8_t> missing;
    strings.reserve(table.rows);
    for (size_t r = first; r < records.size(); ++r) {
      const std::string& f = records[r].fields[c];
      bool m = IsMissingText(f);
      strings.push_back(m ? std::string() : f);
      missing.push_back(m ? 1 : 0);
    }
    table.columns.push_back(Column::Strings(names[c], std::move(strings), std::move(missing)));
  }
  return table;
}

}  // namespace tandem::data
