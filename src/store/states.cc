// Which run/task states are final: the one definition the store and engines share.
#include "store/states.h"

#include "store/records.h"

namespace tandem::store {

const std::array<const char*, 5>& TerminalStates() {
  static const std::array<const char*, 5> kTerminal = {
      state::kSucceeded, state::kFailed, state::kCancelled, state::kCached, "skipped"};
  return kTerminal;
}

namespace state {
bool IsTerminal(const std::string& s) {
  for (const char* t : TerminalStates()) {
    if (s == t) return true;
  }
  return false;
}
}  // namespace state

}  // namespace tandem::store
