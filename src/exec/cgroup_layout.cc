#include "exec/cgroup_layout.h"

#include <sstream>

#include "core/fs.h"

namespace tandem::exec {
namespace {

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// mountinfo writes space, tab, newline and backslash in paths as \ooo octal.
std::string Unescape(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      std::string_view oct = field.substr(i + 1, 3);
      if (oct.find_first_not_of("01234567") == std::string_view::npos) {
        out += static_cast<char>((oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

// The folder of `path` (a path inside the hierarchy) where the hierarchy's `root` is
// mounted at `mount_point`. A container may see only part of the hierarchy: a path
// outside the mounted part has no folder here.
Result<std::string> FolderOf(const CgroupMount& mount, const std::string& path) {
  if (mount.root == "/") return path == "/" ? mount.mount_point : mount.mount_point + path;
  if (path == mount.root) return mount.mount_point;
  if (path.starts_with(mount.root + "/")) return mount.mount_point + path.substr(mount.root.size());
  return Unavailable("cgroup '" + path + "' is outside the part mounted at " + mount.mount_point);
}

bool Offers(const CgroupMount& mount, std::string_view controller) {
  for (const std::string& c : mount.controllers) {
    if (c == controller) return true;
  }
  return false;
}

bool ListsWord(std::string_view text, std::string_view word) {
  std::istringstream in{std::string(text)};
  std::string token;
  while (in >> token) {
    if (token == word) return true;
  }
  return false;
}

// The v1 folder of `controller`, or "" (with the mount) when it is not mounted.
Result<std::pair<std::string, std::string>> V1Folder(const std::vector<CgroupMount>& mounts,
                                                     std::string_view proc_self_cgroup,
                                                     std::string_view controller) {
  for (const CgroupMount& m : mounts) {
    if (m.v2 || !Offers(m, controller)) continue;
    ASSIGN_OR_RETURN(std::string path, ProcCgroupPath(proc_self_cgroup, controller));
    ASSIGN_OR_RETURN(std::string dir, FolderOf(m, path));
    return std::make_pair(dir, m.mount_point);
  }
  return std::make_pair(std::string(), std::string());
}

}  // namespace

std::vector<CgroupMount> ParseCgroupMounts(std::string_view mountinfo) {
  std::vector<CgroupMount> out;
  for (const std::string& line : Split(mountinfo, '\n')) {
    // id parent major:minor root mount_point options [optional...] - fstype source super
    std::vector<std::string> fields = Split(line, ' ');
    size_t dash = 0;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (dash < 5 || dash + 1 >= fields.size()) continue;
    const std::string& fstype = fields[dash + 1];
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    CgroupMount mount;
    mount.v2 = fstype == "cgroup2";
    mount.root = Unescape(fields[3]);
    mount.mount_point = Unescape(fields[4]);
    if (!mount.v2 && dash + 3 < fields.size()) {
      for (const std::string& option : Split(fields[dash + 3], ',')) {
        if (option != "rw" && option != "ro" && option.find('=') == std::string::npos) {
          mount.controllers.push_back(option);
        }
      }
    }
    out.push_back(std::move(mount));
  }
  return out;
}

Result<std::string> ProcCgroupPath(std::string_view proc_self_cgroup,
                                   std::string_view controller) {
  for (const std::string& line : Split(proc_self_cgroup, '\n')) {
    // hierarchy-id:controller,controller:path (the path may itself contain ':')
    size_t first = line.find(':');
    if (first == std::string::npos) continue;
    size_t second = line.find(':', first + 1);
    if (second == std::string::npos) continue;
    std::string list = line.substr(first + 1, second - first - 1);
    bool match = false;
    if (controller.empty()) {
      match = line.substr(0, first) == "0" && list.empty();
    } else {
      for (const std::string& c : Split(list, ',')) match = match || c == controller;
    }
    if (match) return line.substr(second + 1);
  }
  return NotFound("/proc/self/cgroup has no line for " +
                  (controller.empty() ? std::string("cgroup v2") : std::string(controller)));
}

Result<CgroupLayout> ResolveCgroupLayout(std::string_view mountinfo,
                                         std::string_view proc_self_cgroup,
                                         std::string_view v2_controllers) {
  std::vector<CgroupMount> mounts = ParseCgroupMounts(mountinfo);
  CgroupLayout layout;
  for (const CgroupMount& m : mounts) {
    if (!m.v2 || !ListsWord(v2_controllers, "memory")) continue;
    ASSIGN_OR_RETURN(std::string path, ProcCgroupPath(proc_self_cgroup, ""));
    ASSIGN_OR_RETURN(std::string dir, FolderOf(m, path));
    layout.version = CgroupVersion::kV2;
    layout.memory_dir = dir;
    layout.memory_mount = m.mount_point;
    if (ListsWord(v2_controllers, "cpu")) {
      layout.cpu_dir = dir;
      layout.cpu_mount = m.mount_point;
    }
    return layout;
  }
  ASSIGN_OR_RETURN(auto cpu, V1Folder(mounts, proc_self_cgroup, "cpu"));
  ASSIGN_OR_RETURN(auto memory, V1Folder(mounts, proc_self_cgroup, "memory"));
  if (cpu.first.empty() && memory.first.empty()) {
    return Unavailable("no cgroup hierarchy offers the cpu or memory controller");
  }
  layout.version = CgroupVersion::kV1;
  layout.cpu_dir = cpu.first;
  layout.cpu_mount = cpu.second;
  layout.memory_dir = memory.first;
  layout.memory_mount = memory.second;
  return layout;
}

Result<CgroupLayout> FindOwnCgroups() {
  ASSIGN_OR_RETURN(std::string mountinfo, ReadFile("/proc/self/mountinfo"));
  ASSIGN_OR_RETURN(std::string own, ReadFile("/proc/self/cgroup"));
  // The v2 controllers are those of our own v2 folder: they are what we may enable below.
  std::string v2_controllers;
  for (const CgroupMount& m : ParseCgroupMounts(mountinfo)) {
    if (!m.v2) continue;
    auto path = ProcCgroupPath(own, "");
    if (!path.ok()) break;
    auto dir = FolderOf(m, *path);
    if (!dir.ok()) break;
    auto text = ReadFile(*dir + "/cgroup.controllers");
    if (text.ok()) v2_controllers = *text;
    break;
  }
  return ResolveCgroupLayout(mountinfo, own, v2_controllers);
}

}  // namespace tandem::exec
