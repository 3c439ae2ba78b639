#pragma once
// File helpers that never write outside the folder they are given and never leave a
// half-written file behind.
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tandem {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const fs::path& path);
// Whether WriteFileAtomic waits for the disk. Any finished write survives the writer's
// kill -9 (the data is in the page cache); kFlush also survives a power cut.
enum class FileSync { kFlush, kPageCacheOnly };

// Writes to "path.tmp-XXXX", fsyncs (kFlush), then renames over `path`: readers see the
// old content or the new, never a part. Creates parent folders.
Status WriteFileAtomic(const fs::path& path, std::string_view content,
                       FileSync sync = FileSync::kFlush);

// root / relative, refusing any result outside root (absolute paths, "..", symlinks
// that lead out). `what` names the field for the error message.
Result<fs::path> PathInside(const fs::path& root, std::string_view relative,
                            std::string_view what = "path");

// A path in the system temp folder no other process or call gets:
// "<tmp>/<stem>-<pid>-<n><extension>". Nothing is created. Tests run in parallel use it.
fs::path UniqueTempPath(std::string_view stem, std::string_view extension = "");

// A fresh, empty folder under `parent` named "<prefix>XXXXXX".
Result<fs::path> MakeTempDir(const fs::path& parent, std::string_view prefix);

}  // namespace tandem
