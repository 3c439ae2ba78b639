#pragma once
// Private to exec: where this process's own cgroups are, so that jobs can be placed
// below them. Parsers take the text of /proc/self/mountinfo and /proc/self/cgroup, so
// every layout (v1, v2, hybrid, containers with their own cgroup root) is unit tested.
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tandem::exec {

enum class CgroupVersion { kV1, kV2 };

// This process's cgroup folders for the controllers jobs are limited with. "" where the
// controller is not available. On v2 both name the same folder.
struct CgroupLayout {
  CgroupVersion version = CgroupVersion::kV1;
  std::string cpu_dir;
  std::string memory_dir;
  // The mount points: limits of the folders above ours apply too, up to these.
  std::string cpu_mount;
  std::string memory_mount;
};

// One cgroup or cgroup2 line of /proc/self/mountinfo.
struct CgroupMount {
  bool v2 = false;
  std::string root;                      // the hierarchy's folder mounted there
  std::string mount_point;
  std::vector<std::string> controllers;  // v1: from the super options; v2: empty
};

std::vector<CgroupMount> ParseCgroupMounts(std::string_view mountinfo);

// The path of this process in the hierarchy that carries `controller` ("" = the v2
// line "0::/path"), from /proc/self/cgroup. NotFound when no line names it.
Result<std::string> ProcCgroupPath(std::string_view proc_self_cgroup,
                                   std::string_view controller);

// The layout from the two /proc texts. v2 is used when its mount offers the memory
// controller (`v2_controllers` is the text of our v2 folder's cgroup.controllers, ""
// when there is no v2 mount); otherwise the v1 cpu and memory hierarchies. Unavailable,
// with the reason, when neither gives a memory or cpu folder we can name.
Result<CgroupLayout> ResolveCgroupLayout(std::string_view mountinfo,
                                         std::string_view proc_self_cgroup,
                                         std::string_view v2_controllers);

// The same from this process's /proc files.
Result<CgroupLayout> FindOwnCgroups();

}  // namespace tandem::exec
