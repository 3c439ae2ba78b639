#pragma once
// Private to the engine: what its loop sleeps on between Ticks. Polling alone costs each
// task up to a whole poll interval between its exit and the start of the next task
// (~20 ms at the default, measured in bench/engine); the loop instead wakes as soon as
// a watched process exits (a pidfd per process, Linux 5.3+), when Wake() is called
// (Submit, Cancel, Stop), or when the poll interval passes, whichever comes first.
// Where pidfds are unavailable (older kernels) or a pid is not a real process (a fake
// launcher's), waiting degrades to the plain poll interval.
#include <vector>

namespace tandem::workflow {

// A pidfd that becomes readable when the process exits; -1 when none could be opened.
// Owns the descriptor. Never blocks, never reaps: the Launcher still reaps.
class ExitWatch {
 public:
  ExitWatch() = default;
  explicit ExitWatch(int pid);
  ~ExitWatch();
  ExitWatch(ExitWatch&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ExitWatch& operator=(ExitWatch&& other) noexcept;
  ExitWatch(const ExitWatch&) = delete;
  ExitWatch& operator=(const ExitWatch&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

class LoopWaker {
 public:
  LoopWaker();   // an eventfd; without one, Wait just sleeps the timeout
  ~LoopWaker();
  LoopWaker(const LoopWaker&) = delete;
  LoopWaker& operator=(const LoopWaker&) = delete;

  // Makes the current or next Wait return at once. Thread-safe.
  void Wake();
  // Returns after a Wake(), when one of `exit_fds` (ExitWatch::fd, -1 skipped) becomes
  // readable, or after timeout_ms. Consumes the Wake.
  void Wait(const std::vector<int>& exit_fds, int timeout_ms);

 private:
  int event_fd_ = -1;
};

}  // namespace tandem::workflow
