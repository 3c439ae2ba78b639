#include "exec/local_launcher.h"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "exec/cgroup_limits.h"
#include "exec/gpu_env.h"
#include "exec/proc_stat.h"
#include "exec/spawn.h"

namespace tandem::exec {
namespace {

// Enough to answer repeated Polls for every recent process; the oldest are forgotten
// (a forgotten child of ours then reads like an adopted one: code -1).
constexpr size_t kMaxRemembered = 4096;

ExitInfo FromWaitStatus(int status) {
  ExitInfo info;
  if (WIFSIGNALED(status)) {
    info.signaled = true;
    info.signal = WTERMSIG(status);
  } else {
    info.code = WEXITSTATUS(status);
  }
  return info;
}

ExitInfo Unknown() {
  ExitInfo info;
  info.code = -1;
  return info;
}

}  // namespace

LocalLauncher::LocalLauncher(std::unique_ptr<Cgroups> cgroups) : cgroups_(std::move(cgroups)) {
  std::call_once(cgroups_once_, [] {});  // given: nothing to find
}

void LocalLauncher::WarnNotEnforced(const std::string& reason) {
  std::call_once(warned_once_, [&] {
    spdlog::warn("CPU and memory limits of jobs are not enforced: {}", reason);
  });
}

void LocalLauncher::FindCgroups() {
  std::call_once(cgroups_once_, [this] {
    auto found = Cgroups::ForThisProcess();
    if (found.ok()) {
      cgroups_ = std::move(*found);
    } else {
      WarnNotEnforced(found.status().message());
    }
  });
}

std::optional<JobCgroup> LocalLauncher::MakeCgroup(const ResourceLimits& limits) {
  FindCgroups();
  if (cgroups_ == nullptr) return std::nullopt;
  auto job = cgroups_->Create(limits);
  if (!job.ok()) {
    WarnNotEnforced(job.status().message());
    return std::nullopt;
  }
  return *job;
}

Result<ProcessHandle> LocalLauncher::Start(const ProcessSpec& spec) {
  const ProcessSpec* to_run = &spec;
  ProcessSpec limited;
  SpawnOptions options;
  std::optional<JobCgroup> cgroup;
  if (spec.limits.has_value()) {
    RETURN_IF_ERROR(CheckCpuMemoryLimits(*spec.limits));
    ASSIGN_OR_RETURN(auto gpu_env, GpuEnvironment(*spec.limits));
    limited = spec;
    for (auto& [key, value] : gpu_env) limited.env[key] = value;
    to_run = &limited;
    cgroup = MakeCgroup(*spec.limits);
    if (cgroup.has_value()) options.cgroup_procs_files = cgroup->procs_files();
  }

  // No lock while forking: a slow fork must not stall Polls from other threads.
  auto spawned = Spawn(*to_run, options);
  if (!spawned.ok()) {
    if (cgroup.has_value()) (void)cgroups_->Remove(*cgroup);
    return spawned.status();
  }
  int pid = *spawned;
  auto ticks = ProcessStartTicks(pid);
  if (!ticks.ok()) {
    // Unreachable in practice (an unreaped child keeps its /proc entry); leave nothing.
    ::kill(-pid, SIGKILL);
    int status;
    ::waitpid(pid, &status, 0);
    if (cgroup.has_value()) (void)cgroups_->Remove(*cgroup);
    return ticks.status().WithContext("cannot identify '" + spec.argv[0] + "'");
  }
  ProcessHandle handle{pid, *ticks};
  std::lock_guard<std::mutex> lock(mu_);
  children_[pid] = Child{handle.start_ticks, std::move(cgroup)};
  return handle;
}

void LocalLauncher::FinishCgroup(const JobCgroup& cgroup, ExitInfo& info) {
  if (!info.success() && cgroups_->OutOfMemory(cgroup)) {
    info.out_of_memory = true;
    info.memory_limit_bytes = cgroup.memory_limit_bytes;
  }
  // Processes that earlier jobs left behind may have ended since: try their cgroups again.
  std::erase_if(leftover_, [&](const JobCgroup& old) { return cgroups_->Remove(old).ok(); });
  if (!cgroups_->Remove(cgroup).ok()) leftover_.push_back(cgroup);
}

std::optional<ExitInfo> LocalLauncher::Poll(const ProcessHandle& handle) {
  std::lock_guard<std::mutex> lock(mu_);
  Key key{handle.pid, handle.start_ticks};
  if (auto it = exited_.find(key); it != exited_.end()) return it->second;

  auto child = children_.find(handle.pid);
  if (child != children_.end() && child->second.start_ticks == handle.start_ticks) {
    int status = 0;
    pid_t r;
    do {
      r = ::waitpid(handle.pid, &status, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == 0) return std::nullopt;
    // r < 0: someone else reaped it (SIGCHLD ignored); the status is lost.
    ExitInfo info = r == handle.pid ? FromWaitStatus(status) : Unknown();
    if (child->second.cgroup.has_value()) {
      // The job is over when its first process is: what it left running goes with it.
      cgroups_->SignalAll(*child->second.cgroup, SIGKILL);
      FinishCgroup(*child->second.cgroup, info);
    }
    children_.erase(child);
    Remember(key, info);
    return info;
  }

  // Not ours (adopted after a restart): all we can know is whether it still exists.
  auto stat = ReadProcStat(handle.pid);
  if (stat.ok() && stat->start_ticks == handle.start_ticks && stat->state != 'Z') {
    return std::nullopt;
  }
  Remember(key, Unknown());
  return Unknown();
}

void LocalLauncher::Remember(const Key& key, const ExitInfo& info) {
  if (!exited_.emplace(key, info).second) return;
  exited_order_.push_back(key);
  if (exited_order_.size() > kMaxRemembered) {
    exited_.erase(exited_order_.front());
    exited_order_.pop_front();
  }
}

Status LocalLauncher::Kill(const ProcessHandle& handle, int signal) {
  // pid 0 and 1 would make kill(-pid) hit our own group or every process.
  if (handle.pid <= 1) {
    return InvalidArgument("cannot signal process " + std::to_string(handle.pid));
  }
  auto stat = ReadProcStat(handle.pid);
  if (stat.ok() && stat->start_ticks != handle.start_ticks) {
    // The pid is another process's now. The kernel keeps a pid unused while it still
    // names a process group, so the old group is gone entirely: nothing to signal.
    return Status::Ok();
  }
  // Looked up first: an adopted job's folder is found through its leader while it lives.
  const std::optional<JobCgroup> job = CgroupOf(handle);
  // The leader may be gone while its group lives on (children it left behind): signal
  // the group whenever the pid is not someone else's.
  if (::kill(-handle.pid, signal) != 0 && errno != ESRCH) {
    return Internal("cannot send signal " + std::to_string(signal) + " to process group " +
                    std::to_string(handle.pid) + ": " + std::strerror(errno));
  }
  // Processes that left the group (setsid, daemonised) are still in the job's cgroup.
  if (job.has_value()) cgroups_->SignalAll(*job, signal);
  return Status::Ok();
}

std::optional<JobCgroup> LocalLauncher::CgroupOf(const ProcessHandle& handle) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto child = children_.find(handle.pid);
    if (child != children_.end() && child->second.start_ticks == handle.start_ticks) {
      return child->second.cgroup;
    }
  }
  // Started by an earlier server: its folder is found from the process, while it lives.
  FindCgroups();
  if (cgroups_ == nullptr || !Alive(handle)) return std::nullopt;
  return cgroups_->JobOf(handle.pid);
}

bool LocalLauncher::Alive(const ProcessHandle& handle) {
  auto stat = ReadProcStat(handle.pid);
  return stat.ok() && stat->start_ticks == handle.start_ticks && stat->state != 'Z';
}

}  // namespace tandem::exec
