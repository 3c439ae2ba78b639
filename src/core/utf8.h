#pragma once
// UTF-8 validity (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
// YAML must be Unicode, and nlohmann's dump() throws on a string that is not UTF-8, so
// text from outside is checked where it enters instead of failing deep inside.
#include <cstddef>
#include <string_view>

namespace tandem {

// The offset of the first byte that does not start or continue a valid UTF-8 sequence
// (a truncated sequence at the end counts), or std::string_view::npos when all is valid.
size_t FirstInvalidUtf8(std::string_view text);

}  // namespace tandem
