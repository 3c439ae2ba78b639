#pragma once
// Non-negative integers typed by people (versions, ports, offsets): digits only, no
// sign, no spaces, bounded length so the value always fits an int.
#include <optional>
#include <string_view>

namespace tandem {

// The value of `text` when it is 1..max_digits decimal digits; nullopt otherwise.
// REQUIRES: max_digits <= 9.
std::optional<int> ParseDigits(std::string_view text, size_t max_digits);

}  // namespace tandem
