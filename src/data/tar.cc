#include "data/tar.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace tandem::data {
namespace {

constexpr size_t kBlock = 512;

// Header fields: offset and length (POSIX.1-1988 ustar).
constexpr size_t kName = 0, kNameLen = 100, kMode = 100, kUid = 108, kGid = 116, kSize = 124,
                 kMtime = 136, kChecksum = 148, kType = 156, kMagic = 257, kVersion = 263,
                 kPrefix = 345, kPrefixLen = 155;

// width - 1 octal digits and a NUL, as GNU tar writes them. REQUIRES: value fits.
void PutOctal(char* field, size_t width, unsigned long long value) {
  char text[32];
  std::snprintf(text, sizeof text, "%0*llo", static_cast<int>(width - 1), value);
  std::memcpy(field, text, width);
}

unsigned long long ReadOctal(const char* field, size_t width) {
  unsigned long long v = 0;
  for (size_t i = 0; i < width && field[i] >= '0' && field[i] <= '7'; ++i) v = v * 8 + (field[i] - '0');
  return v;
}

unsigned Checksum(const char* header) {
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_field = i >= kChecksum && i < kChecksum + 8;
    sum += in_field ? ' ' : static_cast<unsigned char>(header[i]);
  }
  return sum;
}

Status CheckPath(const std::string& path) {
  if (path.empty() || path[0] == '/' || path.find("..") != std::string::npos ||
      path.find('\0') != std::string::npos) {
    return InvalidArgument("tar entry '" + path + "': expected a relative path without '..'");
  }
  return Status::Ok();
}

// Splits a long path into ustar's prefix (up to 155 bytes) and name (up to 100).
Result<std::pair<std::string, std::string>> SplitPath(const std::string& path) {
  if (path.size() <= kNameLen) return std::pair<std::string, std::string>{"", path};
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    if (slash <= kPrefixLen && path.size() - slash - 1 <= kNameLen) {
      return std::pair{path.substr(0, slash), path.substr(slash + 1)};
    }
  }
  return InvalidArgument("tar entry '" + path + "': too long for a ustar header");
}

// A pax extended header: records "<length> <key>=<value>\n". Its path names the next
// entry; a size or GNU sparse map would change how the entry's data is read, so those
// are refused rather than misread.
Status ReadPaxHeader(std::string_view records, const std::string& where, std::string* path) {
  while (!records.empty()) {
    size_t space = records.find(' ');
    size_t length = 0;
    for (size_t i = 0; i < space && i < records.size(); ++i) {
      if (records[i] < '0' || records[i] > '9') return InvalidArgument("tar: bad pax header" + where);
      length = length * 10 + static_cast<size_t>(records[i] - '0');
      if (length > records.size()) return InvalidArgument("tar: bad pax header" + where);
    }
    if (space == std::string_view::npos || length <= space + 1 || records[length - 1] != '\n') {
      return InvalidArgument("tar: bad pax header" + where);
    }
    std::string_view record = records.substr(space + 1, length - space - 2);
    records.remove_prefix(length);
    size_t eq = record.find('=');
    if (eq == std::string_view::npos) return InvalidArgument("tar: bad pax header" + where);
    std::string_view key = record.substr(0, eq);
    if (key == "path") {
      path->assign(record.substr(eq + 1));
    } else if (key == "size" || key.substr(0, 10) == "GNU.sparse") {
      return InvalidArgument("tar: pax header" + where + " sets '" + std::string(key) +
                             "' (not supported)");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> MakeTar(const std::vector<TarEntry>& entries) {
  std::string out;
  for (const TarEntry& e : entries) {
    RETURN_IF_ERROR(CheckPath(e.path));
    ASSIGN_OR_RETURN(auto parts, SplitPath(e.path));
    char header[kBlock] = {};
    std::memcpy(header + kName, parts.second.data(), parts.second.size());
    std::memcpy(header + kPrefix, parts.first.data(), parts.first.size());
    PutOctal(header + kMode, 8, 0644);
    PutOctal(header + kUid, 8, 0);
    PutOctal(header + kGid, 8, 0);
    PutOctal(header + kSize, 12, e.bytes.size());
    PutOctal(header + kMtime, 12, 0);
    header[kType] = '0';
    std::memcpy(header + kMagic, "ustar", 6);
    std::memcpy(header + kVersion, "00", 2);
    PutOctal(header + kChecksum, 7, Checksum(header));
    header[kChecksum + 7] = ' ';
    out.append(header, kBlock);
    out.append(e.bytes);
    out.append((kBlock - e.bytes.size() % kBlock) % kBlock, '\0');
  }
  out.append(2 * kBlock, '\0');  // end-of-archive marker
  return out;
}

Result<std::vector<TarEntry>> ReadTar(std::string_view archive, const TarLimits& limits) {
  std::vector<TarEntry> out;
  unsigned long long total = 0;
  std::string next_path;  // from a GNU long name or a pax header, for the next entry
  for (size_t at = 0; at + kBlock <= archive.size();) {
    const char* header = archive.data() + at;
    if (std::all_of(header, header + kBlock, [](char c) { return c == '\0'; })) return out;
    const std::string where = " at offset " + std::to_string(at);
    if (ReadOctal(header + kChecksum, 8) != Checksum(header)) {
      return InvalidArgument("tar: bad header checksum" + where);
    }
    if (static_cast<unsigned char>(header[kSize]) & 0x80) {
      return InvalidArgument("tar: a size in GNU base-256 (a file over 8 GiB)" + where);
    }
    // The claimed size is only compared with what the archive holds, never allocated.
    const size_t size = ReadOctal(header + kSize, 12);
    const size_t data = at + kBlock;
    if (size > archive.size() - data) {
      return InvalidArgument("tar: entry" + where + " is truncated");
    }
    const std::string_view bytes = archive.substr(data, size);
    const char type = header[kType];
    if (type == '0' || type == '\0' || type == '7') {
      std::string name(header + kName, strnlen(header + kName, kNameLen));
      std::string prefix(header + kPrefix, strnlen(header + kPrefix, kPrefixLen));
      std::string path = !next_path.empty() ? std::move(next_path)
                         : prefix.empty()   ? name
                                            : prefix + "/" + name;
      next_path.clear();
      if (out.size() == limits.max_entries) {
        return InvalidArgument("tar: more than " + std::to_string(limits.max_entries) +
                               " files (the limit)" + where);
      }
      total += size;
      if (total > limits.max_total_bytes) {
        return InvalidArgument("tar: files of more than " + std::to_string(limits.max_total_bytes) +
                               " bytes together (the limit)" + where);
      }
      out.push_back({std::move(path), std::string(bytes)});
    } else if (type == 'L') {
      next_path.assign(bytes.data(), strnlen(bytes.data(), bytes.size()));
    } else if (type == 'x') {
      RETURN_IF_ERROR(ReadPaxHeader(bytes, where, &next_path));
    } else if (type == 'S') {
      return InvalidArgument("tar: a GNU sparse file" + where + " (not supported)");
    } else if (std::strchr("123456gK", type) == nullptr) {
      return InvalidArgument("tar: unsupported entry type '" + std::string(1, type) + "'" + where);
    } else if (type >= '1' && type <= '6') {
      next_path.clear();  // a long name of a skipped entry is not the next file's
    }
    // Links, devices, folders, FIFOs, global pax headers, long link names: skipped.
    at = data + (size + kBlock - 1) / kBlock * kBlock;
  }
  return InvalidArgument("tar: archive ends without its end-of-archive marker");
}

}  // namespace tandem::data
