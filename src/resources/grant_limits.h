#pragma once
// What a process started under a grant may use: the limits the launcher enforces
// (core/launcher.h ResourceLimits: a cgroup for CPU and memory, CUDA_VISIBLE_DEVICES and
// the MPS variables for GPUs) and the "allocation" object task.json shows the operator.
#include "core/json.h"
#include "core/launcher.h"
#include "resources/broker.h"

namespace tandem::resources {

// CPU and memory are enforced only when the request named them (`enforce_cpus`,
// `enforce_memory`): a default ask of one CPU is for the books, not a cap.
ResourceLimits LimitsFor(const Grant& grant, bool enforce_cpus, bool enforce_memory);

// {"node", "cpus", "memory_mib", "gpus": [...], "gpu_compute_percent", "gpu_memory_mib"}
Json AllocationJson(const Grant& grant);

}  // namespace tandem::resources
