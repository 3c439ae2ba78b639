// /proc/PID/stat parsing, including command names with spaces and parentheses.
#include "exec/proc_stat.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/fs.h"
#include "exec/local_launcher.h"

namespace tandem::exec {
namespace {

namespace fs = std::filesystem;

TEST(ProcStatTest, ParsesAfterTheLastParenthesis) {
  std::string text = "123 (a) b (c)) S 1 123 123 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
                     "98765 1000 200 18446744073709551615\n";
  auto stat = ParseProcStat(text);
  ASSERT_TRUE(stat.ok()) << stat.status().ToString();
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->start_ticks, 98765u);
}

TEST(ProcStatTest, RejectsTruncatedText) {
  EXPECT_FALSE(ParseProcStat("123 (x) S 1 2 3").ok());
  EXPECT_FALSE(ParseProcStat("no parenthesis").ok());
}

TEST(ProcStatTest, OwnProcessAndMissingProcess) {
  auto self = ProcessStartTicks(::getpid());
  ASSERT_TRUE(self.ok()) << self.status().ToString();
  EXPECT_GT(*self, 0u);
  EXPECT_EQ(*self, *ProcessStartTicks(::getpid()));  // stable
  EXPECT_EQ(ProcessStartTicks(0).status().code(), StatusCode::kInvalidArgument);
  // Above the largest pid Linux hands out (2^22).
  EXPECT_EQ(ProcessStartTicks(5'000'000).status().code(), StatusCode::kNotFound);
}

TEST(ProcStatTest, CommandNameWithSpacesAndParenthesis) {
  auto dir = MakeTempDir(fs::temp_directory_path(), "tandem-procstat-");
  ASSERT_TRUE(dir.ok());
  fs::path odd = *dir / "a) b (c";  // becomes the comm of the process
  fs::copy_file("/bin/sleep", odd);
  LocalLauncher launcher;
  ProcessSpec spec;
  spec.argv = {odd.string(), "30"};
  auto h = launcher.Start(spec);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  auto comm = ReadFile("/proc/" + std::to_string(h->pid) + "/comm");
  auto ticks = ProcessStartTicks(h->pid);
  ASSERT_TRUE(ticks.ok()) << ticks.status().ToString();
  EXPECT_EQ(*ticks, h->start_ticks);
  EXPECT_TRUE(launcher.Alive(*h));
  EXPECT_EQ(comm.value(), "a) b (c\n");
  ASSERT_TRUE(launcher.Kill(*h, SIGKILL).ok());
  while (!launcher.Poll(*h).has_value()) usleep(1000);
  fs::remove_all(*dir);
}

}  // namespace
}  // namespace tandem::exec
