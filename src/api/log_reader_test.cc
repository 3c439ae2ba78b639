#include "api/log_reader.h"

#include <gtest/gtest.h>

#include "core/fs.h"

namespace tandem::api {
namespace {

class LogReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = UniqueTempPath("log_reader_test", ".log"); }
  void TearDown() override { std::filesystem::remove(path_); }
  void Write(const std::string& text) { ASSERT_TRUE(WriteFileAtomic(path_, text).ok()); }
  fs::path path_;
};

TEST_F(LogReaderTest, MissingFileIsNoData) {
  auto chunk = ReadLogChunk(path_, 7);
  ASSERT_TRUE(chunk.ok());
  EXPECT_EQ(chunk->data, "");
  EXPECT_EQ(chunk->next_offset, 7u);
}

TEST_F(LogReaderTest, ReadsFromOffsetToEnd) {
  Write("line one\nline two\n");
  auto all = ReadLogChunk(path_, 0);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->data, "line one\nline two\n");
  EXPECT_EQ(all->next_offset, 18u);
  auto rest = ReadLogChunk(path_, 9);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->data, "line two\n");
  EXPECT_EQ(rest->next_offset, 18u);
}

TEST_F(LogReaderTest, OffsetAtOrPastEndIsNoData) {
  Write("abc");
  auto at_end = ReadLogChunk(path_, 3);
  ASSERT_TRUE(at_end.ok());
  EXPECT_EQ(at_end->data, "");
  EXPECT_EQ(at_end->next_offset, 3u);
  auto past = ReadLogChunk(path_, 10);
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(past->next_offset, 10u);
}

TEST_F(LogReaderTest, CapsEachReadAndContinues) {
  Write("0123456789");
  auto first = ReadLogChunk(path_, 0, 4);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->data, "0123");
  auto second = ReadLogChunk(path_, first->next_offset, 4);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->data, "4567");
  auto third = ReadLogChunk(path_, second->next_offset, 4);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->data, "89");
  EXPECT_EQ(third->next_offset, 10u);
}

TEST_F(LogReaderTest, NeverSplitsAUtf8Sequence) {
  Write("ab\xC3\xA9" "cd");  // "abécd": é is two bytes at offsets 2..3
  auto first = ReadLogChunk(path_, 0, 3);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->data, "ab");
  EXPECT_EQ(first->next_offset, 2u);
  auto second = ReadLogChunk(path_, first->next_offset, 3);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->data, "\xC3\xA9" "c");
}

}  // namespace
}  // namespace tandem::api
