#pragma once
// Small hand-made clusters and requests for the scheduler's tests.
#include <string>
#include <vector>

#include "scheduler/cluster.h"
#include "scheduler/request.h"

namespace tandem::scheduler::testing {

inline NodeSpec Node(const std::string& name, int cpus, int gpus, const std::string& model = "A10",
                     EnvironmentMask envs = kAllEnvironments) {
  NodeSpec n;
  n.name = name;
  n.cpu_milli = cpus * 1000;
  n.memory_mib = 256 * 1024;
  n.environments = envs;
  for (int g = 0; g < gpus; ++g) n.gpus.push_back(GpuSpec{model, 24 * 1024, true, envs});
  return n;
}

inline Request Gpus(int count, int cpus = 1, const std::string& name = "") {
  Request r;
  r.name = name;
  r.cpu_milli = cpus * 1000;
  r.gpu.count = count;
  r.gpu.milli = count > 0 ? kMilliPerGpu : 0;
  return r;
}

inline Request Slice(int milli, int cpus = 1, const std::string& name = "") {
  Request r;
  r.name = name;
  r.cpu_milli = cpus * 1000;
  r.gpu.count = 1;
  r.gpu.milli = milli;
  return r;
}

inline Request With(Request r, Mode mode, int priority = 0, const std::string& project = "default") {
  r.mode = mode;
  r.priority = priority;
  r.project = project;
  return r;
}

// Places `r` on `node`/`gpus` directly (a job that was already running).
inline void Occupy(ClusterState& c, const Request& r, int node, GpuMask gpus) {
  c.Apply(c.Resolve(r), Placement{node, gpus});
}

}  // namespace tandem::scheduler::testing
