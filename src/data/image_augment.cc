#include "data/image_augment.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace tandem::data {
namespace {

// A uniform double in [0, 1) from the top 53 bits: the same on every platform, unlike
// std::uniform_real_distribution.
double Uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

std::string Where(const Image& image) { return "image '" + image.label + "/" + image.name + "'"; }

Result<cv::Mat> Decode(const Image& image) {
  std::vector<uchar> buffer(image.bytes.begin(), image.bytes.end());
  cv::Mat mat = buffer.empty() ? cv::Mat() : cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
  if (mat.empty()) return InvalidArgument(Where(image) + ": cannot decode");
  return mat;
}

Result<std::string> Encode(const cv::Mat& mat, const std::string& extension, const std::string& where) {
  std::vector<uchar> buffer;
  bool ok = false;
  try {
    ok = cv::imencode(extension, mat, buffer);
  } catch (const cv::Exception& e) {
    return InvalidArgument(where + ": cannot encode as " + extension + ": " + e.what());
  }
  if (!ok) return InvalidArgument(where + ": cannot encode as " + extension);
  return std::string(buffer.begin(), buffer.end());
}

cv::Mat Resized(const cv::Mat& mat, cv::Size size) {
  if (mat.size() == size) return mat;
  cv::Mat out;
  const bool shrink = size.width < mat.cols || size.height < mat.rows;
  cv::resize(mat, out, size, 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

// One augmented copy. The draws happen in a fixed order whatever the options are.
cv::Mat Augment(const cv::Mat& original, const AugmentOptions& o, std::mt19937_64& rng) {
  const double crop = o.min_crop + (1 - o.min_crop) * Uniform(rng);
  const double crop_x = Uniform(rng), crop_y = Uniform(rng);
  const double angle = (2 * Uniform(rng) - 1) * o.max_rotation;
  const bool flip_h = Uniform(rng) < o.horizontal_flip;
  const bool flip_v = Uniform(rng) < o.vertical_flip;
  const double gain = 1 + (2 * Uniform(rng) - 1) * o.max_contrast;
  const double shift = (2 * Uniform(rng) - 1) * o.max_brightness * 255;

  cv::Mat mat = original;
  if (o.min_crop < 1) {
    const int w = std::max(1, static_cast<int>(std::lround(original.cols * crop)));
    const int h = std::max(1, static_cast<int>(std::lround(original.rows * crop)));
    const int x = std::min(original.cols - w, static_cast<int>(crop_x * (original.cols - w + 1)));
    const int y = std::min(original.rows - h, static_cast<int>(crop_y * (original.rows - h + 1)));
    mat = original(cv::Rect(x, y, w, h)).clone();
  }
  if (o.max_rotation > 0) {
    cv::Point2f centre((mat.cols - 1) / 2.0f, (mat.rows - 1) / 2.0f);
    cv::Mat rotated;
    cv::warpAffine(mat, rotated, cv::getRotationMatrix2D(centre, angle, 1.0), mat.size(),
                   cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
    mat = rotated;
  }
  if (flip_h) cv::flip(mat, mat, 1);
  if (flip_v) cv::flip(mat, mat, 0);
  if (o.max_contrast > 0 || o.max_brightness > 0) mat.convertTo(mat, -1, gain, shift);
  return mat;
}

}  // namespace

Result<std::vector<Image>> AugmentImages(const std::vector<Image>& images,
                                         const AugmentOptions& options) {
  std::vector<Image> out;
  for (size_t i = 0; i < images.size(); ++i) {
    const Image& image = images[i];
    ASSIGN_OR_RETURN(cv::Mat original, Decode(image));
    const bool resize = options.width > 0 && options.height > 0;
    const cv::Size size = resize ? cv::Size(options.width, options.height) : original.size();
    const std::filesystem::path name(image.name);
    if (options.include_originals) {
      Image copy = image;
      if (resize) {
        ASSIGN_OR_RETURN(copy.bytes, Encode(Resized(original, size), name.extension().string(), Where(image)));
      }
      out.push_back(std::move(copy));
    }
    for (size_t k = 0; k < options.copies; ++k) {
      std::seed_seq seq{static_cast<uint32_t>(options.seed), static_cast<uint32_t>(options.seed >> 32),
                        static_cast<uint32_t>(i), static_cast<uint32_t>(k)};
      std::mt19937_64 rng(seq);
      cv::Mat augmented = Resized(Augment(original, options, rng), size);
      Image copy{name.stem().string() + "-aug" + std::to_string(k) + ".png", image.label, ""};
      ASSIGN_OR_RETURN(copy.bytes, Encode(augmented, ".png", Where(copy)));
      out.push_back(std::move(copy));
    }
  }
  return out;
}

Result<std::string> EncodeGrayPng(int width, int height, const std::vector<uint8_t>& pixels) {
  if (width <= 0 || height <= 0 || pixels.size() != static_cast<size_t>(width) * height) {
    return InvalidArgument("png: expected " + std::to_string(width) + "x" + std::to_string(height) +
                           " pixels, got " + std::to_string(pixels.size()));
  }
  cv::Mat mat(height, width, CV_8UC1, const_cast<uint8_t*>(pixels.data()));
  return Encode(mat, ".png", "png");
}

Result<ImageShape> DecodeImageShape(const std::string& bytes) {
  ASSIGN_OR_RETURN(cv::Mat mat, Decode(Image{"bytes", "-", bytes}));
  return ImageShape{mat.cols, mat.rows, mat.channels()};
}

}  // namespace tandem::data
