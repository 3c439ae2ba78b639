#include "operators/code_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/fs.h"

namespace tandem::operators {
namespace {

namespace fs = std::filesystem;

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

la_ssize_t AppendToString(archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

Status ArchiveError(archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  return Internal(what + ": " + (msg ? msg : "libarchive error"));
}

bool Skipped(const fs::path& rel) {
  for (const auto& part : rel) {
    if (part == "__pycache__") return true;
  }
  return rel.extension() == ".pyc";
}

}  // namespace

Result<std::string> PackDirectory(const std::string& dir) {
  std::error_code ec;
  const fs::path root = fs::canonical(dir, ec);
  if (ec) return NotFound("cannot read folder '" + dir + "': " + ec.message());
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it); it.increment(ec)) {
    const fs::path rel = fs::relative(it->path(), root);
    if (Skipped(rel)) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink()) return InvalidArgument(rel.string() + ": symbolic links are not packed; copy the file instead");
    if (it->is_directory()) continue;
    if (!it->is_regular_file()) return InvalidArgument(rel.string() + ": not a regular file");
    files.push_back(rel);
  }
  if (ec) return IoError("cannot list '" + dir + "': " + ec.message());
  std::sort(files.begin(), files.end());

  std::string out;
  ArchivePtr a(archive_write_new());
  archive_write_set_format_pax_restricted(a.get());
  archive_write_set_bytes_in_last_block(a.get(), 1);  // no padding to 10 KiB
  if (archive_write_open(a.get(), &out, nullptr, AppendToString, nullptr) != ARCHIVE_OK) {
    return ArchiveError(a.get(), "packing '" + dir + "'");
  }
  for (const auto& rel : files) {
    ASSIGN_OR_RETURN(std::string bytes, ReadFile((root / rel).string()));
    const bool executable = (fs::status(root / rel, ec).permissions() & fs::perms::owner_exec) != fs::perms::none;
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), rel.generic_string().c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), executable ? 0755 : 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_mtime(entry.get(), 0, 0);
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK ||
        archive_write_data(a.get(), bytes.data(), bytes.size()) < 0) {
      return ArchiveError(a.get(), "packing " + rel.string());
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return ArchiveError(a.get(), "packing '" + dir + "'");
  return out;
}

Status UnpackArchive(const std::string& bytes, const std::string& dest, const UnpackLimits& limits) {
  size_t entries = 0;
  uint64_t unpacked = 0;
  std::error_code ec;
  fs::create_directories(dest, ec);
  if (ec) return IoError("cannot create '" + dest + "': " + ec.message());
  ArchivePtr a(archive_read_new());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return ArchiveError(a.get(), "reading operator archive");
  }
  archive_entry* entry = nullptr;
  int r;
  while ((r = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(entry);
    ASSIGN_OR_RETURN(fs::path target, PathInside(dest, name, "archive entry"));
    if (archive_entry_filetype(entry) == AE_IFDIR) {
      fs::create_directories(target, ec);
      continue;
    }
    if (archive_entry_filetype(entry) != AE_IFREG) {
      return InvalidArgument("archive entry " + name + ": not a regular file");
    }
    if (archive_entry_sparse_count(entry) > 0) {
      return InvalidArgument("archive entry " + name + ": sparse files are not accepted");
    }
    if (++entries > limits.max_entries) {
      return InvalidArgument("operator archive: more than " + std::to_string(limits.max_entries) +
                             " entries (limit max_entries)");
    }
    fs::create_directories(target.parent_path(), ec);
    // Copied as it is read, never sized from the header's claim: a 5 KB archive may
    // claim a 3 GiB file, and only what is really read counts against the limit.
    const fs::path part = target.string() + ".part";
    std::FILE* out = std::fopen(part.c_str(), "wb");
    if (!out) return IoError("cannot write '" + part.string() + "'");
    char buffer[64 * 1024];
    Status copied = Status::Ok();
    for (;;) {
      la_ssize_t n = archive_read_data(a.get(), buffer, sizeof buffer);
      if (n == 0) break;
      if (n < 0) {
        copied = ArchiveError(a.get(), "reading " + name);
        break;
      }
      unpacked += static_cast<uint64_t>(n);
      if (unpacked > limits.max_total_bytes) {
        copied = InvalidArgument("operator archive: unpacks to more than " +
                                 std::to_string(limits.max_total_bytes >> 20) + " MiB (limit max_total_bytes)");
        break;
      }
      if (std::fwrite(buffer, 1, static_cast<size_t>(n), out) != static_cast<size_t>(n)) {
        copied = IoError("cannot write '" + part.string() + "'");
        break;
      }
    }
    if (std::fclose(out) != 0 && copied.ok()) copied = IoError("cannot write '" + part.string() + "'");
    if (copied.ok()) fs::rename(part, target, ec);
    if (!copied.ok() || ec) {
      fs::remove(part, ec);
      return copied.ok() ? IoError("cannot write '" + target.string() + "'") : copied;
    }
    fs::permissions(target, static_cast<fs::perms>(archive_entry_perm(entry) & 0755), ec);
  }
  if (r != ARCHIVE_EOF) return ArchiveError(a.get(), "reading operator archive");
  return Status::Ok();
}

}  // namespace tandem::operators
