// Archives from outside: data::ReadTar (an images artifact) and
// operators::UnpackArchive (an operator's code upload, through libarchive) into a
// temporary folder. What ReadTar reads and MakeTar can write must read back the same.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "data/tar.h"
#include "operators/code_archive.h"

namespace {

// A folder of this process's own, removed when it exits.
const std::string& TempRoot() {
  static const std::string root = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "fuzz_tar.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) abort();
    return pattern;
  }();
  static const int registered = std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(TempRoot(), ignored);
  });
  (void)registered;
  return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& root = TempRoot();
  std::string archive(reinterpret_cast<const char*>(data), size);

  auto entries = tandem::data::ReadTar(archive);
  if (entries.ok()) {
    auto written = tandem::data::MakeTar(*entries);
    if (written.ok()) {
      auto back = tandem::data::ReadTar(*written);
      if (!back.ok() || back->size() != entries->size()) abort();
      for (size_t i = 0; i < back->size(); ++i) {
        if ((*back)[i].path != (*entries)[i].path || (*back)[i].bytes != (*entries)[i].bytes) abort();
      }
    }
  }

  // Small limits: a compressed input may claim far more than it holds.
  const std::string dest = root + "/out";
  (void)tandem::operators::UnpackArchive(archive, dest, {.max_entries = 200, .max_total_bytes = 8 << 20});
  std::error_code ignored;
  std::filesystem::permissions(dest, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::add, ignored);
  std::filesystem::remove_all(dest, ignored);
  return 0;
}
