#pragma once
// A cgroup per limited job, below the cgroup the server runs in, for cgroup v1 (cpu and
// memory hierarchies) and v2 (one unified folder) alike. Used by LocalLauncher, which
// takes one in its constructor (tests hand in their own).
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/launcher.h"
#include "core/status.h"
#include "exec/cgroup_layout.h"

namespace tandem::exec {

// A job's cgroup: a folder in each hierarchy it is limited in (v1: cpu and/or memory;
// v2: one).
struct JobCgroup {
  CgroupVersion version = CgroupVersion::kV1;
  std::vector<std::string> dirs;
  std::string memory_dir;           // "" without a memory limit
  uint64_t memory_limit_bytes = 0;
  // The files the child writes itself into ("0" = the writer) before it execs.
  std::vector<std::string> procs_files() const;
};

// Thread-safe: Create names its folders from an atomic counter; nothing else is shared.
class Cgroups {
 public:
  explicit Cgroups(CgroupLayout layout) : layout_(std::move(layout)) {}

  // Finds this process's cgroups, removes folders left behind by servers that died, and
  // on v2 enables the cpu and memory controllers for children. That needs our folder to
  // hold no process, so this process moves itself into a leaf "tandem-server" below it
  // first (other processes there make it fail). Unavailable, with the reason, when jobs
  // cannot be limited here (no hierarchy, read-only, not permitted).
  static Result<std::unique_ptr<Cgroups>> ForThisProcess();

  const CgroupLayout& layout() const { return layout_; }

  // Makes "tandem-job-<server pid>-<n>" in each hierarchy `limits` need (in the memory
  // or else the cpu hierarchy when they need none: the folder still tracks the job's
  // processes) and writes the limits. nullopt only when there is no hierarchy. A failure removes whatever it made; it names
  // the file: "cannot write 64 to .../memory.limit_in_bytes: Permission denied".
  Result<std::optional<JobCgroup>> Create(const ResourceLimits& limits);

  // Sends `signal` to every process in the job's folders (ones that left the job's
  // process group too); for SIGKILL, until the folders are empty.
  void SignalAll(const JobCgroup& job, int signal) const;

  // The job cgroup process `pid` runs in, found through /proc/PID/cgroup, for a process
  // started by an earlier server (adopted); nullopt when it is in none of ours.
  std::optional<JobCgroup> JobOf(int pid) const;

  // True when the kernel killed a process of the job for passing its memory limit.
  bool OutOfMemory(const JobCgroup& job) const;

  // Removes the folders. FailedPrecondition while processes still live in them
  // (children the job left behind); call again later.
  Status Remove(const JobCgroup& job) const;

 private:
  // Folders of jobs whose server pid is gone; those still holding processes stay.
  void RemoveStale() const;
  const std::string& DirFor(const std::string& controller) const;

  CgroupLayout layout_;
  std::atomic<uint64_t> next_id_{0};
};

}  // namespace tandem::exec
