#include "data/images.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "core/fs.h"
#include "data/image_augment.h"
#include "data/tar.h"

namespace tandem::data {
namespace {

// A w x h grey gradient with a bright square at (x, y): asymmetric, so flips show.
std::string TestPng(int w, int h, int x, int y) {
  std::vector<uint8_t> pixels(static_cast<size_t>(w) * h);
  for (int r = 0; r < h; ++r) {
    for (int c = 0; c < w; ++c) pixels[r * w + c] = static_cast<uint8_t>((r * 7 + c * 3) % 200);
  }
  pixels[y * w + x] = 255;
  auto png = EncodeGrayPng(w, h, pixels);
  EXPECT_TRUE(png.ok()) << png.status().ToString();
  return png.ok() ? *png : "";
}

class ImagesTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = *MakeTempDir(fs::temp_directory_path(), "tandem-images-"); }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(ImagesTest, TarRoundTripsAndIsReadByTar) {
  std::string long_dir(120, 'd');
  auto tar = MakeTar({{"a.txt", "hello"}, {long_dir + "/b.bin", std::string(700, '\1')}});
  ASSERT_TRUE(tar.ok()) << tar.status().ToString();
  EXPECT_EQ(tar->size() % 512, 0u);
  auto back = ReadTar(*tar);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].bytes, "hello");
  EXPECT_EQ((*back)[1].path, long_dir + "/b.bin");
  EXPECT_EQ((*back)[1].bytes, std::string(700, '\1'));
  const fs::path file = root_ / "x.tar";
  ASSERT_TRUE(WriteFileAtomic(file, *tar).ok());
  FILE* p = popen(("tar -tf " + file.string() + " 2>&1").c_str(), "r");
  ASSERT_NE(p, nullptr);
  char line[512];
  std::string listing;
  while (fgets(line, sizeof line, p)) listing += line;
  pclose(p);
  EXPECT_EQ(listing, "a.txt\n" + long_dir + "/b.bin\n");
  EXPECT_EQ(MakeTar({{"../evil", "x"}}).status().message(),
            "tar entry '../evil': expected a relative path without '..'");
  std::string corrupt = *tar;
  corrupt[3] ^= 1;
  EXPECT_EQ(ReadTar(corrupt).status().message(), "tar: bad header checksum at offset 0");
}

TEST_F(ImagesTest, FolderToArchiveAndBack) {
  fs::create_directories(root_ / "in/cat");
  fs::create_directories(root_ / "in/dog");
  ASSERT_TRUE(WriteFileAtomic(root_ / "in/dog/b.PNG", TestPng(4, 3, 0, 0)).ok());
  ASSERT_TRUE(WriteFileAtomic(root_ / "in/cat/a.png", TestPng(4, 3, 1, 1)).ok());
  ASSERT_TRUE(WriteFileAtomic(root_ / "in/cat/notes.txt", "not an image").ok());
  auto images = ReadImageFolder((root_ / "in").string());
  ASSERT_TRUE(images.ok()) << images.status().ToString();
  ASSERT_EQ(images->size(), 2u);
  const std::string archive = (root_ / "images.tar").string();
  ASSERT_TRUE(WriteImageArchive(*images, archive).ok());
  auto back = ReadImageArchive(archive);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].label, "cat");
  EXPECT_EQ((*back)[0].name, "a.png");
  EXPECT_EQ((*back)[1].label, "dog");
  EXPECT_EQ((*back)[1].bytes, TestPng(4, 3, 0, 0));
  EXPECT_EQ(ImageArchiveMeta(*back),
            Json::parse(R"({"format":"image-archive","images":2,"classes":["cat","dog"],
                            "counts":{"cat":1,"dog":1}})"));
  EXPECT_FALSE(ReadImageFolder((root_ / "in/cat").string()).ok());  // no class folders
}

TEST_F(ImagesTest, FoldersAndArchivesOverTheLimitsAreRefused) {
  fs::create_directories(root_ / "in/cat");
  for (const char* name : {"a.png", "b.png", "c.png"}) {
    ASSERT_TRUE(WriteFileAtomic(root_ / "in/cat" / name, TestPng(4, 3, 1, 1)).ok());
  }
  TarLimits two;
  two.max_entries = 2;
  auto many = ReadImageFolder((root_ / "in").string(), two);
  ASSERT_FALSE(many.ok());
  EXPECT_NE(many.status().message().find("more than 2 images (the limit)"), std::string::npos)
      << many.status().message();
  TarLimits small;
  small.max_total_bytes = 10;
  auto big = ReadImageFolder((root_ / "in").string(), small);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("images of more than 10 bytes together (the limit)"),
            std::string::npos);

  auto images = ReadImageFolder((root_ / "in").string());
  ASSERT_TRUE(images.ok());
  const std::string archive = (root_ / "images.tar").string();
  ASSERT_TRUE(WriteImageArchive(*images, archive).ok());
  EXPECT_NE(ReadImageArchive(archive, small).status().message().find("bytes is over the limit of 10"),
            std::string::npos);
  // The manifest counts as a file of the archive.
  EXPECT_EQ(ReadImageArchive(archive, two).status().message(),
            archive + ": tar: more than 2 files (the limit) at offset 2048");
}

TEST_F(ImagesTest, AugmentIsDeterministicForASeed) {
  std::vector<Image> images = {{"a.png", "0", TestPng(8, 8, 1, 2)}, {"b.png", "1", TestPng(8, 8, 6, 5)}};
  AugmentOptions o;
  o.copies = 3;
  o.seed = 42;
  o.max_rotation = 15;
  o.min_crop = 0.75;
  o.max_brightness = 0.1;
  o.max_contrast = 0.2;
  auto first = AugmentImages(images, o);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 8u);  // 2 originals + 2 x 3 copies
  EXPECT_EQ((*first)[0].bytes, images[0].bytes);
  EXPECT_EQ((*first)[1].name, "a-aug0.png");
  EXPECT_EQ((*first)[7].name, "b-aug2.png");
  EXPECT_EQ((*first)[7].label, "1");
  auto again = AugmentImages(images, o);
  o.seed = 43;
  auto other = AugmentImages(images, o);
  size_t differing = 0;
  for (size_t i = 0; i < first->size(); ++i) {
    EXPECT_EQ((*first)[i].bytes, (*again)[i].bytes) << i;
    differing += (*first)[i].bytes != (*other)[i].bytes;
    auto shape = DecodeImageShape((*first)[i].bytes);
    ASSERT_TRUE(shape.ok());
    EXPECT_EQ(shape->width, 8);  // crops are resized back
    EXPECT_EQ(shape->channels, 1);
  }
  EXPECT_EQ(differing, 6u);  // every copy, no original

  o.width = 16, o.height = 12, o.include_originals = false, o.copies = 1;
  auto resized = AugmentImages(images, o);
  ASSERT_TRUE(resized.ok());
  ASSERT_EQ(resized->size(), 2u);
  EXPECT_EQ(DecodeImageShape((*resized)[0].bytes)->height, 12);
  EXPECT_EQ(AugmentImages({{"x.png", "0", "garbage"}}, o).status().message(),
            "image '0/x.png': cannot decode");
}

}  // namespace
}  // namespace tandem::data
