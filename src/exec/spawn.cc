// fork/exec with the failure of the exec reported to the parent: the child writes errno
// to a close-on-exec pipe, so the parent reads EOF when exec worked and a reason when it
// did not. Between fork and exec the child only makes async-signal-safe calls (the
// parent may have other threads holding locks), so everything is prepared beforehand.
#include "exec/spawn.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
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

// The child after fork. Async-signal-safe calls only; never returns.
[[noreturn]] void RunChild(const char* cwd, int in, int out, int err, int report,
                           const int* cgroup_fds, size_t cgroup_count, char* const* argv,
                           char* const* envp) {
  ::setpgid(0, 0);
  // Start the program with default signal handling and nothing blocked: a server that
  // blocks SIGTERM for its own signal thread must not pass that on to its tasks.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  ChildFailure failure{0, 0};
  if (!JoinCgroups(cgroup_fds, cgroup_count)) {
    failure = {kStageCgroup, errno};
  } else if (cwd != nullptr && ::chdir(cwd) != 0) {
    failure = {kStageChdir, errno};
  } else if (!MoveFd(in, 0) || !MoveFd(out, 1) || !MoveFd(err, 2)) {
    failure = {kStageDup, errno};
  } else {
    // Descriptors the server opened without O_CLOEXEC (sockets, logs) stay out of tasks.
    if (::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) != 0) {
      long max = ::sysconf(_SC_OPEN_MAX);
      if (max < 0 || max > 65536) max = 65536;
      for (int fd = 3; fd < max; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    ::execvpe(argv[0], argv, envp);
    failure = {kStageExec, errno};
  }
  ssize_t ignored = ::write(report, &failure, sizeof(failure));
  (void)ignored;
  ::_exit(127);
}

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

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return IoError("cannot create a pipe: " + Errno(errno));
  Fd report_read(pipe_fds[0]);
  Fd report_write(pipe_fds[1]);

  pid_t pid = ::fork();
  if (pid < 0) return Unavailable("cannot fork to run '" + program + "': " + Errno(errno));
  if (pid == 0) {
    RunChild(cwd, in.get(), out.get(), err_fd, report_write.get(), cgroup_fds.data(),
             cgroup_fds.size(), argv.data(), envp.data());
  }
  // Also from the parent: whoever runs first, the group exists before Start returns.
  // (EACCES once the child has exec'd is fine: it did it itself by then.)
  ::setpgid(pid, pid);
  report_write.Reset();

  ChildFailure failure{0, 0};
  size_t got = 0;
  while (got < sizeof(failure)) {
    ssize_t n = ::read(report_read.get(), reinterpret_cast<char*>(&failure) + got,
                       sizeof(failure) - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got == 0) return static_cast<int>(pid);  // EOF: the exec closed the pipe

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got < sizeof(failure)) return Internal("cannot run '" + program + "': lost its report");
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
