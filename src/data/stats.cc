#include "data/stats.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace tandem::data {

std::vector<double> PresentNumbers(const Column& column) {
  std::vector<double> out;
  if (column.type != ColumnType::kNumber) return out;
  out.reserve(column.numbers.size());
  for (double v : column.numbers) {
    if (!std::isnan(v)) out.push_back(v);
  }
  return out;
}

double Mean(const std::vector<double>& values) {
  if (values.empty()) return NAN;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double StdDev(const std::vector<double>& values, size_t ddof) {
  if (values.size() <= ddof) return NAN;
  // Two passes: the textbook sum-of-squares formula loses digits on large offsets.
  const double mean = Mean(values);
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - ddof));
}

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return NAN;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

Mode MostFrequent(const Column& column) {
  Mode best;
  if (column.type == ColumnType::kNumber) {
    std::map<double, size_t> counts;  // ordered: the first maximum is the smallest value
    for (double v : PresentNumbers(column)) ++counts[v];
    double value = 0;
    for (const auto& [v, n] : counts) {
      if (n > best.count) best.count = n, value = v;
    }
    if (best.count > 0) best.text = FormatNumber(value);
    return best;
  }
  std::map<std::string, size_t> counts;
  for (size_t r = 0; r < column.size(); ++r) {
    if (!column.IsMissing(r)) ++counts[column.strings[r]];
  }
  for (const auto& [text, n] : counts) {
    if (n > best.count) best = {text, n};
  }
  return best;
}

Histogram EqualWidthHistogram(const std::vector<double>& values, size_t bins) {
  Histogram h;
  if (values.empty() || bins == 0) return h;
  const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
  const double lo = *lo_it, hi = *hi_it;
  if (lo == hi) bins = 1;
  const double width = (hi - lo) / static_cast<double>(bins);
  for (size_t i = 0; i <= bins; ++i) h.edges.push_back(i == bins ? hi : lo + width * i);
  h.counts.assign(bins, 0);
  for (double v : values) {
    size_t bin = width > 0 ? static_cast<size_t>((v - lo) / width) : 0;
    h.counts[std::min(bin, bins - 1)]++;
  }
  return h;
}

double PearsonCorrelation(const Column& a, const Column& b) {
  if (a.type != ColumnType::kNumber || b.type != ColumnType::kNumber) return NAN;
  std::vector<double> xs, ys;
  for (size_t r = 0; r < a.numbers.size() && r < b.numbers.size(); ++r) {
    if (std::isnan(a.numbers[r]) || std::isnan(b.numbers[r])) continue;
    xs.push_back(a.numbers[r]);
    ys.push_back(b.numbers[r]);
  }
  if (xs.size() < 2) return NAN;
  const double mx = Mean(xs), my = Mean(ys);
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) * (xs[i] - mx);
    syy += (ys[i] - my) * (ys[i] - my);
  }
  if (sxx == 0 || syy == 0) return NAN;
  return sxy / std::sqrt(sxx * syy);
}

}  // namespace tandem::data
