#include "resources/grant_limits.h"

namespace tandem::resources {

ResourceLimits LimitsFor(const Grant& grant, bool enforce_cpus, bool enforce_memory) {
  ResourceLimits limits;
  if (enforce_cpus) limits.cpus = static_cast<double>(grant.cpu_milli) / 1000.0;
  if (enforce_memory) limits.memory_bytes = static_cast<uint64_t>(grant.memory_mib) * 1024 * 1024;
  limits.gpu_devices = grant.gpus;
  if (grant.gpu_slice) {
    limits.gpu_compute_percent = grant.compute_percent;
    limits.gpu_memory_mib = static_cast<uint64_t>(grant.gpu_memory_mib);
  }
  return limits;
}

Json AllocationJson(const Grant& grant) {
  Json a = {{"node", grant.node},
            {"cpus", static_cast<double>(grant.cpu_milli) / 1000.0},
            {"memory_mib", grant.memory_mib},
            {"gpus", grant.gpus}};
  if (grant.gpu_slice) {
    a["gpu_compute_percent"] = grant.compute_percent;
    a["gpu_memory_mib"] = grant.gpu_memory_mib;
  }
  return a;
}

}  // namespace tandem::resources
