#include "exec/device_probe.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <sstream>

#include "core/fs.h"
#include "core/log.h"
#include "exec/cgroup_layout.h"

namespace tandem::exec {
namespace {

std::optional<int64_t> ParseInt(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string Read(const std::string& path) {
  auto text = ReadFile(path);
  return text.ok() ? *text : std::string();
}

// Our folder and each above it, up to the mount point: every level's limit applies.
std::vector<std::string> FoldersUp(const std::string& dir, const std::string& mount) {
  std::vector<std::string> out;
  if (dir.empty()) return out;
  std::filesystem::path p(dir);
  while (true) {
    out.push_back(p.string());
    if (p.string().size() <= mount.size() || !p.has_parent_path()) break;
    p = p.parent_path();
  }
  return out;
}

std::optional<double> CgroupCpuCap(const CgroupLayout& layout) {
  std::optional<double> cap;
  for (const std::string& dir : FoldersUp(layout.cpu_dir, layout.cpu_mount)) {
    std::optional<double> here =
        layout.version == CgroupVersion::kV1
            ? CpuQuotaV1(Read(dir + "/cpu.cfs_quota_us"), Read(dir + "/cpu.cfs_period_us"))
            : CpuMaxV2(Read(dir + "/cpu.max"));
    if (here && (!cap || *here < *cap)) cap = here;
  }
  return cap;
}

std::optional<uint64_t> CgroupMemoryCap(const CgroupLayout& layout) {
  const char* file =
      layout.version == CgroupVersion::kV1 ? "/memory.limit_in_bytes" : "/memory.max";
  std::optional<uint64_t> cap;
  for (const std::string& dir : FoldersUp(layout.memory_dir, layout.memory_mount)) {
    std::optional<uint64_t> here = MemoryLimit(Read(dir + file));
    if (here && (!cap || *here < *cap)) cap = here;
  }
  return cap;
}

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

}  // namespace

int CountCpus(std::string_view cpuinfo) {
  std::istringstream in{std::string(cpuinfo)};
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    // "processor\t: 3"; other keys merely start with it on some architectures.
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    key.erase(key.find_last_not_of(" \t") + 1);
    if (key == "processor") ++count;
  }
  return count;
}

Result<uint64_t> MemTotalMiB(std::string_view meminfo) {
  std::istringstream in{std::string(meminfo)};
  std::string key, unit;
  uint64_t value = 0;
  while (in >> key >> value) {
    std::getline(in, unit);
    if (key == "MemTotal:") return value / 1024;  // kB
  }
  return NotFound("/proc/meminfo: no MemTotal line");
}

std::optional<double> CpuQuotaV1(std::string_view quota_us, std::string_view period_us) {
  auto quota = ParseInt(quota_us);
  auto period = ParseInt(period_us);
  if (!quota || !period || *quota <= 0 || *period <= 0) return std::nullopt;
  return static_cast<double>(*quota) / static_cast<double>(*period);
}

std::optional<double> CpuMaxV2(std::string_view cpu_max) {
  size_t space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  return CpuQuotaV1(cpu_max.substr(0, space), cpu_max.substr(space + 1));
}

std::optional<uint64_t> MemoryLimit(std::string_view text) {
  auto value = ParseInt(text);
  if (!value || *value <= 0) return std::nullopt;  // "max", empty, unreadable
  return static_cast<uint64_t>(*value);
}

NodeDevices ProbeDevices(const ProbeOptions& options) {
  NodeDevices node;
  node.node_name = HostName();
  node.cpus = CountCpus(Read("/proc/cpuinfo"));
  if (node.cpus == 0) node.cpus = static_cast<double>(::sysconf(_SC_NPROCESSORS_ONLN));
  auto mem = MemTotalMiB(Read("/proc/meminfo"));
  if (mem.ok()) {
    node.memory_mib = *mem;
  } else {
    spdlog::warn("device probe: {}", mem.status().message());
  }
  if (auto layout = FindOwnCgroups(); layout.ok()) {
    if (auto cap = CgroupCpuCap(*layout)) node.cpus = std::min(node.cpus, *cap);
    if (auto cap = CgroupMemoryCap(*layout)) {
      node.memory_mib = std::min<uint64_t>(node.memory_mib, *cap / (1024 * 1024));
    }
  }
  auto gpus = ProbeNvmlGpus(options.nvml_library);
  if (gpus.ok()) {
    node.gpus = std::move(*gpus);
  } else {
    spdlog::warn("device probe: no GPUs: {}", gpus.status().message());
  }
  return node;
}

}  // namespace tandem::exec
