#pragma once
// Private to the store: the terminal states as a list, so SQL can bind them instead of
// repeating them (state::IsTerminal in records.h reads the same list).
#include <array>

namespace tandem::store {

// succeeded, failed, cancelled, cached, skipped.
const std::array<const char*, 5>& TerminalStates();

}  // namespace tandem::store
