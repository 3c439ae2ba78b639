#pragma once
// The images artifact: what flows on an `images` port. One file (the task contract
// stores one file per port), an uncompressed ustar archive (data/tar.h):
//   manifest.csv              header "path,label", one row per image, in archive order
//   images/<label>/<name>     the image files as encoded (PNG, JPEG, BMP, ...)
// Its artifact meta: {"format": "image-archive", "images": 1797,
//                     "classes": ["0", "1", ...], "counts": {"0": 178, ...}}.
// Images are kept in (label, name) order, so equal inputs give byte-equal archives.
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "data/tar.h"

namespace tandem::data {

struct Image {
  std::string name;    // file name, unique within its label ("3-0007.png")
  std::string label;   // class: the sub-folder it came from
  std::string bytes;   // the encoded file
};

inline constexpr const char* kImageArchiveFormat = "image-archive";

// The files with an image extension (.png .jpg .jpeg .bmp .pgm .ppm .pbm .tif .tiff
// .webp, any case) in each sub-folder of `root`, the sub-folder's name as label.
// Files directly in root and other files are ignored. kInvalidArgument when root is not
// a folder or holds no image; kIoError for a file that cannot be read. More images or
// bytes than the limits of an archive (data/tar.h TarLimits) are refused, counted on
// what is read, naming the file where the limit was passed.
Result<std::vector<Image>> ReadImageFolder(const std::string& root, const TarLimits& limits = {});

// Sorts by (label, name) and writes the archive atomically. kInvalidArgument names an
// image whose label or name is empty, holds '/' or "..", or is a duplicate.
Status WriteImageArchive(std::vector<Image> images, const std::string& path);
// kInvalidArgument when the file is not an images archive, naming what is wrong, or is
// over `limits` (an archive file larger than limits.max_total_bytes is refused before
// it is read).
Result<std::vector<Image>> ReadImageArchive(const std::string& path, const TarLimits& limits = {});

// The meta above for these images.
Json ImageArchiveMeta(const std::vector<Image>& images);

}  // namespace tandem::data
