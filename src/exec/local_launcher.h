#pragma once
// The real Launcher for this machine: fork/exec into a new process group, with stdout and
// stderr appended to files. Thread-safe: every method may be called from any thread.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "core/launcher.h"
#include "core/status.h"

namespace tandem::exec {

// The kernel's start time of `pid` in clock ticks since boot (/proc/PID/stat field 22).
// kNotFound when there is no such process.
Result<uint64_t> ProcessStartTicks(int pid);

class LocalLauncher : public Launcher {
 public:
  LocalLauncher() = default;
  // Children still running keep running (the server adopts them after a restart).
  ~LocalLauncher() override = default;

  // Errors name the program: "cannot run 'foo': No such file or directory", or the cwd or
  // output file that could not be used. A failed Start leaves no process behind.
  // stdout_path "" means /dev/null. Relative paths are relative to the server's cwd.
  Result<ProcessHandle> Start(const ProcessSpec& spec) override;
  // Reaps children this launcher started (the same ExitInfo on every later call); for
  // any other process, reports ExitInfo{code = -1} once Alive() turns false.
  std::optional<ExitInfo> Poll(const ProcessHandle& handle) override;
  // Signals the handle's process group. Ok when it is gone; never signals a group whose
  // leader pid now belongs to a different process (checked by start ticks).
  Status Kill(const ProcessHandle& handle, int signal) override;
  // pid exists, has the handle's start ticks, and is not a zombie.
  bool Alive(const ProcessHandle& handle) override;

 private:
  using Key = std::pair<int, uint64_t>;  // pid, start ticks
  void Remember(const Key& key, const ExitInfo& info);

  std::mutex mu_;
  std::map<int, uint64_t> children_;  // started here and not yet reaped: pid -> ticks
  std::map<Key, ExitInfo> exited_;    // reaped or seen gone, for repeated Polls
  std::deque<Key> exited_order_;      // oldest first, to bound exited_
};

}  // namespace tandem::exec
