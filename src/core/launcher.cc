#include "core/launcher.h"

namespace tandem {

std::string ExitInfo::Describe() const {
  if (signaled) return "killed by signal " + std::to_string(signal);
  return "exit code " + std::to_string(code);
}

}  // namespace tandem
