#include "exec/cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "core/fs.h"
#include "core/log.h"
#include "exec/cgroup_limits.h"
#include "exec/proc_stat.h"

namespace tandem::exec {
namespace {

constexpr std::string_view kJobPrefix = "tandem-job-";
constexpr const char* kServerLeaf = "tandem-server";

// Cgroup files exist already; O_CREAT would only turn "no such file" into EPERM.
Status WriteControlFile(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open " + path + ": " + std::strerror(errno));
  ssize_t n = ::write(fd, value.data(), value.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size())) {
    return IoError("cannot write " + value + " to " + path + ": " + std::strerror(err));
  }
  return Status::Ok();
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// The number after `key` in a flat-keyed file ("oom_kill 3"), or nullopt.
std::optional<uint64_t> KeyedValue(const std::string& text, std::string_view key) {
  std::istringstream in(text);
  std::string k;
  uint64_t v;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return std::nullopt;
}

bool Lists(const std::string& text, std::string_view word) {
  std::istringstream in(text);
  std::string token;
  while (in >> token) {
    if (token == word) return true;
  }
  return false;
}

// Lets folders below `dir` (our own v2 cgroup) have cpu and memory limits.
Status EnableV2Controllers(const std::string& dir, bool cpu) {
  auto enabled = ReadFile(dir + "/cgroup.subtree_control");
  if (!enabled.ok()) return enabled.status();
  if (Lists(*enabled, "memory") && (!cpu || Lists(*enabled, "cpu"))) return Status::Ok();
  std::string request = cpu ? "+memory +cpu" : "+memory";
  Status st = WriteControlFile(dir + "/cgroup.subtree_control", request);
  if (st.ok()) return st;
  // v2 lets only a folder without processes hand controllers to children: move this
  // process into a leaf of its own, then try again.
  std::string leaf = dir + "/" + kServerLeaf;
  if (::mkdir(leaf.c_str(), 0755) != 0 && errno != EEXIST) {
    return IoError("cannot make " + leaf + ": " + std::strerror(errno));
  }
  RETURN_IF_ERROR(WriteControlFile(leaf + "/cgroup.procs", "0"));
  return WriteControlFile(dir + "/cgroup.subtree_control", request)
      .WithContext("cgroup v2 (other processes share the server's cgroup?)");
}

}  // namespace

std::vector<std::string> JobCgroup::procs_files() const {
  std::vector<std::string> out;
  for (const std::string& dir : dirs) out.push_back(dir + "/cgroup.procs");
  return out;
}

Result<std::unique_ptr<Cgroups>> Cgroups::ForThisProcess() {
  ASSIGN_OR_RETURN(CgroupLayout layout, FindOwnCgroups());
  if (layout.version == CgroupVersion::kV2) {
    // Moved there by an earlier call: jobs belong beside the leaf, not below it.
    std::filesystem::path own(layout.memory_dir);
    if (own.filename() == kServerLeaf) {
      layout.memory_dir = own.parent_path().string();
      if (!layout.cpu_dir.empty()) layout.cpu_dir = layout.memory_dir;
    }
    RETURN_IF_ERROR(EnableV2Controllers(layout.memory_dir, !layout.cpu_dir.empty()));
  }
  for (const std::string& dir : {layout.cpu_dir, layout.memory_dir}) {
    if (!dir.empty() && ::access(dir.c_str(), W_OK) != 0) {
      return Unavailable("cannot make cgroups in " + dir + ": " + std::strerror(errno));
    }
  }
  if (layout.cpu_dir.empty()) {
    spdlog::warn("no cgroup cpu controller here: CPU limits of jobs are not enforced");
  }
  if (layout.memory_dir.empty()) {
    spdlog::warn("no cgroup memory controller here: memory limits of jobs are not enforced");
  }
  auto cgroups = std::make_unique<Cgroups>(std::move(layout));
  cgroups->RemoveStale();
  return cgroups;
}

const std::string& Cgroups::DirFor(const std::string& controller) const {
  return controller == "cpu" ? layout_.cpu_dir : layout_.memory_dir;
}

Result<std::optional<JobCgroup>> Cgroups::Create(const ResourceLimits& limits) {
  ASSIGN_OR_RETURN(std::vector<CgroupWrite> writes,
                   CgroupLimitWrites(layout_.version, limits));
  // A controller we do not have (warned about once, by ForThisProcess) limits nothing;
  // the others still do.
  std::erase_if(writes, [&](const CgroupWrite& w) { return DirFor(w.controller).empty(); });
  // A job without CPU or memory limits still gets a folder: it is how every process the
  // job starts (detached ones too) is found and killed with it.
  std::vector<std::string> controllers;
  for (const CgroupWrite& w : writes) controllers.push_back(w.controller);
  if (controllers.empty() && !layout_.memory_dir.empty()) controllers.push_back("memory");
  if (controllers.empty() && !layout_.cpu_dir.empty()) controllers.push_back("cpu");
  if (controllers.empty()) return std::optional<JobCgroup>();
  std::string name = std::string(kJobPrefix) + std::to_string(::getpid()) + "-" +
                     std::to_string(next_id_.fetch_add(1));
  JobCgroup job;
  job.version = layout_.version;
  auto folder = [&](const std::string& controller) {
    return DirFor(controller) + "/" + name;
  };
  for (const std::string& controller : controllers) {
    std::string dir = folder(controller);
    if (std::find(job.dirs.begin(), job.dirs.end(), dir) != job.dirs.end()) continue;
    if (::mkdir(dir.c_str(), 0755) != 0) {
      Status st = IoError("cannot make cgroup " + dir + ": " + std::strerror(errno));
      (void)Remove(job);
      return st;
    }
    job.dirs.push_back(dir);
  }
  for (const CgroupWrite& w : writes) {
    std::string path = folder(w.controller) + "/" + w.file;
    if (!w.required && !Exists(path)) continue;
    if (Status st = WriteControlFile(path, w.value); !st.ok()) {
      (void)Remove(job);
      return st;
    }
  }
  if (limits.memory_bytes > 0 && !layout_.memory_dir.empty()) {
    job.memory_dir = folder("memory");
    job.memory_limit_bytes = limits.memory_bytes;
  }
  return std::optional<JobCgroup>(std::move(job));
}

bool Cgroups::OutOfMemory(const JobCgroup& job) const {
  if (job.memory_dir.empty()) return false;
  if (job.version == CgroupVersion::kV2) {
    auto events = ReadFile(job.memory_dir + "/memory.events");
    return events.ok() && KeyedValue(*events, "oom_kill").value_or(0) > 0;
  }
  auto control = ReadFile(job.memory_dir + "/memory.oom_control");
  if (control.ok()) {
    if (auto kills = KeyedValue(*control, "oom_kill")) return *kills > 0;
  }
  // Kernels before 4.13 do not count kills: that the limit was reached is the next best.
  auto failcnt = ReadFile(job.memory_dir + "/memory.failcnt");
  return failcnt.ok() && std::strtoull(failcnt->c_str(), nullptr, 10) > 0;
}

Status Cgroups::Remove(const JobCgroup& job) const {
  Status result;
  for (const std::string& dir : job.dirs) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) continue;
    if (errno == EBUSY) {
      result = FailedPrecondition("cgroup " + dir + " still holds processes");
    } else {
      result = IoError("cannot remove cgroup " + dir + ": " + std::strerror(errno));
    }
  }
  return result;
}

