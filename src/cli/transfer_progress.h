#pragma once
// Progress of an upload or a download on stderr: a line redrawn every few percent when
// stderr is a terminal, nothing in between otherwise, and one final line either way.
#include <chrono>
#include <cstdint>
#include <string>

#include "http/http.h"

namespace tandem::cli {

class TransferProgress {
 public:
  // `verb` and `what` make the lines: "uploading breast.csv: 42% (105.3 of 251.0 MB)".
  TransferProgress(std::string verb, std::string what);
  // The callback to give the http client. REQUIRES: this object outlives the call.
  http::ProgressFn Callback();
  // Ends the line: "<done_verb> <what>: 251.0 MB in 2.1 s (119.5 MB/s)".
  void Finish(const std::string& done_verb);

 private:
  void Update(uint64_t done, uint64_t total);

  std::string verb_, what_;
  bool terminal_;
  int last_percent_ = -1;
  bool drawn_ = false;
  uint64_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
};

// "251.0 MB", "12.3 KB", "17 B" (powers of 1000).
std::string FormatBytes(uint64_t bytes);

}  // namespace tandem::cli
