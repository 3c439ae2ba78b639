// Content-addressed artifacts: dedup, paths, and refusing digests that are not digests.
#include "store/artifact_store.h"

#include "core/sha256.h"
#include "store/store_test_util.h"

namespace tandem::store {
namespace {

namespace fs = std::filesystem;

int CountFiles(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

TEST_F(StoreTest, ArtifactPutTwiceGivesOneFile) {
  ArtifactStore artifacts(dir_, *store_);
  fs::path src = dir_ / "input.csv";
  ASSERT_TRUE(WriteFileAtomic(src, "a,b\n1,2\n").ok());

  auto first = artifacts.PutFile(src, "table", {{"rows", 1}});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->digest, Sha256Hex("a,b\n1,2\n"));
  EXPECT_EQ(first->size, 8);
  EXPECT_EQ(first->kind, "table");
  EXPECT_EQ(first->meta, Json({{"rows", 1}}));
  EXPECT_EQ(first->created_ms, clock_.NowMs());

  auto second = artifacts.PutBytes("a,b\n1,2\n", "table");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->digest, first->digest);
  EXPECT_EQ(CountFiles(dir_ / "artifacts"), 1);  // and no temp file left behind

  auto path = artifacts.PathOf(first->digest);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, dir_ / "artifacts" / "sha256" / first->digest.substr(0, 2) / first->digest);
  EXPECT_EQ(*ReadFile(*path), "a,b\n1,2\n");
  EXPECT_EQ(store_->GetArtifact(first->digest)->size, 8);
}

TEST_F(StoreTest, ArtifactEmptyAndLargeContent) {
  ArtifactStore artifacts(dir_, *store_);
  auto empty = artifacts.PutBytes("", "file");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->digest, Sha256Hex(""));
  EXPECT_EQ(empty->size, 0);
  std::string big(300'000, 'x');  // several read buffers
  for (size_t i = 0; i < big.size(); i += 97) big[i] = static_cast<char>('a' + i % 26);
  fs::path src = dir_ / "big.bin";
  ASSERT_TRUE(WriteFileAtomic(src, big).ok());
  auto put = artifacts.PutFile(src, "file");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->digest, Sha256Hex(big));
  EXPECT_EQ(put->size, static_cast<int64_t>(big.size()));
}

TEST_F(StoreTest, ArtifactPathOfRejectsNonDigests) {
  ArtifactStore artifacts(dir_, *store_);
  std::vector<std::string> bad_digests = {"../x", "abc", std::string(64, 'g'),
                                          std::string(64, 'A'), "../" + std::string(61, 'a'),
                                          std::string(65, 'a'), ""};
  for (const std::string& bad : bad_digests) {
    auto p = artifacts.PathOf(bad);
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto absent = artifacts.PathOf(std::string(64, 'a'));
  EXPECT_EQ(absent.status().code(), StatusCode::kNotFound);
  EXPECT_NE(absent.status().message().find(std::string(64, 'a')), std::string::npos);
}

TEST_F(StoreTest, ArtifactPutFileOfAMissingSourceFails) {
  ArtifactStore artifacts(dir_, *store_);
  auto put = artifacts.PutFile(dir_ / "nope.csv", "table");
  EXPECT_EQ(put.status().code(), StatusCode::kNotFound);
  EXPECT_NE(put.status().message().find("nope.csv"), std::string::npos);
}

}  // namespace
}  // namespace tandem::store
