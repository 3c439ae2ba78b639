#include "data/csv.h"

#include "core/fs.h"

namespace tandem::data {
namespace {

void AppendField(const std::string& text, std::string* out) {
  bool quote = text.find_first_of(",\"\r\n") != std::string::npos ||
               (!text.empty() && (text.front() == ' ' || text.back() == ' '));
  if (!quote) {
    *out += text;
    return;
  }
  *out += '"';
  for (char c : text) {
    if (c == '"') *out += '"';
    *out += c;
  }
  *out += '"';
}

}  // namespace

std::string FormatCsv(const Table& table) {
  std::string out;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c) out += ',';
    AppendField(table.columns[c].name, &out);
  }
  out += '\n';
  for (size_t r = 0; r < table.rows; ++r) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (c) out += ',';
      std::string text = table.columns[c].Text(r);
      // A lone empty field would be a blank line, which readers skip: quote it.
      if (text.empty() && table.columns.size() == 1) {
        out += "\"\"";
      } else {
        AppendField(text, &out);
      }
    }
    out += '\n';
  }
  return out;
}

Status WriteCsv(const Table& table, const std::string& path) {
  RETURN_IF_ERROR(table.Validate());
  return WriteFileAtomic(path, FormatCsv(table));
}

}  // namespace tandem::data
