#pragma once
// What this node offers jobs: CPUs, memory and GPUs, as the scheduler's inventory wants
// them. CPUs and memory come from /proc, capped by the cgroup limits the server itself
// runs under (a container's quota is the node's size for us); GPUs from NVML, loaded at
// run time so that Tandem builds and runs where there is no NVIDIA driver.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tandem::exec {

struct GpuInfo {
  int index = 0;            // NVML's index: what CUDA_VISIBLE_DEVICES takes
  std::string uuid;         // "GPU-8d0f..."
  std::string model;        // "NVIDIA H100 80GB HBM3"
  uint64_t memory_mib = 0;
  bool healthy = true;      // false: lost, or uncorrectable memory errors since boot
};

struct NodeDevices {
  std::string node_name;    // the host name
  double cpus = 0;          // cores; a fraction under a CPU quota (1.5)
  uint64_t memory_mib = 0;
  std::vector<GpuInfo> gpus;
};

struct ProbeOptions {
  std::string nvml_library = "libnvidia-ml.so.1";  // a path, or a name dlopen searches
};

// Never fails: what cannot be read is left out (no NVML = no GPUs) and logged.
NodeDevices ProbeDevices(const ProbeOptions& options = {});

// GPUs through NVML. An empty list when the library is not there; Unavailable with
// NVML's reason when it is but cannot start (driver not loaded, ...).
Result<std::vector<GpuInfo>> ProbeNvmlGpus(const std::string& library);

// Parsers of the /proc and cgroup texts ProbeDevices reads.
// The number of "processor" entries of /proc/cpuinfo; 0 when there are none.
int CountCpus(std::string_view cpuinfo);
// MemTotal of /proc/meminfo in MiB.
Result<uint64_t> MemTotalMiB(std::string_view meminfo);
// Cores a CPU quota allows: v1 from cpu.cfs_quota_us and cpu.cfs_period_us ("-1" = no
// quota), v2 from cpu.max ("max 100000" = none, "150000 100000" = 1.5).
std::optional<double> CpuQuotaV1(std::string_view quota_us, std::string_view period_us);
std::optional<double> CpuMaxV2(std::string_view cpu_max);
// memory.limit_in_bytes (v1) or memory.max (v2): bytes, nullopt for "max".
std::optional<uint64_t> MemoryLimit(std::string_view text);

}  // namespace tandem::exec
