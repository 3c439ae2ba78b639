#pragma once
// The environment that confines a process to the GPUs (or the GPU slice) it was given.
// Pure: no I/O, so the exact strings are unit tested.
#include <map>
#include <string>

#include "core/launcher.h"
#include "core/status.h"

namespace tandem::exec {

// Variables to add to the child's environment for `limits`:
//   CUDA_VISIBLE_DEVICES              "2,3" (the devices, in the order given; "" = none)
// and for a slice (gpu_compute_percent 1..99, or gpu_memory_mib set):
//   CUDA_MPS_ACTIVE_THREAD_PERCENTAGE "50"
//   CUDA_MPS_PINNED_DEVICE_MEM_LIMIT  "0=8192M,1=8192M" (ordinals as the child sees them,
//                                     after CUDA_VISIBLE_DEVICES renumbered them)
//   TANDEM_GPU_FRACTION               "0.5" (the compute share, for operators to read)
//   TANDEM_GPU_MEMORY_MIB             "8192"
// The MPS variables only bind when an MPS control daemon runs; without one the process
// gets whole devices, and TANDEM_* still tell a cooperative operator its share.
// Errors name the field: negative or repeated device, percent outside 0..100, a slice
// without devices.
Result<std::map<std::string, std::string>> GpuEnvironment(const ResourceLimits& limits);

}  // namespace tandem::exec
