#pragma once
// Private to exec: fork/exec of one ProcessSpec.
#include "core/launcher.h"
#include "core/status.h"

namespace tandem::exec {

// Starts spec.argv in a new process group (its pid is the group id) and returns the pid
// once the exec has succeeded. A failure anywhere before the exec (output files, cwd, the
// program itself) comes back as an error and the child has been reaped.
Result<int> Spawn(const ProcessSpec& spec);

}  // namespace tandem::exec
