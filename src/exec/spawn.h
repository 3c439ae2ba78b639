#pragma once
// Private to exec: starting one ProcessSpec (clone with CLONE_VM | CLONE_VFORK, then exec).
#include <string>
#include <vector>

#include "core/launcher.h"
#include "core/status.h"

namespace tandem::exec {

// What the child does between its start and exec besides what the spec says.
struct SpawnOptions {
  // cgroup.procs files the child writes itself into, so it runs limited from its first
  // instruction (and so do its children).
  std::vector<std::string> cgroup_procs_files;
};

// Starts spec.argv in a new process group (its pid is the group id) and returns the pid
// once the exec has succeeded. A failure anywhere before the exec (output files, cwd, the
// program itself, joining a cgroup) comes back as an error and the child has been reaped.
// spec.limits is not looked at: the caller turns it into options and environment.
Result<int> Spawn(const ProcessSpec& spec, const SpawnOptions& options = {});

}  // namespace tandem::exec
