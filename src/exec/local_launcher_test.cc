// The local launcher against real processes: exit codes, output files, env, cwd, groups.
#include "exec/local_launcher.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "core/fs.h"

namespace tandem::exec {
namespace {

namespace fs = std::filesystem;

class LocalLauncherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = MakeTempDir(fs::temp_directory_path(), "tandem-exec-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = fs::canonical(*dir);
  }
  void TearDown() override {
    for (const ProcessHandle& h : started_) (void)launcher_.Kill(h, SIGKILL);
    for (const ProcessHandle& h : started_) WaitExit(h);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  ProcessSpec Shell(const std::string& script) {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", script};
    spec.cwd = dir_.string();
    spec.stdout_path = (dir_ / "out.log").string();
    return spec;
  }

  ProcessHandle StartOk(const ProcessSpec& spec) {
    auto h = launcher_.Start(spec);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    if (!h.ok()) return {};
    started_.push_back(*h);
    return *h;
  }

  // Polls until the process ends (10 s at most).
  std::optional<ExitInfo> WaitExit(const ProcessHandle& h) {
    for (int i = 0; i < 1000; ++i) {
      if (auto info = launcher_.Poll(h)) return info;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }

  // Waits until `pred` holds (5 s at most).
  template <typename Pred>
  bool Eventually(Pred pred) {
    for (int i = 0; i < 500; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred();
  }

  std::string Output() { return ReadFile(dir_ / "out.log").value(); }

  fs::path dir_;
  LocalLauncher launcher_;
  std::vector<ProcessHandle> started_;
};

TEST_F(LocalLauncherTest, ExitCodeAndStdout) {
  ProcessHandle h = StartOk(Shell("echo hi; echo oops >&2; exit 3"));
  EXPECT_GT(h.pid, 0);
  EXPECT_GT(h.start_ticks, 0u);
  auto info = WaitExit(h);
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->signaled);
  EXPECT_EQ(info->code, 3);
  EXPECT_EQ(info->Describe(), "exit code 3");
  EXPECT_EQ(Output(), "hi\noops\n");  // stderr "" = the stdout file
  // A reaped status stays: the same answer on every later Poll.
  auto again = launcher_.Poll(h);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->code, 3);
  EXPECT_FALSE(launcher_.Alive(h));
}

TEST_F(LocalLauncherTest, StderrToItsOwnFileAndOutputAppends) {
  ProcessSpec spec = Shell("echo out; echo err >&2");
  spec.stderr_path = (dir_ / "err.log").string();
  ASSERT_TRUE(WriteFileAtomic(dir_ / "out.log", "earlier\n").ok());
  ASSERT_TRUE(WaitExit(StartOk(spec))->success());
  EXPECT_EQ(Output(), "earlier\nout\n");
  EXPECT_EQ(ReadFile(dir_ / "err.log").value(), "err\n");
}

TEST_F(LocalLauncherTest, EnvOverridesTheParents) {
  ::setenv("TANDEM_EXEC_TEST_KEEP", "kept", 1);
  ::setenv("TANDEM_EXEC_TEST_OVER", "parent", 1);
  ProcessSpec spec = Shell("echo $TANDEM_EXEC_TEST_KEEP $TANDEM_EXEC_TEST_OVER $TANDEM_NEW");
  spec.env = {{"TANDEM_EXEC_TEST_OVER", "child"}, {"TANDEM_NEW", "a b"}};
  ASSERT_TRUE(WaitExit(StartOk(spec))->success());
  EXPECT_EQ(Output(), "kept child a b\n");
}

TEST_F(LocalLauncherTest, CwdIsHonoured) {
  fs::create_directories(dir_ / "work");
  ProcessSpec spec = Shell("pwd; test -t 0 || echo stdin-not-a-tty");
  spec.cwd = (dir_ / "work").string();
  ASSERT_TRUE(WaitExit(StartOk(spec))->success());
  EXPECT_EQ(Output(), (dir_ / "work").string() + "\nstdin-not-a-tty\n");
}

TEST_F(LocalLauncherTest, MissingProgramFailsAtStart) {
  ProcessSpec spec = Shell("");
  spec.argv = {"tandem-no-such-program-xyz", "arg"};
  auto h = launcher_.Start(spec);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().message(),
            "cannot run 'tandem-no-such-program-xyz': No such file or directory");

  spec.argv = {"/bin/true"};
  spec.cwd = (dir_ / "missing").string();
  h = launcher_.Start(spec);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("missing"), std::string::npos);

  spec.cwd = dir_.string();
  spec.stdout_path = (dir_ / "no-dir" / "out.log").string();
  h = launcher_.Start(spec);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.status().message().find("stdout"), std::string::npos);

  spec.argv = {};
  EXPECT_EQ(launcher_.Start(spec).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalLauncherTest, ProgramIsFoundOnPath) {
  ProcessSpec spec = Shell("");
  spec.argv = {"sh", "-c", "exit 0"};
  EXPECT_TRUE(WaitExit(StartOk(spec))->success());
}

