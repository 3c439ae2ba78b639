#pragma once
// An operator's code folder as one artifact: a tar archive with entries sorted by path
// and every timestamp, owner and mode bit that varies between machines zeroed, so the
// same files always give the same bytes — and the same sha256, which is the operator
// version's digest (part of every cache key: new code, no stale cache hits).
#include <string>

#include "core/status.h"

namespace tandem::operators {

// Packs the regular files under `dir` (recursively; __pycache__ folders and *.pyc
// skipped). Refuses symlinks and special files, naming them. Executable bits are kept.
Result<std::string> PackDirectory(const std::string& dir);

// Unpacks `archive` into `dest` (created). Refuses entries with absolute paths or ".."
// and anything but regular files and folders.
Status UnpackArchive(const std::string& archive, const std::string& dest);

}  // namespace tandem::operators
