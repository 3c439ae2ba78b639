#include <gtest/gtest.h>

#include <set>

#include "core/clock.h"
#include "core/config.h"
#include "core/digits.h"
#include "core/fs.h"
#include "core/ids.h"
#include "core/json.h"
#include "core/problems.h"
#include "core/sha256.h"
#include "core/status.h"

namespace tandem {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("x: odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, ResultCarriesValueOrError) {
  EXPECT_EQ(*Quarter(8), 2);
  auto bad = Quarter(6);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().ToString(), "invalid argument: x: odd");
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
}

TEST(JsonTest, ErrorsNameTheField) {
  auto j = ParseJson(R"({"a": {"depth": "x"}, "n": 2.0})");
  ASSERT_TRUE(j.ok());
  auto depth = GetInt((*j)["a"], "depth", "params.a");
  ASSERT_FALSE(depth.ok());
  EXPECT_EQ(depth.status().message(), "params.a.depth: expected an integer, got string");
  EXPECT_EQ(*GetInt(*j, "n"), 2);
  EXPECT_EQ(*GetIntOr(*j, "missing", 7), 7);
  EXPECT_FALSE(GetString(*j, "missing").ok());
  auto broken = ParseJson("{\"a\": ", "request body");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("request body is not valid JSON"), std::string::npos);
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(1000);
  EXPECT_EQ(clock.NowMs(), 1000);
  clock.SleepMs(250);
  EXPECT_EQ(clock.NowMs(), 1250);
}

TEST(IdsTest, UniqueSortedAndValidNames) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewId("run"));
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(NewId("task").rfind("task-", 0), 0u);
  EXPECT_TRUE(IsValidName("breast_cancer-2"));
  EXPECT_FALSE(IsValidName("Bad Name"));
  EXPECT_FALSE(IsValidName("../x"));
  EXPECT_FALSE(IsValidName(""));
}

TEST(FsTest, PathInsideRefusesEscapes) {
  auto dir = MakeTempDir(fs::temp_directory_path(), "tandem-core-test-");
  ASSERT_TRUE(dir.ok());
  EXPECT_TRUE(PathInside(*dir, "a/b.txt").ok());
  auto up = PathInside(*dir, "../etc/passwd", "inputs.table");
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.status().message(), "inputs.table: '../etc/passwd' escapes its folder");
  EXPECT_FALSE(PathInside(*dir, "/etc/passwd").ok());
  fs::create_directory_symlink("/etc", *dir / "link");
  EXPECT_FALSE(PathInside(*dir, "link/passwd").ok());
  ASSERT_TRUE(WriteFileAtomic(*dir / "x" / "f.txt", "hello").ok());
  EXPECT_EQ(*ReadFile(*dir / "x" / "f.txt"), "hello");
  fs::remove_all(*dir);
}

TEST(DigitsTest, OnlyBoundedRunsOfDigits) {
  EXPECT_EQ(ParseDigits("42", 6), 42);
  EXPECT_EQ(ParseDigits("000123", 6), 123);
  EXPECT_FALSE(ParseDigits("", 6));
  EXPECT_FALSE(ParseDigits("1234567", 6));
  EXPECT_FALSE(ParseDigits("-1", 6));
  EXPECT_FALSE(ParseDigits("1 ", 6));
  EXPECT_FALSE(ParseDigits("+3", 6));
}

