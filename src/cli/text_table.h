#pragma once
// Aligned columns for list commands.
#include <ostream>
#include <string>
#include <vector>

namespace tandem::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// Milliseconds since the epoch as "2026-11-29 02:24:18" (local time); "-" for 0.
std::string FormatTime(long long ms);
// A metric value: integers as such, others with 4 decimals.
std::string FormatNumber(double v);

}  // namespace tandem::cli
