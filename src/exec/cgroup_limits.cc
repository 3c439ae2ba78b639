#include "exec/cgroup_limits.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace tandem::exec {
namespace {

// The smallest quota the kernel accepts is 1 ms per period.
constexpr long kMinCpuQuotaMicros = 1'000;

}  // namespace

Status CheckCpuMemoryLimits(const ResourceLimits& limits) {
  if (!(limits.cpus >= 0) || !std::isfinite(limits.cpus)) {
    std::ostringstream value;
    value << limits.cpus;  // "-1", "nan": to_string would print "-1.000000"
    return InvalidArgument("limits.cpus: " + value.str() + " is not a number of cores");
  }
  return Status::Ok();
}

Result<std::vector<CgroupWrite>> CgroupLimitWrites(CgroupVersion version,
                                                   const ResourceLimits& limits) {
  RETURN_IF_ERROR(CheckCpuMemoryLimits(limits));
  std::vector<CgroupWrite> writes;
  bool v1 = version == CgroupVersion::kV1;
  if (limits.cpus > 0) {
    long quota = std::max(kMinCpuQuotaMicros,
                          static_cast<long>(std::llround(limits.cpus * kCpuPeriodMicros)));
    std::string period = std::to_string(kCpuPeriodMicros);
    if (v1) {
      writes.push_back({"cpu", "cpu.cfs_period_us", period});
      writes.push_back({"cpu", "cpu.cfs_quota_us", std::to_string(quota)});
    } else {
      writes.push_back({"cpu", "cpu.max", std::to_string(quota) + " " + period});
    }
  }
  if (limits.memory_bytes > 0) {
    std::string bytes = std::to_string(limits.memory_bytes);
    if (v1) {
      writes.push_back({"memory", "memory.swappiness", "0", false});
      writes.push_back({"memory", "memory.limit_in_bytes", bytes});
      // RAM + swap may not exceed RAM alone: no swap. Written after the RAM limit, which
      // it may never be below.
      writes.push_back({"memory", "memory.memsw.limit_in_bytes", bytes, false});
    } else {
      writes.push_back({"memory", "memory.max", bytes});
      writes.push_back({"memory", "memory.swap.max", "0", false});
      // A job is one unit: the OOM killer takes all of its processes, not a random one.
      writes.push_back({"memory", "memory.oom.group", "1", false});
    }
  }
  return writes;
}

}  // namespace tandem::exec
