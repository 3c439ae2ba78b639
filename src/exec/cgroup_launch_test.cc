// ProcessSpec::limits through the real LocalLauncher: a memory-limited job is killed by
// the kernel and reported out of memory, CPU quotas land in the job's cgroup, cgroups go
// when the job is reaped, and GPU limits reach the child's environment. Tests that need
// a writable cgroup hierarchy (root, not a read-only container mount) skip without one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/fs.h"
#include "exec/cgroup.h"
#include "exec/local_launcher.h"
#include "exec/spawn.h"

namespace tandem::exec {
namespace {

namespace fs = std::filesystem;
constexpr uint64_t kMiB = 1024 * 1024;

class LimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir(fs::temp_directory_path(), "tandem-limits-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = *dir;
  }
  void TearDown() override {
    if (launcher_ != nullptr) {
      for (const ProcessHandle& h : started_) (void)launcher_->Kill(h, SIGKILL);
      for (const ProcessHandle& h : started_) WaitExit(h);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // A launcher with real cgroups, or a skip that says why there are none.
  bool UseCgroups() {
    auto cgroups = Cgroups::ForThisProcess();
    if (!cgroups.ok()) {
      skip_reason_ = "cgroups are not writable here: " + cgroups.status().message();
      return false;
    }
    layout_ = (*cgroups)->layout();
    launcher_ = std::make_unique<LocalLauncher>(std::move(*cgroups));
    return true;
  }

  ProcessSpec Spec(std::vector<std::string> argv, ResourceLimits limits) {
    ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.cwd = dir_.string();
    spec.stdout_path = (dir_ / "out.log").string();
    spec.limits = std::move(limits);
    return spec;
  }

  ProcessHandle StartOk(const ProcessSpec& spec) {
    auto h = launcher_->Start(spec);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    if (!h.ok()) return {};
    started_.push_back(*h);
    return *h;
  }

  std::optional<ExitInfo> WaitExit(const ProcessHandle& h) {
    for (int i = 0; i < 3000; ++i) {
      if (auto info = launcher_->Poll(h)) return info;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }

  // The folder of the cgroup `pid` is in, for `controller`.
  std::string CgroupOf(int pid, const std::string& controller) {
    auto text = ReadFile("/proc/" + std::to_string(pid) + "/cgroup");
    if (!text.ok()) return "";
    auto path = ProcCgroupPath(*text, layout_.version == CgroupVersion::kV2 ? "" : controller);
    if (!path.ok()) return "";
    const std::string& parent = controller == "cpu" ? layout_.cpu_dir : layout_.memory_dir;
    return parent + "/" + fs::path(*path).filename().string();
  }

  std::string Output() { return ReadFile(dir_ / "out.log").value(); }

  fs::path dir_;
  std::string skip_reason_;
  CgroupLayout layout_;
  std::unique_ptr<LocalLauncher> launcher_;
  std::vector<ProcessHandle> started_;
};

ResourceLimits Memory(uint64_t bytes) {
  ResourceLimits limits;
  limits.memory_bytes = bytes;
  return limits;
}

TEST_F(LimitsTest, PassingTheMemoryLimitIsReportedAsOutOfMemory) {
  if (!UseCgroups()) GTEST_SKIP() << skip_reason_;
  ProcessHandle h = StartOk(Spec({TANDEM_MEMORY_HOG, "256"}, Memory(64 * kMiB)));
  auto info = WaitExit(h);
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->success());
  EXPECT_TRUE(info->signaled);
  EXPECT_EQ(info->signal, SIGKILL);
  EXPECT_TRUE(info->out_of_memory);
  EXPECT_EQ(info->memory_limit_bytes, 64 * kMiB);
  EXPECT_EQ(info->Describe(), "out of memory (limit 64 MiB)");
  EXPECT_EQ(Output(), "");  // killed before it could say it made it
}

TEST_F(LimitsTest, WithinTheMemoryLimitRunsToTheEnd) {
  if (!UseCgroups()) GTEST_SKIP() << skip_reason_;
  ProcessHandle h = StartOk(Spec({TANDEM_MEMORY_HOG, "16"}, Memory(128 * kMiB)));
  auto info = WaitExit(h);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->success());
  EXPECT_FALSE(info->out_of_memory);
  EXPECT_EQ(Output(), "allocated 16 MiB\n");
}

TEST_F(LimitsTest, LimitsAreWrittenToTheJobsCgroupWhichGoesWhenReaped) {
  if (!UseCgroups()) GTEST_SKIP() << skip_reason_;
  ResourceLimits limits = Memory(64 * kMiB);
  limits.cpus = 0.5;
  ProcessHandle h = StartOk(Spec({"/bin/sleep", "30"}, limits));
  std::string cpu_dir = CgroupOf(h.pid, "cpu");
  std::string memory_dir = CgroupOf(h.pid, "memory");
  ASSERT_NE(cpu_dir, "");
  EXPECT_NE(fs::path(cpu_dir).filename().string().find("tandem-job-"), std::string::npos);
  if (layout_.version == CgroupVersion::kV1) {
    EXPECT_EQ(ReadFile(cpu_dir + "/cpu.cfs_quota_us").value(), "50000\n");
    EXPECT_EQ(ReadFile(cpu_dir + "/cpu.cfs_period_us").value(), "100000\n");
    EXPECT_EQ(ReadFile(memory_dir + "/memory.limit_in_bytes").value(), "67108864\n");
  } else {
    EXPECT_EQ(ReadFile(cpu_dir + "/cpu.max").value(), "50000 100000\n");
    EXPECT_EQ(ReadFile(memory_dir + "/memory.max").value(), "67108864\n");
  }
  EXPECT_TRUE(fs::exists(cpu_dir));
  EXPECT_TRUE(fs::exists(memory_dir));

  ASSERT_TRUE(launcher_->Kill(h, SIGKILL).ok());
  auto info = WaitExit(h);
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->out_of_memory);  // killed, but not by the OOM killer
  EXPECT_EQ(info->Describe(), "killed by signal 9");
  EXPECT_FALSE(fs::exists(cpu_dir));
  EXPECT_FALSE(fs::exists(memory_dir));
}

// A process of pid `pid` is gone or a zombie (killed, waiting for init to reap it).
bool Dead(int pid) {
  auto stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  if (!stat.ok()) return true;
  size_t paren = stat->rfind(')');
  return paren != std::string::npos && paren + 2 < stat->size() && (*stat)[paren + 2] == 'Z';
}

bool DiesWithin(int pid, std::chrono::milliseconds limit) {
  for (auto waited = std::chrono::milliseconds(0); waited < limit; waited += std::chrono::milliseconds(10)) {
    if (Dead(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Dead(pid);
}

TEST_F(LimitsTest, WhatAJobLeavesRunningDiesWithItAndItsCgroupGoes) {
  if (!UseCgroups()) GTEST_SKIP() << skip_reason_;
  // setsid: the sleep leaves the job's process group, as a daemonising child does.
  // The job waits for "go", so its cgroup is read while it lives (an exited process
  // shows the root cgroup in /proc/PID/cgroup).
  ProcessHandle h = StartOk(Spec(
      {"/bin/sh", "-c", "setsid sleep 30 & echo $! > bg.pid; while [ ! -f go ]; do sleep 0.01; done"},
      Memory(64 * kMiB)));
  std::string dir = CgroupOf(h.pid, "memory");
  ASSERT_NE(fs::path(dir).filename().string().find("tandem-job-"), std::string::npos) << dir;
  ASSERT_TRUE(WriteFileAtomic(dir_ / "go", "").ok());
  ASSERT_TRUE(WaitExit(h)->success());
  int bg = std::stoi(ReadFile(dir_ / "bg.pid").value());
  EXPECT_TRUE(DiesWithin(bg, std::chrono::seconds(5)));
  // The folder goes once the killed sleep is reaped (by init); the next reaped job retries it.
  // Bounded by time, not tries: on a loaded machine init may take seconds to reap.
  bool gone = !fs::exists(dir);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!gone && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(WaitExit(StartOk(Spec({"/bin/true"}, Memory(64 * kMiB))))->success());
    gone = !fs::exists(dir);
  }
  EXPECT_TRUE(gone);
}

TEST_F(LimitsTest, KillReachesProcessesThatLeftTheJobsGroup) {
  if (!UseCgroups()) GTEST_SKIP() << skip_reason_;
  ProcessHandle h = StartOk(
      Spec({"/bin/sh", "-c", "setsid sleep 30 & echo $! > bg.pid; sleep 30"}, ResourceLimits{}));
  // A job without CPU or memory limits is still tracked by a cgroup of its own.
  std::string parent = layout_.memory_dir.empty() ? layout_.cpu_dir : layout_.memory_dir;
  std::string dir = CgroupOf(h.pid, layout_.memory_dir.empty() ? "cpu" : "memory");
  EXPECT_NE(dir, parent + "/");
  EXPECT_NE(fs::path(dir).filename().string().find("tandem-job-"), std::string::npos) << dir;
  for (int i = 0; i < 300 && !fs::exists(dir_ / "bg.pid"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  int bg = std::stoi(ReadFile(dir_ / "bg.pid").value());
  ASSERT_TRUE(launcher_->Kill(h, SIGTERM).ok());
  EXPECT_TRUE(DiesWithin(bg, std::chrono::seconds(5)));
  EXPECT_TRUE(WaitExit(h).has_value());
}

TEST_F(LimitsTest, AJobOfAnEarlierServerIsKilledWithItsCgroup) {
  if (!UseCgroups()) GTEST_SKIP() << skip_reason_;
  ProcessHandle h = StartOk(
      Spec({"/bin/sh", "-c", "setsid sleep 30 & echo $! > bg.pid; sleep 30"}, ResourceLimits{}));
  for (int i = 0; i < 300 && !fs::exists(dir_ / "bg.pid"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  int bg = std::stoi(ReadFile(dir_ / "bg.pid").value());
  // A second launcher stands for the restarted server: the job is not its child.
  auto cgroups = Cgroups::ForThisProcess();
  ASSERT_TRUE(cgroups.ok());
  LocalLauncher restarted(std::move(*cgroups));
  ASSERT_TRUE(restarted.Kill(h, SIGKILL).ok());
  EXPECT_TRUE(DiesWithin(bg, std::chrono::seconds(5)));
  EXPECT_TRUE(WaitExit(h).has_value());
}

TEST_F(LimitsTest, FoldersOfADeadServerAreSweptAtStart) {
  if (!UseCgroups()) GTEST_SKIP() << skip_reason_;
  // A pid that is certainly gone: a child of ours, reaped.
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ASSERT_GT(dead, 0);
  ASSERT_EQ(::waitpid(dead, nullptr, 0), dead);
  std::string parent = layout_.memory_dir.empty() ? layout_.cpu_dir : layout_.memory_dir;
  std::string stale = parent + "/tandem-job-" + std::to_string(dead) + "-0";
  std::string ours = parent + "/tandem-job-" + std::to_string(::getpid()) + "-999";
  ASSERT_EQ(::mkdir(stale.c_str(), 0755), 0) << std::strerror(errno);
  ASSERT_EQ(::mkdir(ours.c_str(), 0755), 0) << std::strerror(errno);
  ASSERT_TRUE(Cgroups::ForThisProcess().ok());
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(ours));  // a live server's folder stays
  ::rmdir(ours.c_str());
}

TEST_F(LimitsTest, WithoutCgroupsTheJobRunsUnlimited) {
  launcher_ = std::make_unique<LocalLauncher>(nullptr);
  ResourceLimits limits = Memory(64 * kMiB);
  limits.cpus = 1;
  ProcessHandle h = StartOk(Spec({TANDEM_MEMORY_HOG, "96"}, limits));
  auto info = WaitExit(h);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->success());
  EXPECT_EQ(Output(), "allocated 96 MiB\n");
}

TEST_F(LimitsTest, GpuLimitsReachTheEnvironment) {
  launcher_ = std::make_unique<LocalLauncher>(nullptr);
  ResourceLimits limits;
  limits.gpu_devices = {1};
  limits.gpu_compute_percent = 30;
  limits.gpu_memory_mib = 4096;
  ProcessSpec spec = Spec({"/bin/sh", "-c",
                           "echo \"$CUDA_VISIBLE_DEVICES|$CUDA_MPS_ACTIVE_THREAD_PERCENTAGE|"
                           "$CUDA_MPS_PINNED_DEVICE_MEM_LIMIT|$TANDEM_GPU_FRACTION|"
                           "$TANDEM_GPU_MEMORY_MIB\""},
                          limits);
  spec.env["CUDA_VISIBLE_DEVICES"] = "0,1,2,3";  // the allocation wins
  ASSERT_TRUE(WaitExit(StartOk(spec))->success());
  EXPECT_EQ(Output(), "1|30|0=4096M|0.3|4096\n");
}

TEST_F(LimitsTest, InvalidLimitsAreRefused) {
  launcher_ = std::make_unique<LocalLauncher>(nullptr);
  ResourceLimits limits;
  limits.gpu_compute_percent = 150;
  limits.gpu_devices = {0};
  auto h = launcher_->Start(Spec({"/bin/true"}, limits));
  EXPECT_EQ(h.status().message(), "limits.gpu_compute_percent: 150 is not in 0..100");
  limits = ResourceLimits{};
  limits.cpus = -2;
  EXPECT_EQ(launcher_->Start(Spec({"/bin/true"}, limits)).status().message(),
            "limits.cpus: -2 is not a number of cores");
}

TEST(SpawnCgroupTest, AChildThatCannotJoinItsCgroupIsNotStarted) {
  ProcessSpec spec;
  spec.argv = {"/bin/true"};
  SpawnOptions options;
  options.cgroup_procs_files = {"/dev/full"};  // every write fails: ENOSPC
  auto pid = Spawn(spec, options);
  EXPECT_EQ(pid.status().code(), StatusCode::kIoError);
  EXPECT_EQ(pid.status().message(),
            "cannot run '/bin/true': cannot join its cgroup: No space left on device");
  options.cgroup_procs_files = {"/nonexistent/cgroup.procs"};
  EXPECT_EQ(Spawn(spec, options).status().message(),
            "cannot run '/bin/true': cannot open '/nonexistent/cgroup.procs': No such file or "
            "directory");
}

}  // namespace
}  // namespace tandem::exec
