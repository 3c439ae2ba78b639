#pragma once
// Durations as pipelines write them: "<digits><unit>", unit ms | s | m | h ("30s",
// "500ms", "2m"). A bare integer means seconds.
#include <cstdint>
#include <optional>
#include <string>

#include "core/json.h"

namespace tandem::workflow {

// Milliseconds, or nullopt when `value` is not a duration (negative, no unit, other text).
std::optional<int64_t> ParseDurationMs(const Json& value);

// The shortest exact text for `ms`: 30000 -> "30s", 1500 -> "1500ms", 120000 -> "2m".
std::string FormatDuration(int64_t ms);

}  // namespace tandem::workflow
