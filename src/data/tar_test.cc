#include "data/tar.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

namespace tandem::data {
namespace {

// Sets the type of the header at `offset` and its checksum to match (ustar layout).
void Retype(std::string* archive, size_t offset, char type) {
  char* h = archive->data() + offset;
  h[156] = type;
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(h[i]);
  char text[8];
  std::snprintf(text, sizeof text, "%06o", sum);
  std::memcpy(h + 148, text, 7);
}

// Sets the header's size field to `octal` (as text), keeping the checksum right.
void Resize(std::string* archive, size_t offset, const char* octal) {
  char* h = archive->data() + offset;
  std::memset(h + 124, 0, 12);
  std::memcpy(h + 124, octal, std::strlen(octal));
  Retype(archive, offset, h[156]);
}

std::string Tar(const std::vector<TarEntry>& entries) {
  auto t = MakeTar(entries);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? *t : "";
}

std::string ErrorOf(const std::string& archive, const TarLimits& limits = {}) {
  auto r = ReadTar(archive, limits);
  if (r.ok()) return "(read fine)";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(TarTest, EntryCountAndTotalSizeAreCountedOnWhatIsRead) {
  std::string archive = Tar({{"a", "12345"}, {"b", "67890"}, {"c", "x"}});
  TarLimits two;
  two.max_entries = 2;
  EXPECT_EQ(ErrorOf(archive, two), "tar: more than 2 files (the limit) at offset 2048");
  TarLimits ten_bytes;
  ten_bytes.max_total_bytes = 10;
  EXPECT_EQ(ErrorOf(archive, ten_bytes),
            "tar: files of more than 10 bytes together (the limit) at offset 2048");
  EXPECT_EQ(ReadTar(archive)->size(), 3u);
}

TEST(TarTest, AHeaderClaimingMoreThanTheArchiveHoldsIsRefusedNotAllocated) {
  std::string archive = Tar({{"a", "12345"}});
  Resize(&archive, 0, "77777777777");  // 8 GiB claimed in a 2 KiB archive
  EXPECT_EQ(ErrorOf(archive), "tar: entry at offset 0 is truncated");
  archive = Tar({{"a", "12345"}});
  archive[124] = static_cast<char>(0x80);  // GNU base-256 size
  Retype(&archive, 0, '0');
  EXPECT_EQ(ErrorOf(archive), "tar: a size in GNU base-256 (a file over 8 GiB) at offset 0");
}

TEST(TarTest, SparseAndUnknownEntriesAreRefusedOthersSkipped) {
  std::string archive = Tar({{"a", "12345"}, {"b", "x"}});
  Retype(&archive, 0, 'S');
  EXPECT_EQ(ErrorOf(archive), "tar: a GNU sparse file at offset 0 (not supported)");
  Retype(&archive, 0, 'Q');
  EXPECT_EQ(ErrorOf(archive), "tar: unsupported entry type 'Q' at offset 0");
  for (char skipped : {'1', '2', '3', '4', '5', '6', 'g', 'K'}) {
    Retype(&archive, 0, skipped);
    auto r = ReadTar(archive);
    ASSERT_TRUE(r.ok()) << skipped << ": " << r.status().ToString();
    ASSERT_EQ(r->size(), 1u) << skipped;
    EXPECT_EQ((*r)[0].path, "b");
  }
}

TEST(TarTest, LongNamesFromGnuAndPaxHeadersNameTheNextEntry) {
  const std::string long_name = std::string(200, 'n') + ".png";
  std::string archive = Tar({{"x", long_name}, {"short", "data"}});
  Retype(&archive, 0, 'L');
  auto r = ReadTar(archive);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].path, long_name);
  EXPECT_EQ((*r)[0].bytes, "data");

  const std::string record = "path=dir/" + long_name + "\n";
  // The length counts itself: "214 " + record when the digits are three.
  const std::string pax = std::to_string(record.size() + 4) + " " + record;
  archive = Tar({{"x", pax}, {"short", "data"}});
  Retype(&archive, 0, 'x');
  r = ReadTar(archive);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].path, "dir/" + long_name);

  // A long name of a skipped folder does not carry over to the file after it.
  archive = Tar({{"x", long_name}, {"dir", ""}, {"short", "data"}});
  Retype(&archive, 0, 'L');
  Retype(&archive, 1024, '5');
  r = ReadTar(archive);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].path, "short");

  archive = Tar({{"x", "12 size=999\n"}, {"short", "data"}});
  Retype(&archive, 0, 'x');
  EXPECT_EQ(ErrorOf(archive), "tar: pax header at offset 0 sets 'size' (not supported)");
  archive = Tar({{"x", "99 path=a\n"}, {"short", "data"}});
  Retype(&archive, 0, 'x');
  EXPECT_EQ(ErrorOf(archive), "tar: bad pax header at offset 0");
}

}  // namespace
}  // namespace tandem::data
