#pragma once
// Content-addressed artifacts on the local file system:
//   <data_dir>/artifacts/sha256/<first 2 hex>/<full hex>
// with a metadata row per artifact in the Store. Files are immutable once stored.
// Thread-safe: puts run side by side; Sweep excludes them while it runs, so a put never
// finds a file that a sweep is about to remove.
#include <filesystem>
#include <shared_mutex>
#include <string>
#include <vector>
#include <string_view>

#include "core/json.h"
#include "core/status.h"
#include "store/records.h"
#include "store/store.h"

namespace tandem::store {

class ArtifactStore {
 public:
  // `root` is the data dir; `store` must outlive this object.
  ArtifactStore(std::filesystem::path data_dir, Store& store);

  // Copies the file in (hashing as it goes), records the row, returns it. Storing the
  // same content twice is cheap and returns the same digest.
  Result<ArtifactRecord> PutFile(const std::filesystem::path& src, const std::string& kind,
                                 const Json& meta = Json::object());
  // As PutFile, but `src` itself becomes the artifact: hashed, flushed, made read-only
  // and hard-linked into place, so no second copy of the bytes is made and `src` stays
  // where it was (a crash before its caller records the digest loses nothing; linking
  // again finds the same name). REQUIRES: nothing writes `src` any more. Falls back to
  // a copy when `src` is on another file system or the file system has no hard links.
  Result<ArtifactRecord> LinkFile(const std::filesystem::path& src, const std::string& kind,
                                  const Json& meta = Json::object());
  Result<ArtifactRecord> PutBytes(std::string_view bytes, const std::string& kind,
                                  const Json& meta = Json::object());
  struct SweepResult {
    std::vector<ArtifactRecord> removed;  // rows and files removed
    int64_t bytes = 0;                    // their sizes
    int stray_files = 0;                  // files without a row (a crash mid-put), removed
  };
  // Mark and sweep: in one store transaction, every artifact that no row references
  // (Store::ReferencedDigests) and that was neither created nor stored again (a put of
  // content already there touches its file) at or after `before_ms` loses its row; then
  // its file is removed. Files under sha256/ with no row and leftover temp files older
  // than `before_ms` go too. Nothing referenced is ever removed.
  Result<SweepResult> Sweep(TimeMs before_ms);

  // Where the content of `digest` lives. kNotFound when absent; kInvalidArgument when
  // `digest` is not 64 hex characters (it never becomes a path otherwise).
  Result<std::filesystem::path> PathOf(const std::string& digest) const;
  // As PathOf, after re-hashing the file: kFailedPrecondition naming the digest and the
  // path when its content no longer hashes to `digest` (rewritten on disk). Called
  // where an artifact becomes a served or exported model, just before it is read.
  Result<std::filesystem::path> VerifiedPathOf(const std::string& digest) const;

  // An artifact whose file no longer matches its digest.
  struct Mismatch {
    std::string digest;
    std::string path;     // where it was found
    std::string actual;   // what the content hashes to ("" when it could not be read)
    std::string moved_to; // with quarantine: where the file went
  };
  // Re-hashes every artifact with a row (`tandem gc --verify`). With `quarantine`, each
  // mismatching file is moved to <data_dir>/artifacts/quarantine/<digest> (so nothing
  // serves or exports it; PathOf then says kNotFound) and kept there for inspection.
  Result<std::vector<Mismatch>> VerifyAll(bool quarantine);

 private:
  std::filesystem::path root_;  // <data_dir>/artifacts
  Store& store_;
  std::shared_mutex mu_;        // shared: puts; exclusive: Sweep
};

}  // namespace tandem::store
