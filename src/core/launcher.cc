#include "core/launcher.h"

namespace tandem {

namespace {

// "64 MiB" for whole mebibytes, else "1000000 bytes": limits are usually set in MiB.
std::string FormatLimit(uint64_t bytes) {
  constexpr uint64_t kMiB = 1024 * 1024;
  if (bytes != 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

std::string ExitInfo::Describe() const {
  if (out_of_memory) return "out of memory (limit " + FormatLimit(memory_limit_bytes) + ")";
  if (signaled) return "killed by signal " + std::to_string(signal);
  return "exit code " + std::to_string(code);
}

}  // namespace tandem
