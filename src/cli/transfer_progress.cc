#include "cli/transfer_progress.h"

#include <unistd.h>

#include <cstdio>

namespace tandem::cli {
namespace {

constexpr int kStepPercent = 5;

}  // namespace

std::string FormatBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1000 && unit < 4) {
    value /= 1000;
    ++unit;
  }
  char buf[32];
  if (unit == 0) {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
  }
  return buf;
}

TransferProgress::TransferProgress(std::string verb, std::string what)
    : verb_(std::move(verb)),
      what_(std::move(what)),
      terminal_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}

http::ProgressFn TransferProgress::Callback() {
  return [this](uint64_t done, uint64_t total) { Update(done, total); };
}

void TransferProgress::Update(uint64_t done, uint64_t total) {
  done_ = done;
  if (!terminal_) return;
  if (total == 0) return;  // unknown length: only the final line
  int percent = static_cast<int>(done * 100 / total);
  if (last_percent_ >= 0 && percent < last_percent_ + kStepPercent && done < total) return;
  last_percent_ = percent;
  std::fprintf(stderr, "\r%s %s: %3d%% (%s of %s)%s", verb_.c_str(), what_.c_str(), percent,
               FormatBytes(done).c_str(), FormatBytes(total).c_str(),
               done == total ? ", waiting for the server" : "");
  std::fflush(stderr);
  drawn_ = true;
}

void TransferProgress::Finish(const std::string& done_verb) {
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string rate = seconds > 0 ? FormatBytes(static_cast<uint64_t>(done_ / seconds)) + "/s" : "-";
  // \33[K clears what the longer progress line left on the right.
  std::fprintf(stderr, "%s%s %s: %s in %.1f s (%s)\n", drawn_ ? "\r\33[K" : "",
               done_verb.c_str(), what_.c_str(), FormatBytes(done_).c_str(), seconds,
               rate.c_str());
}

}  // namespace tandem::cli
