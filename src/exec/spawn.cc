// Start a process the way posix_spawn does: clone(CLONE_VM | CLONE_VFORK) instead of
// fork. The child borrows the parent's memory until its exec, so nothing is copied and,
// above all, the parent's pages are not marked copy-on-write: with fork, every page the
// server (or its other threads) wrote afterwards took a fault and a TLB shootdown on
// every CPU, which was most of the engine's cost per task (bench/engine). The parent
// thread sleeps until the child has exec'd or exited, and the child reports a failure
// before the exec by writing into the parent's memory.
// Between clone and exec the child only makes raw system calls through async-signal-safe
// wrappers (the parent's other threads may hold locks, and the child runs on its own
// small stack), so everything is prepared beforehand. All signals are blocked around the
// clone so no parent handler can run on the child's stack; the child resets every
// handler to its default before unblocking.
#include "exec/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace tandem::exec {
namespace {

// What the child reports when it cannot reach the exec.
struct ChildFailure {
  int stage;  // kStageChdir, kStageExec, ...
  int err;    // errno
};
constexpr int kStageChdir = 1;
constexpr int kStageDup = 2;
constexpr int kStageExec = 3;
constexpr int kStageCgroup = 4;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { Reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_;
};

std::string Errno(int err) { return std::strerror(err); }

Result<int> OpenOutput(const std::string& path, const char* what) {
  if (path.empty()) return ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return IoError(std::string("cannot open ") + what + " file '" + path + "': " +
                             Errno(errno));
  return fd;
}

// The parent's environment overridden by `overrides`, as "K=V" strings.
std::vector<std::string> MergedEnv(const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : overrides) env[k] = v;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// dup2 that also works when from == to (dup2 would keep its close-on-exec flag).
bool MoveFd(int from, int to) {
  if (from == to) return ::fcntl(to, F_SETFD, 0) == 0;
  return ::dup2(from, to) == to;
}

// Moves the calling process into each cgroup ("0" names the writer). False, with errno
// set, when one refuses.
bool JoinCgroups(const int* cgroup_fds, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (::write(cgroup_fds[i], "0", 1) != 1) return false;
  }
  return true;
}

// Everything the child needs, prepared by the parent; `failure` is written by the
// child (shared memory) when it cannot reach the exec.
struct ChildArgs {
  const char* cwd;
  int in, out, err;
  const int* cgroup_fds;
  size_t cgroup_count;
  char* const* argv;
  char* const* envp;
  ChildFailure failure;
};

// The child after clone. Async-signal-safe calls only; never returns.
int RunChild(void* arg) {
  ChildArgs& a = *static_cast<ChildArgs*>(arg);
  ::setpgid(0, 0);
  // Start the program with default signal handling and nothing blocked: a server that
  // blocks SIGTERM for its own signal thread must not pass that on to its tasks. (The
  // handler table is the child's own: no CLONE_SIGHAND.)
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  if (!JoinCgroups(a.cgroup_fds, a.cgroup_count)) {
    a.failure = {kStageCgroup, errno};
  } else if (a.cwd != nullptr && ::chdir(a.cwd) != 0) {
    a.failure = {kStageChdir, errno};
  } else if (!MoveFd(a.in, 0) || !MoveFd(a.out, 1) || !MoveFd(a.err, 2)) {
    a.failure = {kStageDup, errno};
  } else {
    // Descriptors the server opened without O_CLOEXEC (sockets, logs) stay out of tasks.
    if (::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) != 0) {
      long max = ::sysconf(_SC_OPEN_MAX);
      if (max < 0 || max > 65536) max = 65536;
      for (int fd = 3; fd < max; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    ::execvpe(a.argv[0], a.argv, a.envp);
    a.failure = {kStageExec, errno};
  }
  ::_exit(127);
}

// The child's stack: execvpe builds candidate paths (PATH entry + name) on it.
constexpr size_t kChildStackBytes = 256 * 1024;

// Blocks every signal in the calling thread for its lifetime.
class AllSignalsBlocked {
 public:
  AllSignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &saved_);
  }
  ~AllSignalsBlocked() { ::pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  AllSignalsBlocked(const AllSignalsBlocked&) = delete;
  AllSignalsBlocked& operator=(const AllSignalsBlocked&) = delete;

 private:
  sigset_t saved_;
};

}  // namespace

