#pragma once
// A child process and a framed, two-way channel to it: a Unix socket pair whose child
// end is the child's fd 3. A frame is a 4-byte little-endian length and that many
// bytes. The child's stdout is sent to our stderr, so nothing it prints can be taken
// for a frame; its stdin is /dev/null.
//
// A socket rather than two pipes: writing to a dead child fails with EPIPE
// (MSG_NOSIGNAL) instead of raising SIGPIPE in the whole replica.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tandem::serving {

class FramedChild {
 public:
  // Starts argv[0] (a path) with argv. kInternal naming the program when it cannot.
  static Result<std::unique_ptr<FramedChild>> Spawn(const std::vector<std::string>& argv);
  // Kills the child (SIGKILL) if it still runs and reaps it.
  ~FramedChild();

  // kUnavailable (with how the child ended) when it is gone. Not thread-safe: one
  // caller talks to a child at a time.
  Status Send(std::string_view payload);
  // The next frame. kUnavailable when the child closed the channel (it exited or
  // crashed: the message says how), kDeadlineExceeded when nothing whole came in time.
  Result<std::string> Receive(std::chrono::milliseconds timeout);

  pid_t pid() const { return pid_; }
  // "exited with code 1", "was killed by signal 9"; reaps the child, waiting up to a
  // second for it to end after it closed its channel, then killing it.
  std::string HowItEnded();

 private:
  FramedChild(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
  Status ReadExact(char* out, size_t n, std::chrono::steady_clock::time_point deadline);

  pid_t pid_;
  int fd_;
  bool reaped_ = false;
  std::string ending_;
};

}  // namespace tandem::serving
