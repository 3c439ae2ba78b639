#pragma once
// The target workload of FGD (Weng et al., ATC'23): the task shapes of a pod list with
// their frequencies. Fragmentation is measured against it: free GPU capacity is a
// fragment for a shape when that shape could not use it.
#include <cstdint>
#include <string>
#include <vector>

#include "scheduler/request.h"

namespace tandem::scheduler {

struct TaskShape {
  int64_t cpu_milli = 0;
  int gpu_milli = 0;  // per GPU; 0 for CPU-only tasks
  int gpu_count = 0;
  std::string models;  // allowed GPU models joined by '|', empty = any
  bool operator==(const TaskShape&) const = default;
};

struct WeightedShape {
  TaskShape shape;
  double frequency = 0;  // sums to 1 over a workload
};

using Workload = std::vector<WeightedShape>;

TaskShape ShapeOf(const Request& r);

// The published "typical pods": shapes counted over `requests` (CPU-only ones included),
// sorted by popularity, then the most popular taken in steps of `step` shapes until they
// cover `coverage` of all tasks, and their frequencies renormalised to sum to 1. The
// artifact of the paper runs with coverage 0.95 and step 1.
Workload TypicalWorkload(const std::vector<Request>& requests, double coverage = 1.0, int step = 1);

}  // namespace tandem::scheduler