Result<int> Spawn(const ProcessSpec& spec, const SpawnOptions& options) {
  if (spec.argv.empty() || spec.argv[0].empty()) return InvalidArgument("argv: no program given");
  const std::string& program = spec.argv[0];

  ASSIGN_OR_RETURN(int out_fd, OpenOutput(spec.stdout_path, "stdout"));
  Fd out(out_fd);
  Fd err_file;
  if (!spec.stderr_path.empty()) {
    ASSIGN_OR_RETURN(int fd, OpenOutput(spec.stderr_path, "stderr"));
    err_file.Reset(fd);
  }
  Fd in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (in.get() < 0 || out.get() < 0) return IoError("cannot open /dev/null: " + Errno(errno));
  int err_fd = err_file.get() >= 0 ? err_file.get() : out.get();

  std::vector<std::string> args = spec.argv;
  std::vector<char*> argv = Pointers(args);
  std::vector<std::string> env = MergedEnv(spec.env);
  std::vector<char*> envp = Pointers(env);
  const char* cwd = spec.cwd.empty() ? nullptr : spec.cwd.c_str();

  std::vector<Fd> cgroup_files(options.cgroup_procs_files.size());
  std::vector<int> cgroup_fds;
  for (size_t i = 0; i < options.cgroup_procs_files.size(); ++i) {
    const std::string& path = options.cgroup_procs_files[i];
    cgroup_files[i].Reset(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (cgroup_files[i].get() < 0) {
      return IoError("cannot run '" + program + "': cannot open '" + path + "': " +
                     Errno(errno));
    }
    cgroup_fds.push_back(cgroup_files[i].get());
  }

  void* stack = ::mmap(nullptr, kChildStackBytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return Unavailable("cannot run '" + program + "': no memory for its start");
  ChildArgs args_for_child{cwd, in.get(), out.get(), err_fd, cgroup_fds.data(), cgroup_fds.size(),
                           argv.data(), envp.data(), ChildFailure{0, 0}};
  pid_t pid;
  {
    AllSignalsBlocked blocked;
    // Returns once the child has exec'd or exited (CLONE_VFORK).
    pid = ::clone(RunChild, static_cast<char*>(stack) + kChildStackBytes,
                  CLONE_VM | CLONE_VFORK | SIGCHLD, &args_for_child);
  }
  const int clone_errno = errno;
  ::munmap(stack, kChildStackBytes);
  if (pid < 0) return Unavailable("cannot start a process to run '" + program + "': " + Errno(clone_errno));
  // Also from the parent: whoever runs first, the group exists before Start returns.
  // (EACCES once the child has exec'd is fine: it did it itself by then.)
  ::setpgid(pid, pid);

  const ChildFailure failure = args_for_child.failure;
  if (failure.stage == 0) return static_cast<int>(pid);  // the exec worked

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string reason = Errno(failure.err);
  switch (failure.stage) {
    case kStageChdir:
      return InvalidArgument("cannot run '" + program + "': cannot enter folder '" + spec.cwd +
                             "': " + reason);
    case kStageDup:
      return IoError("cannot run '" + program + "': cannot redirect output: " + reason);
    case kStageCgroup:
      return IoError("cannot run '" + program + "': cannot join its cgroup: " + reason);
    default:
      if (failure.err == ENOENT) return NotFound("cannot run '" + program + "': " + reason);
      return InvalidArgument("cannot run '" + program + "': " + reason);
  }
}

}  // namespace tandem::exec
