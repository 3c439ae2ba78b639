#include "core/problems.h"

namespace tandem {

std::string JoinProblems(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p;
  return out;
}

std::vector<std::string> SplitProblems(const std::string& message) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t at; (at = message.find("; ", start)) != std::string::npos; start = at + 2) {
    out.push_back(message.substr(start, at - start));
  }
  out.push_back(message.substr(start));
  // A lone message may hold "; " in its prose: only "where: what" parts are problems.
  for (const auto& p : out) {
    if (p.find(": ") == std::string::npos) return {message};
  }
  return out;
}

}  // namespace tandem
