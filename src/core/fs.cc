#include "core/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace tandem {

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open '" + path.string() + "': " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return IoError("cannot read '" + path.string() + "'");
  return ss.str();
}

Status WriteFileAtomic(const fs::path& path, std::string_view content, FileSync sync) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) return IoError("cannot create folder for '" + path.string() + "': " + ec.message());
  std::string tmp = path.string() + ".tmp-XXXXXX";
  std::vector<char> buf(tmp.begin(), tmp.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0) return IoError("cannot create '" + tmp + "': " + std::strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(buf.data());
      return IoError("cannot write '" + path.string() + "': " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  if ((sync == FileSync::kFlush && ::fsync(fd) != 0) || ::close(fd) != 0) {
    ::unlink(buf.data());
    return IoError("cannot flush '" + path.string() + "': " + std::strerror(errno));
  }
  if (::rename(buf.data(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(buf.data());
    return IoError("cannot rename into '" + path.string() + "': " + std::strerror(err));
  }
  return Status::Ok();
}

Result<fs::path> PathInside(const fs::path& root, std::string_view relative, std::string_view what) {
  fs::path rel(relative);
  if (relative.empty()) return InvalidArgument(std::string(what) + ": empty path");
  if (rel.is_absolute()) {
    return InvalidArgument(std::string(what) + ": '" + std::string(relative) +
                           "' must be relative to its folder");
  }
  std::error_code ec;
  fs::path base = fs::weakly_canonical(root, ec);
  if (ec) return IoError("cannot resolve '" + root.string() + "': " + ec.message());
  fs::path full = fs::weakly_canonical(base / rel, ec);
  if (ec) return IoError("cannot resolve '" + (base / rel).string() + "': " + ec.message());
  auto [root_end, _] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  if (root_end != base.end()) {
    return InvalidArgument(std::string(what) + ": '" + std::string(relative) +
                           "' escapes its folder");
  }
  return full;
}

fs::path UniqueTempPath(std::string_view stem, std::string_view extension) {
  static std::atomic<unsigned> counter{0};
  return fs::temp_directory_path() / (std::string(stem) + "-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(counter.fetch_add(1)) + std::string(extension));
}

Result<fs::path> MakeTempDir(const fs::path& parent, std::string_view prefix) {
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return IoError("cannot create '" + parent.string() + "': " + ec.message());
  std::string tmpl = (parent / (std::string(prefix) + "XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    return IoError("cannot create a folder in '" + parent.string() + "': " + std::strerror(errno));
  }
  return fs::path(buf.data());
}

}  // namespace tandem