TEST_F(LocalLauncherTest, KillReachesTheWholeGroup) {
  ProcessHandle h = StartOk(Shell("sleep 30 & echo $! > bg.pid; sleep 30"));
  ASSERT_TRUE(Eventually([&] {
    auto text = ReadFile(dir_ / "bg.pid");
    return text.ok() && !text->empty() && text->back() == '\n';
  }));
  int bg_pid = std::stoi(ReadFile(dir_ / "bg.pid").value());
  auto bg_ticks = ProcessStartTicks(bg_pid);
  ASSERT_TRUE(bg_ticks.ok());
  ProcessHandle bg{bg_pid, *bg_ticks};
  EXPECT_TRUE(launcher_.Alive(h));
  EXPECT_TRUE(launcher_.Alive(bg));
  EXPECT_EQ(::getpgid(bg_pid), h.pid);

  ASSERT_TRUE(launcher_.Kill(h, SIGKILL).ok());
  auto info = WaitExit(h);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->signaled);
  EXPECT_EQ(info->signal, SIGKILL);
  EXPECT_TRUE(Eventually([&] { return !launcher_.Alive(h) && !launcher_.Alive(bg); }));
  // Gone already: killing again is fine.
  EXPECT_TRUE(launcher_.Kill(h, SIGKILL).ok());
}

TEST_F(LocalLauncherTest, AliveChecksTheStartTicks) {
  ProcessHandle h = StartOk(Shell("sleep 30"));
  EXPECT_TRUE(launcher_.Alive(h));
  EXPECT_FALSE(launcher_.Alive({h.pid, h.start_ticks + 1}));
  EXPECT_FALSE(launcher_.Alive({0, 0}));
  // A stale handle (same pid, other start) is never signalled.
  EXPECT_TRUE(launcher_.Kill({h.pid, h.start_ticks + 1}, SIGKILL).ok());
  EXPECT_FALSE(launcher_.Poll(h).has_value());
  EXPECT_EQ(launcher_.Kill({0, 0}, SIGTERM).code(), StatusCode::kInvalidArgument);
}

TEST_F(LocalLauncherTest, SignaledProcessReportsTheSignal) {
  ProcessHandle self_kill = StartOk(Shell("kill -TERM $$; sleep 5"));
  auto info = WaitExit(self_kill);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->signaled);
  EXPECT_EQ(info->signal, SIGTERM);
  EXPECT_EQ(info->Describe(), "killed by signal 15");

  // exec: no shell in between, whose own SIGINT handling while it waits would race.
  ProcessHandle h = StartOk(Shell("exec sleep 30"));
  ASSERT_TRUE(launcher_.Kill(h, SIGINT).ok());
  info = WaitExit(h);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->signaled);
  EXPECT_EQ(info->signal, SIGINT);
}

TEST_F(LocalLauncherTest, BlockedSignalsAreNotInherited) {
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &term, &old), 0);
  ProcessHandle h = StartOk(Shell("sleep 30"));
  ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &old, nullptr), 0);
  ASSERT_TRUE(launcher_.Kill(h, SIGTERM).ok());
  auto info = WaitExit(h);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->signal, SIGTERM);
}

TEST_F(LocalLauncherTest, AdoptedProcessEndsWithUnknownCode) {
  ProcessHandle h = StartOk(Shell("sleep 30"));
  LocalLauncher after_restart;  // did not start it, cannot wait for it
  EXPECT_FALSE(after_restart.Poll(h).has_value());
  EXPECT_TRUE(after_restart.Alive(h));
  ASSERT_TRUE(after_restart.Kill(h, SIGKILL).ok());
  // Until the first launcher reaps it, it is a zombie: not alive.
  EXPECT_TRUE(Eventually([&] { return after_restart.Poll(h).has_value(); }));
  auto info = after_restart.Poll(h);
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->signaled);
  EXPECT_EQ(info->code, -1);
  auto own = WaitExit(h);
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->signal, SIGKILL);
}

TEST_F(LocalLauncherTest, ConcurrentStartsAndPolls) {
  std::vector<std::thread> threads;
  std::vector<int> codes(8, -100);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      ProcessSpec spec = Shell("exit " + std::to_string(i));
      spec.stdout_path = "";
      auto h = launcher_.Start(spec);
      if (!h.ok()) return;
      for (int k = 0; k < 1000; ++k) {
        if (auto info = launcher_.Poll(*h)) {
          codes[i] = info->code;
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) EXPECT_EQ(codes[i], i);
}

}  // namespace
}  // namespace tandem::exec
