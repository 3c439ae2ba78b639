#pragma once
// When a task may reuse an earlier task's outputs instead of running, and under which key.
//
// Rationale: a task is a function of its operator (definition and code), its resolved
// params and its input artifacts. When all three match an earlier task that succeeded,
// running it again would produce the same outputs. Operators with side effects break
// that assumption: a registration must happen every time it is asked for.
#include <map>
#include <string>

#include "operators/catalog.h"
#include "operators/task_contract.h"

namespace tandem::workflow {

// False for operators whose work is a side effect rather than outputs (no output ports,
// category "deploy", or named register-model) and for operators without a digest (their
// code cannot be told apart from another version's). Such tasks always run.
bool OperatorIsCacheable(const operators::OperatorDef& def);

// sha256 hex of: operator name@version and digest, the canonical JSON of `params` (keys
// sorted), and each input port with its artifact digest, ports sorted.
std::string CacheKey(const operators::OperatorDef& def, const Json& params,
                     const std::map<std::string, operators::InputArtifact>& inputs);

}  // namespace tandem::workflow