TEST(Sha256Test, KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ConfigTest, FileOverridesDefaultsAndRejectsUnknownKeys) {
  auto dir = MakeTempDir(fs::temp_directory_path(), "tandem-config-test-");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(WriteFileAtomic(*dir / "c.yaml", "listen: 0.0.0.0:9000\nmax_parallel_tasks: 4\n").ok());
  auto cfg = LoadConfigFile((*dir / "c.yaml").string());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->listen, "0.0.0.0:9000");
  EXPECT_EQ(cfg->max_parallel_tasks, 4);
  EXPECT_EQ(cfg->data_dir, "./tandem-data");
  ASSERT_TRUE(WriteFileAtomic(*dir / "bad.yaml", "lisen: x\n").ok());
  auto bad = LoadConfigFile((*dir / "bad.yaml").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("lisen: unknown setting"), std::string::npos);
  ASSERT_TRUE(WriteFileAtomic(*dir / "gc.yaml", "gc: {keep_runs_days: 30, grace_minutes: 5}\n").ok());
  auto gc = LoadConfigFile((*dir / "gc.yaml").string());
  ASSERT_TRUE(gc.ok()) << gc.status().ToString();
  EXPECT_EQ(gc->gc_keep_runs_days, 30);
  EXPECT_EQ(gc->gc_grace_minutes, 5);
  ASSERT_TRUE(WriteFileAtomic(*dir / "gc-bad.yaml", "gc: {keep_runs: 3}\n").ok());
  EXPECT_NE(LoadConfigFile((*dir / "gc-bad.yaml").string()).status().message().find("gc.keep_runs: unknown setting"),
            std::string::npos);
  ASSERT_TRUE(WriteFileAtomic(*dir / "gc-neg.yaml", "gc: {grace_minutes: -1}\n").ok());
  EXPECT_NE(LoadConfigFile((*dir / "gc-neg.yaml").string()).status().message().find("gc.grace_minutes: must be >= 0"),
            std::string::npos);
  std::string host;
  int port = 0;
  ASSERT_TRUE(ParseHostPort("127.0.0.1:8080", &host, &port).ok());
  EXPECT_EQ(port, 8080);
  EXPECT_FALSE(ParseHostPort("nohost", &host, &port).ok());
  fs::remove_all(*dir);
}

TEST(ProblemsTest, SplitUndoesJoin) {
  const std::vector<std::string> problems = {"params.a: required", "params.b: must be one of x, y"};
  EXPECT_EQ(SplitProblems(JoinProblems(problems)), problems);
  EXPECT_EQ(SplitProblems("one problem"), std::vector<std::string>{"one problem"});
  EXPECT_EQ(SplitProblems("a: is text; this step needs numbers"),
            std::vector<std::string>{"a: is text; this step needs numbers"});
}

TEST(ConfigTest, MaxUploadBytesIsReadAndMustBePositive) {
  auto dir = MakeTempDir(fs::temp_directory_path(), "tandem-config-test-");
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(Config{}.max_upload_bytes, int64_t{4} << 30);
  ASSERT_TRUE(WriteFileAtomic(*dir / "c.yaml", "max_upload_bytes: 10000000000\n").ok());
  auto cfg = LoadConfigFile((*dir / "c.yaml").string());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->max_upload_bytes, int64_t{10000000000});
  ASSERT_TRUE(WriteFileAtomic(*dir / "zero.yaml", "max_upload_bytes: 0\n").ok());
  auto zero = LoadConfigFile((*dir / "zero.yaml").string());
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("max_upload_bytes: must be >= 1"), std::string::npos);
  fs::remove_all(*dir);
}

TEST(ConfigTest, HttpLimitsAndAllowedOriginsAreRead) {
  auto dir = MakeTempDir(fs::temp_directory_path(), "tandem-config-test-");
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(Config{}.max_body_bytes, int64_t{16} << 20);
  ASSERT_TRUE(WriteFileAtomic(*dir / "c.yaml",
                              "max_body_bytes: 1000\nmax_inference_body_bytes: 2000\n"
                              "max_archive_bytes: 3000\nidle_timeout_s: 5\nmax_connections: 50\n"
                              "allowed_hosts: [tandem.internal]\n"
                              "allowed_origins: ['https://ui.example.org']\n")
                  .ok());
  auto cfg = LoadConfigFile((*dir / "c.yaml").string());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->max_body_bytes, 1000);
  EXPECT_EQ(cfg->max_inference_body_bytes, 2000);
  EXPECT_EQ(cfg->max_archive_bytes, 3000);
  EXPECT_EQ(cfg->idle_timeout_s, 5);
  EXPECT_EQ(cfg->max_connections, 50);
  EXPECT_EQ(cfg->allowed_hosts, std::vector<std::string>{"tandem.internal"});
  EXPECT_EQ(cfg->allowed_origins, std::vector<std::string>{"https://ui.example.org"});
  ASSERT_TRUE(WriteFileAtomic(*dir / "zero.yaml", "max_connections: 0\n").ok());
  auto zero = LoadConfigFile((*dir / "zero.yaml").string());
  ASSERT_FALSE(zero.ok());
  EXPECT_NE(zero.status().message().find("max_connections: must be >= 1"), std::string::npos);
  fs::remove_all(*dir);
}

}  // namespace
}  // namespace tandem
