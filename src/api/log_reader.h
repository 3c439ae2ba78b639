#pragma once
// Reading a task attempt's log files in byte ranges, for the logs endpoints: a client
// asks from an offset and continues from the returned next_offset.
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/status.h"

namespace tandem::api {

struct LogChunk {
  std::string data;          // bytes [offset, next_offset) of the file
  uint64_t next_offset = 0;  // where the next read continues
  uint64_t file_size = 0;    // the file's size when read (0 when missing)
};

// The most one read (and so one response) hands over.
inline constexpr uint64_t kMaxLogChunk = 1 << 20;

// Reads up to `max` bytes of `path` from `offset`. A missing file, or an offset at or
// past its end, is no data with next_offset = offset (the file may still grow). When the
// chunk ends inside a UTF-8 sequence, that incomplete tail is left for the next read.
// kIoError names the file when it exists but cannot be read.
Result<LogChunk> ReadLogChunk(const std::filesystem::path& path, uint64_t offset,
                              uint64_t max = kMaxLogChunk);

}  // namespace tandem::api
