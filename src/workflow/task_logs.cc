#include "workflow/task_logs.h"

#include <fstream>
#include <vector>

namespace tandem::workflow {

void LogFollower::Follow(const std::filesystem::path& path,
                         const std::function<void(const std::string& line)>& on_line) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  in.seekg(0, std::ios::end);
  auto size = static_cast<uint64_t>(in.tellg());
  if (size < offset_) {  // truncated or replaced: start over
    offset_ = 0;
    partial_.clear();
  }
  if (size == offset_) return;
  size_t want = static_cast<size_t>(std::min<uint64_t>(size - offset_, kMaxChunk));
  std::vector<char> buf(want);
  in.seekg(static_cast<std::streamoff>(offset_));
  in.read(buf.data(), static_cast<std::streamsize>(want));
  size_t got = static_cast<size_t>(in.gcount());
  offset_ += got;
  for (size_t i = 0; i < got; ++i) {
    char c = buf[i];
    if (c == '\n') {
      if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
      on_line(partial_);
      partial_.clear();
    } else if (partial_.size() < kMaxLine) {
      partial_.push_back(c);
    }
  }
}

std::string LastNonEmptyLine(const std::filesystem::path& path) {
  constexpr uint64_t kTail = 64 << 10;
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  auto size = static_cast<uint64_t>(in.tellg());
  uint64_t start = size > kTail ? size - kTail : 0;
  std::string text(static_cast<size_t>(size - start), '\0');
  in.seekg(static_cast<std::streamoff>(start));
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  size_t end = text.size();
  while (end > 0) {
    size_t begin = text.rfind('\n', end - 1);
    begin = begin == std::string::npos ? 0 : begin + 1;
    std::string line = text.substr(begin, end - begin);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    if (line.find_first_not_of(" \t") != std::string::npos) return line;
    if (begin == 0) break;
    end = begin - 1;
  }
  return "";
}

}  // namespace tandem::workflow
