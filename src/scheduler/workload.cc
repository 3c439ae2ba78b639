#include "scheduler/workload.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace tandem::scheduler {

TaskShape ShapeOf(const Request& r) {
  TaskShape s;
  s.cpu_milli = r.cpu_milli;
  s.gpu_count = r.gpu.count;
  s.gpu_milli = r.gpu.count > 0 ? r.gpu.milli : 0;
  for (size_t i = 0; i < r.models.size(); ++i) s.models += (i ? "|" : "") + r.models[i];
  return s;
}

Workload TypicalWorkload(const std::vector<Request>& requests, double coverage, int step) {
  using Key = std::tuple<int64_t, int, int, std::string>;  // the order ties are broken in
  std::map<Key, double> counts;
  for (const Request& r : requests) {
    TaskShape s = ShapeOf(r);
    counts[{s.cpu_milli, s.gpu_milli, s.gpu_count, s.models}] += 1;
  }
  std::vector<std::pair<Key, double>> sorted(counts.begin(), counts.end());
  // Most popular first; equal counts: the larger shape first (a reverse stable order).
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return a.first > b.first;
  });
  const double total = static_cast<double>(requests.size());
  size_t taken = 0;
  double covered = 0;
  while (taken < sorted.size() && covered < coverage * total) {
    const size_t until = std::min(sorted.size(), taken + static_cast<size_t>(std::max(1, step)));
    for (; taken < until; ++taken) covered += sorted[taken].second;
  }
  Workload out;
  for (size_t i = 0; i < taken; ++i) {
    const auto& [cpu, milli, count, models] = sorted[i].first;
    out.push_back({TaskShape{cpu, milli, count, models}, sorted[i].second / covered});
  }
  return out;
}

}  // namespace tandem::scheduler
