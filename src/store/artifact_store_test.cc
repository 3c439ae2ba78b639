// Content-addressed artifacts: dedup, paths, and refusing digests that are not digests.
#include "store/artifact_store.h"

#include <fstream>

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

// What a model rewritten in place looks like: same name, other bytes (the file is
// read-only in the store, so the attacker or accident had to change its mode first).
void Rewrite(const fs::path& path, const std::string& bytes) {
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

TEST_F(StoreTest, VerifiedPathRefusesAnArtifactRewrittenOnDisk) {
  ArtifactStore artifacts(dir_, *store_);
  auto a = artifacts.PutBytes("{\"trees\": 1}", "model");
  ASSERT_TRUE(a.ok());
  auto fine = artifacts.VerifiedPathOf(a->digest);
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  Rewrite(*fine, "{\"trees\": 2}");
  auto refused = artifacts.VerifiedPathOf(a->digest);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find(a->digest), std::string::npos);
  EXPECT_NE(refused.status().message().find(fine->string()), std::string::npos);
  EXPECT_NE(refused.status().message().find(Sha256Hex("{\"trees\": 2}")), std::string::npos);
}

TEST_F(StoreTest, VerifyAllReportsAndQuarantinesOnlyChangedArtifacts) {
  ArtifactStore artifacts(dir_, *store_);
  auto good = artifacts.PutBytes("kept as it was", "model");
  auto bad = artifacts.PutBytes("original", "model");
  ASSERT_TRUE(good.ok() && bad.ok());
  const fs::path bad_path = *artifacts.PathOf(bad->digest);
  Rewrite(bad_path, "tampered");

  auto report = artifacts.VerifyAll(false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->size(), 1u);
  EXPECT_EQ((*report)[0].digest, bad->digest);
  EXPECT_EQ((*report)[0].path, bad_path.string());
  EXPECT_EQ((*report)[0].actual, Sha256Hex("tampered"));
  EXPECT_TRUE(fs::exists(bad_path));  // reported only

  auto quarantined = artifacts.VerifyAll(true);
  ASSERT_TRUE(quarantined.ok());
  ASSERT_EQ(quarantined->size(), 1u);
  EXPECT_EQ((*quarantined)[0].moved_to, (dir_ / "artifacts" / "quarantine" / bad->digest).string());
  EXPECT_FALSE(fs::exists(bad_path));
  EXPECT_EQ(*ReadFile((*quarantined)[0].moved_to), "tampered");
  EXPECT_EQ(artifacts.PathOf(bad->digest).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(artifacts.VerifiedPathOf(good->digest).ok());
  EXPECT_TRUE(artifacts.VerifyAll(false)->empty());
}

}  // namespace
}  // namespace tandem::store
