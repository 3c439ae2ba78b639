#pragma once
// The real Launcher for this machine: fork/exec into a new process group, with stdout and
// stderr appended to files, and ProcessSpec::limits enforced (a cgroup per limited job,
// GPU environment variables). Thread-safe: every method may be called from any thread.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/launcher.h"
#include "core/status.h"
#include "exec/cgroup.h"

namespace tandem::exec {

// The kernel's start time of `pid` in clock ticks since boot (/proc/PID/stat field 22).
// kNotFound when there is no such process.
Result<uint64_t> ProcessStartTicks(int pid);

class LocalLauncher : public Launcher {
 public:
  // Cgroups are found (Cgroups::ForThisProcess) on the first Start that needs one.
  LocalLauncher() = default;
  // With the cgroups to use; nullptr = none: limits on CPU and memory are not enforced.
  explicit LocalLauncher(std::unique_ptr<Cgroups> cgroups);
  // Children still running keep running (the server adopts them after a restart).
  ~LocalLauncher() override = default;

  // Errors name the program: "cannot run 'foo': No such file or directory", or the cwd or
  // output file that could not be used. A failed Start leaves no process behind.
  // stdout_path "" means /dev/null. Relative paths are relative to the server's cwd.
  // spec.limits: invalid limits are an InvalidArgument naming the field. CPU and memory
  // limits go into a cgroup the child joins before its exec; where no cgroup can be
  // made the process runs unlimited and the first such Start logs a warning. GPU limits
  // become environment variables (exec/gpu_env.h) that override spec.env.
  Result<ProcessHandle> Start(const ProcessSpec& spec) override;
  // Reaps children this launcher started (the same ExitInfo on every later call); for
  // any other process, reports ExitInfo{code = -1} once Alive() turns false. A reaped
  // child's cgroup is emptied (what the job left running is killed with SIGKILL) and
  // removed (later, if those processes take time to die), and
  // an unsuccessful exit after the kernel's OOM killer struck in it reads out_of_memory.
  std::optional<ExitInfo> Poll(const ProcessHandle& handle) override;
  // Signals the handle's process group and every process in the job's cgroup (also
  // those that left the group, and for a job of an earlier server while its first
  // process lives). Ok when it is gone; never signals a group whose leader pid now
  // belongs to a different process (checked by start ticks).
  Status Kill(const ProcessHandle& handle, int signal) override;
  // pid exists, has the handle's start ticks, and is not a zombie.
  bool Alive(const ProcessHandle& handle) override;

 private:
  using Key = std::pair<int, uint64_t>;  // pid, start ticks
  struct Child {
    uint64_t start_ticks = 0;
    std::optional<JobCgroup> cgroup;
  };
  void Remember(const Key& key, const ExitInfo& info);
  // The job's cgroup for `limits`; nullopt when none is needed or none can be made.
  std::optional<JobCgroup> MakeCgroup(const ResourceLimits& limits);
  void WarnNotEnforced(const std::string& reason);
  // Sets cgroups_ on first use, when none was given.
  void FindCgroups();
  // The cgroup of a child of ours, or of an adopted process found from /proc.
  std::optional<JobCgroup> CgroupOf(const ProcessHandle& handle);
  // Marks `info` out of memory if so, and removes the cgroup (or queues it). Holds mu_.
  void FinishCgroup(const JobCgroup& cgroup, ExitInfo& info);

  std::once_flag cgroups_once_;
  std::unique_ptr<Cgroups> cgroups_;  // set before Start uses it; then read only
  std::once_flag warned_once_;

  std::mutex mu_;
  std::map<int, Child> children_;     // started here and not yet reaped, by pid
  std::vector<JobCgroup> leftover_;   // reaped jobs whose cgroups still hold processes
  std::map<Key, ExitInfo> exited_;    // reaped or seen gone, for repeated Polls
  std::deque<Key> exited_order_;      // oldest first, to bound exited_
};

}  // namespace tandem::exec
