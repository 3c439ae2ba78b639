#pragma once
// Logging: spdlog, one process-wide logger. Levels: trace debug info warn error.
#include <string>

#include <spdlog/spdlog.h>

namespace tandem {

// Sets the level ("info" when unknown) and a compact pattern. Safe to call twice.
void InitLogging(const std::string& level);

}  // namespace tandem
