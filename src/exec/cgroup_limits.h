#pragma once
// Private to exec: which cgroup files express a ResourceLimits, and with what values.
// Pure, so the exact strings are unit tested for both cgroup versions.
#include <string>
#include <vector>

#include "core/launcher.h"
#include "core/status.h"
#include "exec/cgroup_layout.h"

namespace tandem::exec {

// The scheduler period the CPU quota is a share of: 100 ms, the kernel's default.
constexpr long kCpuPeriodMicros = 100'000;

struct CgroupWrite {
  std::string controller;  // "cpu" or "memory": whose folder the file is in
  std::string file;
  std::string value;
  // false: skipped where the kernel lacks the file (swap accounting off, older kernels).
  bool required = true;
};

// InvalidArgument naming the field when the CPU or memory part of `limits` makes no
// sense (negative or not-a-number cpus).
Status CheckCpuMemoryLimits(const ResourceLimits& limits);

// The writes, in order, that set `limits` on a fresh cgroup. Memory limits also forbid
// swap, so passing the limit kills instead of swapping. Empty when the limits need no
// cgroup (GPU only). Errors as CheckCpuMemoryLimits.
Result<std::vector<CgroupWrite>> CgroupLimitWrites(CgroupVersion version,
                                                   const ResourceLimits& limits);

}  // namespace tandem::exec
