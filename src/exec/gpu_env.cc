#include "exec/gpu_env.h"

#include <set>

namespace tandem::exec {
namespace {

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

// percent/100 as a short decimal without going through floating point: 50 -> "0.5",
// 5 -> "0.05", 100 -> "1".
std::string Fraction(int percent) {
  if (percent >= 100) return "1";
  std::string digits = std::to_string(100 + percent).substr(1);  // "05", "50"
  if (digits.back() == '0') digits.pop_back();
  return "0." + digits;
}

Status Validate(const ResourceLimits& limits) {
  std::set<int> seen;
  for (int device : limits.gpu_devices) {
    if (device < 0) {
      return InvalidArgument("limits.gpu_devices: " + std::to_string(device) +
                             " is not a device index");
    }
    if (!seen.insert(device).second) {
      return InvalidArgument("limits.gpu_devices: device " + std::to_string(device) +
                             " is listed twice");
    }
  }
  if (limits.gpu_compute_percent < 0 || limits.gpu_compute_percent > 100) {
    return InvalidArgument("limits.gpu_compute_percent: " +
                           std::to_string(limits.gpu_compute_percent) + " is not in 0..100");
  }
  bool slice = (limits.gpu_compute_percent > 0 && limits.gpu_compute_percent < 100) ||
               limits.gpu_memory_mib > 0;
  if (slice && limits.gpu_devices.empty()) {
    return InvalidArgument("limits.gpu_devices: a GPU slice needs a device");
  }
  return Status::Ok();
}

}  // namespace

Result<std::map<std::string, std::string>> GpuEnvironment(const ResourceLimits& limits) {
  RETURN_IF_ERROR(Validate(limits));
  std::map<std::string, std::string> env;
  std::vector<std::string> visible;
  for (int device : limits.gpu_devices) visible.push_back(std::to_string(device));
  env["CUDA_VISIBLE_DEVICES"] = Join(visible);

  int percent = limits.gpu_compute_percent == 0 ? 100 : limits.gpu_compute_percent;
  if (percent < 100) {
    env["CUDA_MPS_ACTIVE_THREAD_PERCENTAGE"] = std::to_string(percent);
    env["TANDEM_GPU_FRACTION"] = Fraction(percent);
  }
  if (limits.gpu_memory_mib > 0) {
    std::string mib = std::to_string(limits.gpu_memory_mib);
    std::vector<std::string> per_device;
    for (size_t ordinal = 0; ordinal < limits.gpu_devices.size(); ++ordinal) {
      per_device.push_back(std::to_string(ordinal) + "=" + mib + "M");
    }
    env["CUDA_MPS_PINNED_DEVICE_MEM_LIMIT"] = Join(per_device);
    env["TANDEM_GPU_MEMORY_MIB"] = mib;
    env.emplace("TANDEM_GPU_FRACTION", Fraction(percent));
  }
  return env;
}

}  // namespace tandem::exec
