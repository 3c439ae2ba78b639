#pragma once
// The POSIX ustar format, the subset an images artifact needs: regular files only,
// written with mode 0644, uid/gid 0 and mtime 0, so equal contents give equal bytes
// (and equal digests, which the engine's cache relies on). `tar tf` lists the result.
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tandem::data {

struct TarEntry {
  std::string path;   // relative, '/'-separated; at most 255 bytes (split at a '/')
  std::string bytes;
};

// kInvalidArgument names a path that is empty, absolute, holds "..", or cannot be
// stored in a ustar header.
Result<std::string> MakeTar(const std::vector<TarEntry>& entries);
// Regular files in archive order (directories and links are skipped). kInvalidArgument
// for a truncated archive or a header whose checksum does not match, naming its offset.
Result<std::vector<TarEntry>> ReadTar(std::string_view archive);

}  // namespace tandem::data
