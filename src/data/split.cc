#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

namespace tandem::data {
namespace {

// Uniform in [0, bound) by rejection: no modulo bias, same draws everywhere.
uint64_t Below(std::mt19937_64& rng, uint64_t bound) {
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  for (;;) {
    uint64_t x = rng();
    if (x < limit) return x % bound;
  }
}

void Shuffle(std::vector<size_t>* v, std::mt19937_64& rng) {
  for (size_t i = v->size(); i > 1; --i) {
    size_t j = static_cast<size_t>(Below(rng, i));
    std::swap((*v)[i - 1], (*v)[j]);
  }
}

// Row indices grouped by the column's value, groups in order of first appearance.
std::vector<std::vector<size_t>> GroupRows(const Column& column) {
  std::map<std::string, size_t> group_of;
  std::vector<std::vector<size_t>> groups;
  for (size_t r = 0; r < column.size(); ++r) {
    std::string key = column.IsMissing(r) ? std::string("\0missing", 8) : column.Text(r);
    auto [it, fresh] = group_of.emplace(key, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(r);
  }
  return groups;
}

}  // namespace

Result<TableSplit> SplitTable(const Table& table, double test_fraction, uint64_t seed,
                              const std::string& stratify_by) {
  if (!(test_fraction > 0 && test_fraction < 1)) {
    return InvalidArgument("test_fraction: must be between 0 and 1 (exclusive), got " +
                           FormatNumber(test_fraction));
  }
  std::vector<std::vector<size_t>> groups;
  if (stratify_by.empty()) {
    groups.emplace_back(table.rows);
    for (size_t r = 0; r < table.rows; ++r) groups[0][r] = r;
  } else {
    ASSIGN_OR_RETURN(const Column* column, table.Get(stratify_by, "stratify"));
    groups = GroupRows(*column);
  }
  std::mt19937_64 rng(seed);
  std::vector<size_t> train_rows, test_rows;
  for (auto& g : groups) {
    Shuffle(&g, rng);
    size_t n_test = static_cast<size_t>(std::llround(g.size() * test_fraction));
    test_rows.insert(test_rows.end(), g.begin(), g.begin() + n_test);
    train_rows.insert(train_rows.end(), g.begin() + n_test, g.end());
  }
  if (train_rows.empty() || test_rows.empty()) {
    return InvalidArgument("test_fraction: " + FormatNumber(test_fraction) + " of " +
                           std::to_string(table.rows) + " rows leaves the " +
                           (test_rows.empty() ? "test" : "train") + " part empty");
  }
  std::sort(train_rows.begin(), train_rows.end());
  std::sort(test_rows.begin(), test_rows.end());
  return TableSplit{table.SelectRows(train_rows), table.SelectRows(test_rows)};
}

}  // namespace tandem::data
