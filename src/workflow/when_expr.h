#pragma once
// A node's `when:` condition: "<node>.metrics.<name> <op> <number>", op one of
// >= > <= < == !=. The left side reads the upstream task's outputs["_metrics"][name].
#include <optional>
#include <string>

#include "core/json.h"
#include "core/status.h"

namespace tandem::workflow {

struct WhenExpr {
  std::string node;
  std::string metric;
  std::string op;
  double value = 0;
};

// kInvalidArgument with what is wrong (no path; the caller adds it).
Result<WhenExpr> ParseWhen(const std::string& text);

// True when the condition holds for `outputs` (a TaskRecord::outputs). A missing or
// non-numeric metric makes the condition false.
bool EvaluateWhen(const WhenExpr& when, const Json& outputs);

}  // namespace tandem::workflow
