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

Result<std::vector<TarEntry>> ReadTar(std::string_view archive) {
  std::vector<TarEntry> out;
  for (size_t at = 0; at + kBlock <= archive.size();) {
    const char* header = archive.data() + at;
    if (std::all_of(header, header + kBlock, [](char c) { return c == '\0'; })) return out;
    if (ReadOctal(header + kChecksum, 8) != Checksum(header)) {
      return InvalidArgument("tar: bad header checksum at offset " + std::to_string(at));
    }
    const size_t size = ReadOctal(header + kSize, 12);
    const size_t data = at + kBlock;
    if (data + size > archive.size()) {
      return InvalidArgument("tar: entry at offset " + std::to_string(at) + " is truncated");
    }
    if (header[kType] == '0' || header[kType] == '\0') {
      std::string name(header + kName, strnlen(header + kName, kNameLen));
      std::string prefix(header + kPrefix, strnlen(header + kPrefix, kPrefixLen));
      out.push_back({prefix.empty() ? name : prefix + "/" + name, std::string(archive.substr(data, size))});
    }
    at = data + (size + kBlock - 1) / kBlock * kBlock;
  }
  return InvalidArgument("tar: archive ends without its end-of-archive marker");
}

}  // namespace tandem::data
