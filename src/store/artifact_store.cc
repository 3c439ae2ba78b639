// Content-addressed files: copy in while hashing, fsync, rename into place. The rename
// makes a file appear whole or not at all, and the same content lands on the same name,
// so storing twice (even concurrently) leaves one file.
#include "store/artifact_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include "core/sha256.h"

namespace tandem::store {
namespace {

namespace fs = std::filesystem;

std::string Errno() { return std::strerror(errno); }

bool IsDigest(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

fs::path ContentPath(const fs::path& root, const std::string& digest) {
  return root / "sha256" / digest.substr(0, 2) / digest;
}

// A put of content already stored marks the file as new again, so a sweep running with
// an older cutoff spares it until the caller has recorded its reference.
void Touch(const fs::path& path) { ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0); }

// Last modification of `path` in ms since the epoch (0 when it cannot be read).
TimeMs ModifiedMs(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<TimeMs>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
}

// fsync on the folder makes a rename into it durable.
void SyncDir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// A temp file under the artifact root that hashes what is written to it. Removed on
// destruction unless Commit() moved it into place.
class HashingTemp {
 public:
  ~HashingTemp() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }

  Status Open(const fs::path& root) {
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) return IoError("cannot create '" + root.string() + "': " + ec.message());
    std::string tmpl = (root / "tmp-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
    if (fd_ < 0) return IoError("cannot create a temp file in '" + root.string() + "': " + Errno());
    path_ = buf.data();
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
      return Internal("cannot start a SHA-256 digest");
    }
    return Status::Ok();
  }

  Status Write(const char* data, size_t n) {
    EVP_DigestUpdate(ctx_.get(), data, n);
    size_ += static_cast<int64_t>(n);
    while (n > 0) {
      ssize_t w = ::write(fd_, data, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return IoError("cannot write '" + path_ + "': " + Errno());
      }
      data += w;
      n -= static_cast<size_t>(w);
    }
    return Status::Ok();
  }

  // Flushes, names the content, and moves it to its content path under root.
  Result<std::string> Commit(const fs::path& root) {
    if (::fsync(fd_) != 0) return IoError("cannot flush '" + path_ + "': " + Errno());
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return IoError("cannot close '" + path_ + "': " + Errno());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &len);
    static const char kHex[] = "0123456789abcdef";
    std::string digest;
    for (unsigned int i = 0; i < len; ++i) {
      digest += kHex[md[i] >> 4];
      digest += kHex[md[i] & 15];
    }
    fs::path dest = ContentPath(root, digest);
    std::error_code ec;
    fs::create_directories(dest.parent_path(), ec);
    if (ec) return IoError("cannot create '" + dest.parent_path().string() + "': " + ec.message());
    if (fs::exists(dest, ec)) {  // already stored; the destructor drops ours
      Touch(dest);
      return digest;
    }
    if (::rename(path_.c_str(), dest.c_str()) != 0) {
      return IoError("cannot move artifact into '" + dest.string() + "': " + Errno());
    }
    path_.clear();
    SyncDir(dest.parent_path());
    return digest;
  }

  int64_t size() const { return size_; }

 private:
  int fd_ = -1;
  std::string path_;
  int64_t size_ = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_{EVP_MD_CTX_new(),
                                                               &EVP_MD_CTX_free};
};

}  // namespace

ArtifactStore::ArtifactStore(std::filesystem::path data_dir, Store& store)
    : root_(std::move(data_dir) / "artifacts"), store_(store) {}

Result<ArtifactRecord> ArtifactStore::PutFile(const std::filesystem::path& src,
                                              const std::string& kind, const Json& meta) {
  std::shared_lock lock(mu_);
  int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    Status st(errno == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError,
              "cannot open '" + src.string() + "': " + Errno());
    return st;
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } close_in{in};
  HashingTemp tmp;
  RETURN_IF_ERROR(tmp.Open(root_));
  std::vector<char> buf(1 << 16);
  while (true) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read '" + src.string() + "': " + Errno());
    }
    if (n == 0) break;
    RETURN_IF_ERROR(tmp.Write(buf.data(), static_cast<size_t>(n)));
  }
  ASSIGN_OR_RETURN(std::string digest, tmp.Commit(root_));
  ArtifactRecord row{digest, tmp.size(), kind, meta, 0};
  RETURN_IF_ERROR(store_.PutArtifact(row));
  return store_.GetArtifact(digest);
}

