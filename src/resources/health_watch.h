#pragma once
// Drains GPUs that turn unhealthy while the server runs. Every interval it asks `probe`
// for this node's GPUs (exec::ProbeNvmlGpus in the server) and drains, through the
// broker, each one that was healthy and is not any more (NVML lost it, or it reports
// uncorrectable memory errors): no new work lands there, its elastic jobs are
// requeued, its fixed ones moved, and the event is kept. A GPU that recovers is not
// restored on its own: an admin looks first (`tandem resources restore`).
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/periodic_worker.h"
#include "core/status.h"
#include "exec/device_probe.h"
#include "resources/broker.h"

namespace tandem::resources {

using GpuProbe = std::function<Result<std::vector<exec::GpuInfo>>()>;

class HealthWatch {
 public:
  HealthWatch(ResourceBroker& broker, std::string node, GpuProbe probe);
  ~HealthWatch();  // Stop()s
  HealthWatch(const HealthWatch&) = delete;
  HealthWatch& operator=(const HealthWatch&) = delete;

  // One look: drains the GPUs that turned unhealthy. Their devices ("node/3"), for tests.
  std::vector<std::string> CheckOnce();
  void Start(int interval_ms);
  void Stop();

 private:
  ResourceBroker& broker_;
  const std::string node_;
  GpuProbe probe_;
  std::map<int, bool> drained_;  // by GPU index, what this watch drained
  PeriodicWorker worker_;
};

}  // namespace tandem::resources
