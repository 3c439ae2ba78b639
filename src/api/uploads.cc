#include "api/uploads.h"

#include <filesystem>

namespace tandem::api {

std::string UploadDir(const Config& config) {
  return (std::filesystem::path(config.data_dir) / "uploads").string();
}

Status RemoveStaleUploads(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) return IoError("cannot clear upload dir '" + dir + "': " + ec.message());
  return Status::Ok();
}

}  // namespace tandem::api
