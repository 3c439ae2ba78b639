// image-folder-import and image-augment on scikit-learn's 8x8 digits, written as PNG
// files in one folder per class by the test.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "core/fs.h"
#include "data/image_augment.h"
#include "data/images.h"
#include "operators/builtin/task_harness.h"

namespace tandem::operators {
namespace {

const std::string kDigits = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

class ImageOperatorsTest : public TaskHarness {
 protected:
  // The first `n` digits as <root>/digits/<class>/<row>.png (grey 0..16 scaled to 0..255).
  std::string WriteDigits(size_t n) {
    const fs::path folder = root_ / "digits";
    FILE* pipe = popen(("gzip -dc " + kDigits).c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    std::string text;
    char buffer[1 << 16];
    for (size_t got; pipe && (got = fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, got);
    if (pipe) pclose(pipe);
    std::istringstream lines(text);
    std::string line;
    for (size_t row = 0; row < n && std::getline(lines, line); ++row) {
      std::vector<uint8_t> pixels;
      std::istringstream fields(line);
      std::string field;
      while (std::getline(fields, field, ',')) pixels.push_back(static_cast<uint8_t>(std::stoi(field) * 255 / 16));
      EXPECT_EQ(pixels.size(), 65u);
      const std::string label = std::to_string(std::stoi(field));  // the last field
      pixels.pop_back();
      auto png = data::EncodeGrayPng(8, 8, pixels);
      EXPECT_TRUE(png.ok());
      char name[16];
      std::snprintf(name, sizeof name, "%04zu.png", row);
      EXPECT_TRUE(WriteFileAtomic(folder / label / name, *png).ok());
    }
    return folder.string();
  }

  TaskRun Augment(const InputArtifact& images, int seed) {
    TaskRun run = Run("image-augment", {{"copies", 3}, {"seed", seed}, {"max_rotation", 20}},
                      {{"images", images}}, {{"images", "images"}});
    EXPECT_EQ(run.code, 0) << run.err;
    return run;
  }
};

TEST_F(ImageOperatorsTest, DigitsImportedAndAugmentedDeterministically) {
  TaskRun import = Run("image-folder-import", {{"path", WriteDigits(40)}}, {}, {{"images", "images"}});
  ASSERT_EQ(import.code, 0) << import.err;
  const Json& meta = import.outputs.outputs["images"].meta;
  EXPECT_EQ(meta["format"], "image-archive");
  EXPECT_EQ(meta["images"], 40);
  EXPECT_EQ(meta["classes"].size(), 10u);
  const InputArtifact images = Artifact(import, "images", "images");

  TaskRun a = Augment(images, 5), b = Augment(images, 5), c = Augment(images, 6);
  EXPECT_EQ(a.outputs.metrics, Json::parse(R"({"images_in":40,"images_out":160})"));
  const std::string bytes_a = *ReadFile(Artifact(a, "images", "images").path);
  EXPECT_EQ(bytes_a, *ReadFile(Artifact(b, "images", "images").path));  // same seed, same bytes
  EXPECT_NE(bytes_a, *ReadFile(Artifact(c, "images", "images").path));

  auto out = data::ReadImageArchive(Artifact(a, "images", "images").path);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->size(), 160u);
  EXPECT_EQ(data::ImageArchiveMeta(*out)["counts"], a.outputs.outputs["images"].meta["counts"]);
  size_t copies = 0;
  for (const auto& image : *out) {
    auto shape = data::DecodeImageShape(image.bytes);
    ASSERT_TRUE(shape.ok()) << image.name;
    EXPECT_EQ(shape->width, 8);
    EXPECT_EQ(shape->height, 8);
    copies += image.name.find("-aug") != std::string::npos;
  }
  EXPECT_EQ(copies, 120u);

  TaskRun resized = Run("image-augment", {{"copies", 1}, {"width", 16}, {"height", 16}},
                        {{"images", images}}, {{"images", "images"}});
  ASSERT_EQ(resized.code, 0) << resized.err;
  auto big = data::ReadImageArchive(Artifact(resized, "images", "images").path);
  EXPECT_EQ(data::DecodeImageShape((*big)[0].bytes)->width, 16);

  TaskRun half = Run("image-augment", {{"width", 16}}, {{"images", images}}, {{"images", "images"}});
  EXPECT_EQ(half.code, 2);
  EXPECT_NE(half.err.find("params.width: set width and height together"), std::string::npos) << half.err;
  TaskRun empty = Run("image-folder-import", {{"path", root_.string() + "/nothing"}}, {}, {{"images", "images"}});
  EXPECT_EQ(empty.code, 2);
  EXPECT_NE(empty.err.find("params.path"), std::string::npos) << empty.err;
}

}  // namespace
}  // namespace tandem::operators
