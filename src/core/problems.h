#pragma once
// Validation that reports every problem at once joins them into one message.
#include <string>
#include <vector>

namespace tandem {

// "a; b; c" ("" for none).
std::string JoinProblems(const std::vector<std::string>& problems);
// The problems of a joined message, for showing one a line: {message} unless every
// "; "-separated part reads "where: what" (prose with a semicolon stays whole).
std::vector<std::string> SplitProblems(const std::string& message);

}  // namespace tandem
