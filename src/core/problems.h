#pragma once
// Validation that reports every problem at once joins them into one message.
#include <string>
#include <vector>

namespace tandem {

// "a; b; c" ("" for none).
std::string JoinProblems(const std::vector<std::string>& problems);

}  // namespace tandem
