#include "workflow/engine_wake.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace tandem::workflow {

ExitWatch::ExitWatch(int pid) {
#ifdef SYS_pidfd_open
  if (pid > 0) fd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (fd_ < 0) fd_ = -1;
#else
  (void)pid;
#endif
}

ExitWatch::~ExitWatch() {
  if (fd_ >= 0) close(fd_);
}

ExitWatch& ExitWatch::operator=(ExitWatch&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

LoopWaker::LoopWaker() : event_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

LoopWaker::~LoopWaker() {
  if (event_fd_ >= 0) close(event_fd_);
}

void LoopWaker::Wake() {
  if (event_fd_ < 0) return;
  const uint64_t one = 1;
  // A full counter (never in practice) already means "wake": nothing to handle.
  [[maybe_unused]] ssize_t n = write(event_fd_, &one, sizeof(one));
}

void LoopWaker::Wait(const std::vector<int>& exit_fds, int timeout_ms) {
  std::vector<pollfd> fds;
  fds.reserve(exit_fds.size() + 1);
  if (event_fd_ >= 0) fds.push_back({event_fd_, POLLIN, 0});
  for (int fd : exit_fds) {
    if (fd >= 0) fds.push_back({fd, POLLIN, 0});
  }
  int ready;
  do {
    ready = poll(fds.data(), fds.size(), timeout_ms);
  } while (ready < 0 && errno == EINTR);
  if (event_fd_ >= 0 && ready > 0 && (fds[0].revents & POLLIN)) {
    uint64_t count;
    [[maybe_unused]] ssize_t n = read(event_fd_, &count, sizeof(count));
  }
}

}  // namespace tandem::workflow
