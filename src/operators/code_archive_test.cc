#include "operators/code_archive.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include <sys/resource.h>
#include <unistd.h>

#include "core/fs.h"

namespace tandem::operators {
namespace {

namespace fs = std::filesystem;

// One ustar header block for `name` with the given type flag and size claim.
std::string Header(const std::string& name, char type, unsigned long long size_claim) {
  char h[512] = {};
  std::memcpy(h, name.data(), name.size());
  std::snprintf(h + 100, 8, "%07o", 0644);
  std::snprintf(h + 108, 8, "%07o", 0);
  std::snprintf(h + 116, 8, "%07o", 0);
  std::snprintf(h + 124, 12, "%011llo", size_claim);
  std::snprintf(h + 136, 12, "%011o", 0);
  h[156] = type;
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : std::string(h, 512)) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  h[155] = ' ';
  return std::string(h, 512);
}

long PeakRssKib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

class CodeArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("tandem-archive-" + std::to_string(::getpid()));
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(CodeArchiveTest, AHeaderClaimingGigabytesIsNotBelieved) {
  // 5 KB of archive whose header claims a 3 GiB file: an error, with nothing allocated
  // from the claim and no partial file left behind.
  std::string archive = Header("main.py", '0', 3ull << 30) + std::string(5 * 1024, 'x');
  const long before_kib = PeakRssKib();
  Status s = UnpackArchive(archive, (root_ / "out").string());
  ASSERT_FALSE(s.ok());
  EXPECT_LT(PeakRssKib() - before_kib, 64 * 1024);
  EXPECT_FALSE(fs::exists(root_ / "out" / "main.py"));
  EXPECT_FALSE(fs::exists(root_ / "out" / "main.py.part"));
}

TEST_F(CodeArchiveTest, WhatIsReallyReadCountsAgainstTheLimit) {
  std::string payload(300 * 1024, 'a');
  std::string archive = Header("big.bin", '0', payload.size()) + payload + std::string(1024, '\0');
  UnpackLimits tight;
  tight.max_total_bytes = 256 * 1024;
  Status s = UnpackArchive(archive, (root_ / "out").string(), tight);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "operator archive: unpacks to more than 0 MiB (limit max_total_bytes)");
  EXPECT_FALSE(fs::exists(root_ / "out" / "big.bin.part"));
  ASSERT_TRUE(UnpackArchive(archive, (root_ / "ok").string()).ok());
  EXPECT_EQ(fs::file_size(root_ / "ok" / "big.bin"), payload.size());
}

TEST_F(CodeArchiveTest, TooManyEntriesAreRefused) {
  std::string archive;
  for (int i = 0; i < 5; ++i) archive += Header("f" + std::to_string(i), '0', 0);
  archive += std::string(1024, '\0');
  UnpackLimits tight;
  tight.max_entries = 4;
  Status s = UnpackArchive(archive, (root_ / "out").string(), tight);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "operator archive: more than 4 entries (limit max_entries)");
}

TEST_F(CodeArchiveTest, SparseEntriesAreRefused) {
  // An old-GNU sparse entry: one 512-byte chunk of data standing for a 4 GiB file.
  std::string h = Header("weights.bin", 'S', 512);
  std::memcpy(&h[257], "ustar  ", 8);  // old GNU magic
  std::snprintf(&h[386], 12, "%011o", 0);
  std::snprintf(&h[398], 12, "%011o", 512);
  std::snprintf(&h[483], 12, "%011llo", 4ull << 30);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(&h[148], 8, "%06o", sum);
  h[155] = ' ';
  std::string archive = h + std::string(512, 'z') + std::string(1024, '\0');
  Status s = UnpackArchive(archive, (root_ / "out").string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "archive entry weights.bin: sparse files are not accepted");
  EXPECT_FALSE(fs::exists(root_ / "out" / "weights.bin"));
}

}  // namespace
}  // namespace tandem::operators
