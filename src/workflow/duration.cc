#include "workflow/duration.h"

#include <cctype>

namespace tandem::workflow {

std::optional<int64_t> ParseDurationMs(const Json& value) {
  if (value.is_number_integer()) {
    int64_t s = value.get<int64_t>();
    if (s < 0) return std::nullopt;
    return s * 1000;
  }
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 12) return std::nullopt;
  const int64_t n = std::stoll(text.substr(0, i));
  const std::string unit = text.substr(i);
  if (unit == "ms") return n;
  if (unit == "s") return n * 1000;
  if (unit == "m") return n * 60 * 1000;
  if (unit == "h") return n * 3600 * 1000;
  return std::nullopt;
}

std::string FormatDuration(int64_t ms) {
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace tandem::workflow
