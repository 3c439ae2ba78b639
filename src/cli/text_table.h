#pragma once
// Aligned columns for list commands, and the cell formats they share.
#include <ostream>
#include <string>
#include <vector>

namespace tandem::cli {

// Columns are padded to the widest cell as a terminal shows it (DisplayWidth), so
// rows with CJK or other wide characters stay aligned; two spaces between columns.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Every line starts with `indent`; trailing spaces are not printed.
  void Print(std::ostream& out, const std::string& indent = "") const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// The columns a terminal gives UTF-8 `text`: wcwidth(3) of each character under the
// C.UTF-8 locale (East Asian wide and fullwidth characters take 2, combining marks 0);
// a byte that is not valid UTF-8 counts 1.
size_t DisplayWidth(const std::string& text);

// Milliseconds since the epoch as "2026-11-29 02:24:18 UTC"; "-" for 0.
std::string FormatTime(long long ms);
// A metric value: integers as such, others with 4 decimals.
std::string FormatNumber(double v);

}  // namespace tandem::cli