Result<ArtifactRecord> ArtifactStore::LinkFile(const std::filesystem::path& src,
                                              const std::string& kind, const Json& meta) {
  std::shared_lock lock(mu_);
  ASSIGN_OR_RETURN(std::string digest, Sha256File(src));
  std::error_code ec;
  const int64_t size = static_cast<int64_t>(fs::file_size(src, ec));
  if (ec) return IoError("cannot read '" + src.string() + "': " + ec.message());
  // The operator may not have flushed its file: the link must not publish lost bytes.
  int fd = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return IoError("cannot flush '" + src.string() + "': " + Errno());
  }
  ::close(fd);
  const fs::path dest = ContentPath(root_, digest);
  fs::create_directories(dest.parent_path(), ec);
  if (ec) return IoError("cannot create '" + dest.parent_path().string() + "': " + ec.message());
  // Read-only: the one copy now also backs every task that reads this artifact.
  ::chmod(src.c_str(), 0444);
  if (::link(src.c_str(), dest.c_str()) == 0) {
    SyncDir(dest.parent_path());
  } else if (errno == EEXIST) {
    Touch(dest);
    // Stored before (an identical output of another task): `src` becomes a second name
    // of that file, so the copy it was is freed. Best effort: a failure keeps `src`.
    const fs::path tmp = src.string() + ".link-tmp";
    fs::remove(tmp, ec);
    if (::link(dest.c_str(), tmp.c_str()) == 0 && ::rename(tmp.c_str(), src.c_str()) != 0) fs::remove(tmp, ec);
  } else if (errno == EXDEV || errno == EPERM || errno == EMLINK) {
    lock.unlock();
    return PutFile(src, kind, meta);
  } else {
    return IoError("cannot link '" + src.string() + "' into '" + dest.string() + "': " + Errno());
  }
  ArtifactRecord row{digest, size, kind, meta, 0};
  RETURN_IF_ERROR(store_.PutArtifact(row));
  return store_.GetArtifact(digest);
}

Result<ArtifactRecord> ArtifactStore::PutBytes(std::string_view bytes, const std::string& kind,
                                               const Json& meta) {
  std::shared_lock lock(mu_);
  HashingTemp tmp;
  RETURN_IF_ERROR(tmp.Open(root_));
  RETURN_IF_ERROR(tmp.Write(bytes.data(), bytes.size()));
  ASSIGN_OR_RETURN(std::string digest, tmp.Commit(root_));
  ArtifactRecord row{digest, tmp.size(), kind, meta, 0};
  RETURN_IF_ERROR(store_.PutArtifact(row));
  return store_.GetArtifact(digest);
}

Result<ArtifactStore::SweepResult> ArtifactStore::Sweep(TimeMs before_ms) {
  std::unique_lock lock(mu_);
  SweepResult result;
  std::set<std::string> rows;
  std::set<std::string> referenced;
  RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(referenced, store_.ReferencedDigests());
    ASSIGN_OR_RETURN(std::vector<ArtifactRecord> all, store_.ListArtifacts());
    std::vector<std::string> doomed;
    for (auto& a : all) {
      rows.insert(a.digest);
      if (referenced.count(a.digest) || a.created_ms >= before_ms) continue;
      const fs::path path = ContentPath(root_, a.digest);
      if (fs::exists(path) && ModifiedMs(path) >= before_ms) continue;
      doomed.push_back(a.digest);
      result.bytes += a.size;
      result.removed.push_back(std::move(a));
    }
    return store_.DeleteArtifactRows(doomed);
  }));
  std::error_code ec;
  for (const auto& a : result.removed) fs::remove(ContentPath(root_, a.digest), ec);
  // What a crash left: content files whose row was never written, and temp files.
  for (auto it = fs::recursive_directory_iterator(root_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    const bool stray_content = IsDigest(name) && !rows.count(name) && !referenced.count(name);
    const bool stray_temp = name.rfind("tmp-", 0) == 0;
    if ((stray_content || stray_temp) && ModifiedMs(p) < before_ms) {
      fs::remove(p, ec);
      ++result.stray_files;
    }
  }
  return result;
}

Result<std::filesystem::path> ArtifactStore::PathOf(const std::string& digest) const {
  if (!IsDigest(digest)) {
    return InvalidArgument("artifact digest '" + digest.substr(0, 80) +
                           "' is not 64 lowercase hex characters");
  }
  fs::path path = ContentPath(root_, digest);
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return NotFound("artifact '" + digest + "' not found");
  return path;
}

namespace {

Status DigestMismatch(const std::string& digest, const fs::path& path, const std::string& actual) {
  return FailedPrecondition("artifact " + digest + " at " + path.string() +
                            " no longer matches its digest (its content hashes to " + actual +
                            "): the file was changed on disk; refusing to use it");
}

}  // namespace

Result<std::filesystem::path> ArtifactStore::VerifiedPathOf(const std::string& digest) const {
  ASSIGN_OR_RETURN(fs::path path, PathOf(digest));
  ASSIGN_OR_RETURN(std::string actual, Sha256File(path));
  if (actual != digest) return DigestMismatch(digest, path, actual);
  return path;
}

Result<std::vector<ArtifactStore::Mismatch>> ArtifactStore::VerifyAll(bool quarantine) {
  ASSIGN_OR_RETURN(std::vector<ArtifactRecord> rows, store_.ListArtifacts());
  // Shared, as a put: a sweep does not remove files while they are hashed.
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<Mismatch> out;
  for (const ArtifactRecord& row : rows) {
    auto path = PathOf(row.digest);
    if (!path.ok()) continue;  // a missing file is the sweep's business, not a mismatch
    auto actual = Sha256File(*path);
    if (actual.ok() && *actual == row.digest) continue;
    Mismatch m{row.digest, path->string(), actual.ok() ? *actual : "", ""};
    if (quarantine) {
      const fs::path dest = root_ / "quarantine" / row.digest;
      std::error_code ec;
      fs::create_directories(dest.parent_path(), ec);
      fs::rename(*path, dest, ec);
      if (ec) return IoError("cannot quarantine '" + path->string() + "': " + ec.message());
      m.moved_to = dest.string();
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace tandem::store
