#include "api/data_dir_lock.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tandem::api {
namespace {

std::string TempDir() {
  auto dir = std::filesystem::temp_directory_path() / ("data-dir-lock-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(DataDirLockTest, SecondHolderIsRefusedWithThePidUntilTheFirstLetsGo) {
  const std::string dir = TempDir();
  auto first = DataDirLock::Acquire(dir);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::ifstream in(dir + "/tandem.lock");
  std::string pid;
  in >> pid;
  EXPECT_EQ(pid, std::to_string(getpid()));

  // flock locks belong to the open file, so a second open in this process conflicts too.
  auto second = DataDirLock::Acquire(dir);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("data dir " + dir + " in use by pid " + std::to_string(getpid())),
            std::string::npos)
      << second.status().message();

  first->reset();
  auto third = DataDirLock::Acquire(dir);
  EXPECT_TRUE(third.ok()) << third.status().ToString();
  std::filesystem::remove_all(dir);
}

TEST(DataDirLockTest, UnwritableDirIsAnIoError) {
  auto lock = DataDirLock::Acquire("/nonexistent-dir-for-tandem-test");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace tandem::api
