#include "serving/framed_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace tandem::serving {
namespace {

constexpr int kChildChannelFd = 3;
// A frame longer than this is taken for a corrupt stream, not allocated.
constexpr uint32_t kMaxFrame = 1u << 30;

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

std::string Describe(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "ended";
}

}  // namespace

Result<std::unique_ptr<FramedChild>> FramedChild::Spawn(const std::vector<std::string>& argv) {
  int fds[2];
  // CLOEXEC on both ends: no other child (a sibling worker) may inherit them, or a
  // dead worker's channel would never report end of file.
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return Internal(Errno("socketpair"));
  }
  int child_end = fds[1];
  if (child_end == kChildChannelFd) {
    // dup2(3, 3) would keep CLOEXEC set; move it out of the way first.
    child_end = fcntl(fds[1], F_DUPFD_CLOEXEC, 10);
    close(fds[1]);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, 2, 1);
  posix_spawn_file_actions_adddup2(&actions, child_end, kChildChannelFd);
  // The replica blocks SIGTERM/SIGINT in every thread (replica.h); the child must not
  // inherit that, or it could not be stopped politely.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(child_end);
  if (rc != 0) {
    close(fds[0]);
    return Internal("cannot start '" + argv[0] + "': " + std::strerror(rc));
  }
  return std::unique_ptr<FramedChild>(new FramedChild(pid, fds[0]));
}

FramedChild::~FramedChild() {
  close(fd_);
  if (!reaped_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string FramedChild::HowItEnded() {
  if (reaped_) return ending_;
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      return ending_ = Describe(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  reaped_ = true;
  return ending_ = "stopped answering and was killed";
}

Status FramedChild::Send(std::string_view payload) {
  if (payload.size() > kMaxFrame) return InvalidArgument("message too large for a worker");
  uint32_t n = static_cast<uint32_t>(payload.size());
  char header[4] = {static_cast<char>(n), static_cast<char>(n >> 8), static_cast<char>(n >> 16),
                    static_cast<char>(n >> 24)};
  for (std::string_view part : {std::string_view(header, 4), payload}) {
    while (!part.empty()) {
      ssize_t w = send(fd_, part.data(), part.size(), MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return Unavailable("the worker " + HowItEnded());
      part.remove_prefix(static_cast<size_t>(w));
    }
  }
  return Status::Ok();
}

Status FramedChild::ReadExact(char* out, size_t n, std::chrono::steady_clock::time_point deadline) {
  while (n > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return {StatusCode::kDeadlineExceeded, "the worker did not answer in time"};
    pollfd p{fd_, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count() + 1, 1 << 30)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // the deadline check above ends it
    ssize_t r = recv(fd_, out, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return Unavailable("the worker " + HowItEnded());
    out += r;
    n -= static_cast<size_t>(r);
  }
  return Status::Ok();
}

Result<std::string> FramedChild::Receive(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  unsigned char header[4];
  RETURN_IF_ERROR(ReadExact(reinterpret_cast<char*>(header), 4, deadline));
  uint32_t n = header[0] | header[1] << 8 | header[2] << 16 | static_cast<uint32_t>(header[3]) << 24;
  if (n > kMaxFrame) return Internal("the worker sent a frame of " + std::to_string(n) + " bytes");
  std::string payload(n, '\0');
  RETURN_IF_ERROR(ReadExact(payload.data(), n, deadline));
  return payload;
}

}  // namespace tandem::serving
