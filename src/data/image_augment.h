#pragma once
// Image augmentation with OpenCV (the only data file that includes it: its headers are
// slow to compile). Every random choice comes from a generator seeded by (seed, image,
// copy), so the same inputs and seed give byte-equal outputs, and changing one option
// does not change the draws of the others.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/images.h"

namespace tandem::data {

struct AugmentOptions {
  size_t copies = 1;                // augmented copies per image
  uint64_t seed = 0;
  bool include_originals = true;    // also output each original (resized when asked)
  int width = 0, height = 0;        // output size; 0 keeps each image's own size
  double horizontal_flip = 0.5;     // probability of a left-right flip
  double vertical_flip = 0;         // probability of an up-down flip
  double max_rotation = 0;          // degrees; uniform in [-max, max], borders reflected
  double min_crop = 1;              // kept share of each side, uniform in [min, 1]; 1 = none
  double max_brightness = 0;        // added intensity, uniform in [-max, max] x 255
  double max_contrast = 0;          // gain, uniform in [1 - max, 1 + max]
};

// Copies are named "<stem>-aug<k>.png" (PNG: lossless, so bytes depend on pixels only)
// beside their original, with its label. A cropped copy is resized back to the
// original's size unless width/height are set. kInvalidArgument names an image OpenCV
// cannot decode ("image '3/0007.png': cannot decode").
Result<std::vector<Image>> AugmentImages(const std::vector<Image>& images,
                                         const AugmentOptions& options);

// An 8-bit grey PNG of width x height row-major pixels.
Result<std::string> EncodeGrayPng(int width, int height, const std::vector<uint8_t>& pixels);

struct ImageShape {
  int width = 0, height = 0, channels = 0;
};
Result<ImageShape> DecodeImageShape(const std::string& bytes);

}  // namespace tandem::data
