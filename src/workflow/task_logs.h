#pragma once
// Reading a task's logs while it runs: progress lines from stdout, and the last stderr
// line that explains a failure.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace tandem::workflow {

// Follows a growing log file: each Follow() hands over the complete lines appended
// since the last call. Reads at most kMaxChunk bytes per call so a chatty task never
// stalls the engine loop; the rest comes on the next call. A missing file is no lines.
class LogFollower {
 public:
  static constexpr size_t kMaxChunk = 1 << 20;
  static constexpr size_t kMaxLine = 64 << 10;  // longer unfinished lines are dropped

  void Follow(const std::filesystem::path& path,
              const std::function<void(const std::string& line)>& on_line);

 private:
  uint64_t offset_ = 0;
  std::string partial_;
};

// The last line of the file with something other than whitespace in it (from its last
// 64 KiB), without the newline; "" when there is none or the file is missing.
std::string LastNonEmptyLine(const std::filesystem::path& path);

}  // namespace tandem::workflow