void Cgroups::SignalAll(const JobCgroup& job, int signal) const {
  // A process forking while it is killed can put a new child in the folder after the
  // read: for SIGKILL, read again until the folders are empty (bounded: a fork bomb
  // under a pids limit ends; one without still stops here after 50 rounds).
  for (int round = 0; round < 50; ++round) {
    bool any = false;
    for (const std::string& dir : job.dirs) {
      auto procs = ReadFile(dir + "/cgroup.procs");
      if (!procs.ok()) continue;
      std::istringstream in(*procs);
      int pid;
      while (in >> pid) {
        // A zombie is already dead and killing it "succeeds": counting it would spin
        // here (the caller may hold a lock) until its new parent reaps it.
        auto stat = ReadProcStat(pid);
        if (stat.ok() && stat->state == 'Z') continue;
        if (pid > 1 && ::kill(pid, signal) == 0) any = true;
      }
    }
    if (!any || signal != SIGKILL) return;
    ::usleep(1000);
  }
}

std::optional<JobCgroup> Cgroups::JobOf(int pid) const {
  auto text = ReadFile("/proc/" + std::to_string(pid) + "/cgroup");
  if (!text.ok()) return std::nullopt;
  std::istringstream lines(*text);
  std::string line;
  JobCgroup job;
  job.version = layout_.version;
  while (std::getline(lines, line)) {
    const std::string name = std::filesystem::path(line.substr(line.rfind(':') + 1)).filename().string();
    if (!name.starts_with(kJobPrefix)) continue;
    for (const std::string& parent : {layout_.cpu_dir, layout_.memory_dir}) {
      const std::string dir = parent + "/" + name;
      if (parent.empty() || !Exists(dir + "/cgroup.procs")) continue;
      if (std::find(job.dirs.begin(), job.dirs.end(), dir) == job.dirs.end()) job.dirs.push_back(dir);
    }
  }
  if (job.dirs.empty()) return std::nullopt;
  return job;
}

void Cgroups::RemoveStale() const {
  std::error_code ec;
  for (const std::string& parent : {layout_.cpu_dir, layout_.memory_dir}) {
    if (parent.empty()) continue;
    for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
      std::string name = entry.path().filename().string();
      if (!name.starts_with(kJobPrefix)) continue;
      int pid = 0;
      const char* digits = name.data() + kJobPrefix.size();
      std::from_chars(digits, name.data() + name.size(), pid);
      // A live server (this one too) still owns its folders.
      if (pid <= 0 || ::kill(pid, 0) == 0 || errno != ESRCH) continue;
      ::rmdir(entry.path().c_str());  // fails, harmlessly, while a job still runs there
    }
  }
}

}  // namespace tandem::exec
