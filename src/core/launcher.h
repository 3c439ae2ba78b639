#pragma once
// How jobs become processes. Engines take a Launcher, never fork/exec themselves, so
// tests swap in a fake one (exec/ holds the real local launcher).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace tandem {

// What a process may use: the share of the node the scheduler allocated to it. A zero
// (or empty) field means "no limit of that kind".
struct ResourceLimits {
  double cpus = 0;                // cores, fractions allowed (1.5 = one and a half)
  uint64_t memory_bytes = 0;      // RAM; passing it gets the process killed by the kernel
  std::vector<int> gpu_devices;   // physical GPU indices (NVML order) it may see
  int gpu_compute_percent = 0;    // 1..99 = an MPS slice of each device; 0 or 100 = whole
  uint64_t gpu_memory_mib = 0;    // GPU memory per device for a slice
};

struct ProcessSpec {
  std::vector<std::string> argv;             // argv[0] is the program path
  std::map<std::string, std::string> env;    // added to (and overriding) the parent's
  std::string cwd;                           // working directory; must exist
  std::string stdout_path;                   // appended to; created if absent
  std::string stderr_path;                   // appended to; "" = same file as stdout
  // Enforced by the launcher where it can: CPU and memory through a cgroup of the
  // process's own, GPUs through the environment (CUDA_VISIBLE_DEVICES, MPS variables;
  // with limits set and no gpu_devices the process sees no GPU). nullopt = unlimited.
  std::optional<ResourceLimits> limits;
};

// Identifies a process across server restarts: a pid alone may be reused, so the
// kernel's start time (clock ticks since boot, /proc/PID/stat field 22) goes with it.
struct ProcessHandle {
  int pid = 0;
  uint64_t start_ticks = 0;
};

struct ExitInfo {
  bool signaled = false;
  int code = 0;     // exit code when !signaled
  int signal = 0;   // terminating signal when signaled
  // The kernel killed a process of this job for passing its memory limit. Only set
  // when the job did not succeed; memory_limit_bytes is the limit it passed.
  bool out_of_memory = false;
  uint64_t memory_limit_bytes = 0;
  bool success() const { return !signaled && code == 0; }
  // "exit code 3", "killed by signal 9", "out of memory (limit 64 MiB)"
  std::string Describe() const;
};

class Launcher {
 public:
  virtual ~Launcher() = default;
  // Starts the process in a new process group. Thread-safe.
  virtual Result<ProcessHandle> Start(const ProcessSpec& spec) = 0;
  // nullopt while it runs; its ExitInfo once it ended. For a process this launcher did
  // not start (adopted after a restart) the exit code is unknown: reported as code -1.
  virtual std::optional<ExitInfo> Poll(const ProcessHandle& handle) = 0;
  // Sends `signal` to the whole process group. Ok if it is already gone.
  virtual Status Kill(const ProcessHandle& handle, int signal) = 0;
  // True if the process with this pid and start time still exists.
  virtual bool Alive(const ProcessHandle& handle) = 0;
};

}  // namespace tandem
