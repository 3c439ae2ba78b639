#pragma once
// An operator's code folder as one artifact: a tar archive with entries sorted by path
// and every timestamp, owner and mode bit that varies between machines zeroed, so the
// same files always give the same bytes — and the same sha256, which is the operator
// version's digest (part of every cache key: new code, no stale cache hits).
#include <cstdint>
#include <string>

#include "core/status.h"

namespace tandem::operators {

// Packs the regular files under `dir` (recursively; __pycache__ folders and *.pyc
// skipped). Refuses symlinks and special files, naming them. Executable bits are kept.
Result<std::string> PackDirectory(const std::string& dir);

// What an archive may unpack to. The bytes count what is actually read, not what the
// headers claim.
struct UnpackLimits {
  size_t max_entries = 10'000;
  uint64_t max_total_bytes = uint64_t{1} << 30;  // 1 GiB
};

// Unpacks `archive` into `dest` (created). Refuses entries with absolute paths or "..",
// anything but regular files and folders, sparse entries, and archives past `limits`
// (kInvalidArgument naming the limit; what was written of the entry at fault is removed).
Status UnpackArchive(const std::string& archive, const std::string& dest,
                     const UnpackLimits& limits = {});

}  // namespace tandem::operators
