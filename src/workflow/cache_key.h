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

// sha256 hex of the canonical JSON (keys sorted) of:
//   operator: "name@version"; digest: the operator's digest (its definition and code);
//   params: `params` as the task receives them (pipeline params substituted, the
//     schema's defaults filled, so a default left out and given explicitly are equal);
//   inputs: per port, everything of its InputArtifact that reaches the operator except
//     the path (which follows from the digest): digest, type and meta. A table's meta
//     carries its schema and label; the dataset input's carries the dataset's name,
//     version, id and schema, so relabelling or a new version is a new key.
std::string CacheKey(const operators::OperatorDef& def, const Json& params,
                     const std::map<std::string, operators::InputArtifact>& inputs);

}  // namespace tandem::workflow
