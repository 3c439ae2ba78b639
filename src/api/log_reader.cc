#include "api/log_reader.h"

#include <algorithm>
#include <fstream>

namespace tandem::api {
namespace {

// How many bytes at the end of `s` start a UTF-8 sequence that does not end in `s`.
size_t IncompleteUtf8Tail(const std::string& s) {
  size_t n = s.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    unsigned char c = static_cast<unsigned char>(s[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: look further back
    size_t need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

}  // namespace

Result<LogChunk> ReadLogChunk(const std::filesystem::path& path, uint64_t offset, uint64_t max) {
  LogChunk chunk;
  chunk.next_offset = offset;
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return chunk;  // missing: nothing yet
  chunk.file_size = size;
  if (size <= offset || max == 0) return chunk;
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open log file '" + path.string() + "'");
  uint64_t want = std::min<uint64_t>(size - offset, max);
  chunk.data.resize(want);
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(chunk.data.data(), static_cast<std::streamsize>(want));
  if (in.bad()) return IoError("cannot read log file '" + path.string() + "'");
  chunk.data.erase(std::min(chunk.data.size(), static_cast<size_t>(in.gcount())));
  size_t tail = IncompleteUtf8Tail(chunk.data);
  if (tail < chunk.data.size()) chunk.data.erase(chunk.data.size() - tail);
  chunk.next_offset = offset + chunk.data.size();
  return chunk;
}

}  // namespace tandem::api
