#include "data/images.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "core/fs.h"
#include "data/csv.h"
#include "data/tar.h"

namespace tandem::data {
namespace {

constexpr const char* kManifest = "manifest.csv";

bool HasImageExtension(const fs::path& file) {
  static const std::set<std::string> kExtensions = {".png", ".jpg", ".jpeg", ".bmp", ".pgm",
                                                    ".ppm", ".pbm", ".tif", ".tiff", ".webp"};
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return kExtensions.count(ext) > 0;
}

Status CheckPart(const std::string& part, const std::string& what) {
  if (part.empty() || part.find('/') != std::string::npos || part == "." || part == "..") {
    return InvalidArgument("image " + what + " '" + part + "': expected a plain file or folder name");
  }
  return Status::Ok();
}

std::string ArchivePath(const Image& image) { return "images/" + image.label + "/" + image.name; }

}  // namespace

Result<std::vector<Image>> ReadImageFolder(const std::string& root, const TarLimits& limits) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return InvalidArgument("'" + root + "' is not a folder");
  std::vector<Image> images;
  unsigned long long total = 0;
  for (const auto& class_dir : fs::directory_iterator(root, ec)) {
    if (!class_dir.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(class_dir.path(), ec)) {
      if (!file.is_regular_file() || !HasImageExtension(file.path())) continue;
      if (images.size() == limits.max_entries) {
        return InvalidArgument("'" + root + "': more than " + std::to_string(limits.max_entries) +
                               " images (the limit), at '" + file.path().string() + "'");
      }
      // The size on disk is a hint that spares reading a file that cannot fit; what was
      // read is what counts (a file may grow meanwhile).
      std::error_code size_ec;
      const unsigned long long on_disk = file.file_size(size_ec);
      auto over = [&]() {
        return InvalidArgument("'" + root + "': images of more than " +
                               std::to_string(limits.max_total_bytes) +
                               " bytes together (the limit), at '" + file.path().string() + "'");
      };
      if (!size_ec && total + on_disk > limits.max_total_bytes) return over();
      auto bytes = ReadFile(file.path());
      if (!bytes.ok()) return IoError(bytes.status().message());
      total += bytes->size();
      if (total > limits.max_total_bytes) return over();
      images.push_back({file.path().filename().string(), class_dir.path().filename().string(),
                        std::move(bytes).value()});
    }
  }
  if (ec) return IoError("cannot list '" + root + "': " + ec.message());
  if (images.empty()) {
    return InvalidArgument("'" + root + "' holds no images in class sub-folders (<root>/<class>/<image>)");
  }
  return images;
}

Status WriteImageArchive(std::vector<Image> images, const std::string& path) {
  std::sort(images.begin(), images.end(), [](const Image& a, const Image& b) {
    return std::tie(a.label, a.name) < std::tie(b.label, b.name);
  });
  std::vector<std::string> paths, labels;
  std::vector<TarEntry> entries(1);  // the manifest goes first
  for (size_t i = 0; i < images.size(); ++i) {
    RETURN_IF_ERROR(CheckPart(images[i].label, "label"));
    RETURN_IF_ERROR(CheckPart(images[i].name, "name"));
    if (i > 0 && images[i].label == images[i - 1].label && images[i].name == images[i - 1].name) {
      return InvalidArgument("image '" + ArchivePath(images[i]) + "' appears twice");
    }
    paths.push_back(ArchivePath(images[i]));
    labels.push_back(images[i].label);
    entries.push_back({paths.back(), std::move(images[i].bytes)});
  }
  Table manifest;
  manifest.rows = paths.size();
  manifest.columns = {Column::Strings("path", paths), Column::Strings("label", labels)};
  entries[0] = {kManifest, FormatCsv(manifest)};
  ASSIGN_OR_RETURN(std::string archive, MakeTar(entries));
  return WriteFileAtomic(path, archive);
}

Result<std::vector<Image>> ReadImageArchive(const std::string& path, const TarLimits& limits) {
  std::error_code ec;
  const auto on_disk = fs::file_size(path, ec);
  if (!ec && on_disk > limits.max_total_bytes) {
    return InvalidArgument(path + ": an images archive of " + std::to_string(on_disk) +
                           " bytes is over the limit of " + std::to_string(limits.max_total_bytes));
  }
  ASSIGN_OR_RETURN(std::string archive, ReadFile(path));
  auto entries = ReadTar(archive, limits);
  if (!entries.ok()) return entries.status().WithContext(path);
  if (entries->empty() || (*entries)[0].path != kManifest) {
    return InvalidArgument(path + ": not an images archive (its first entry is not manifest.csv)");
  }
  ASSIGN_OR_RETURN(Table manifest, ReadCsvText((*entries)[0].bytes, {"csv"}));
  ASSIGN_OR_RETURN(const Column* paths, manifest.Get("path", path + ": manifest.csv"));
  ASSIGN_OR_RETURN(const Column* labels, manifest.Get("label", path + ": manifest.csv"));
  std::map<std::string, std::string*> files;
  for (auto& e : *entries) files[e.path] = &e.bytes;
  std::vector<Image> images;
  for (size_t r = 0; r < manifest.rows; ++r) {
    const std::string file = paths->Text(r);
    auto it = files.find(file);
    if (it == files.end()) {
      return InvalidArgument(path + ": manifest.csv row " + std::to_string(r + 1) + " names '" + file +
                             "', which the archive lacks");
    }
    images.push_back({fs::path(file).filename().string(), labels->Text(r), std::move(*it->second)});
  }
  return images;
}

Json ImageArchiveMeta(const std::vector<Image>& images) {
  std::map<std::string, size_t> counts;
  for (const Image& image : images) ++counts[image.label];
  Json classes = Json::array();
  for (const auto& [label, n] : counts) classes.push_back(label);
  return {{"format", kImageArchiveFormat}, {"images", images.size()}, {"classes", classes},
          {"counts", counts}};
}

}  // namespace tandem::data
