// NVML through dlopen: the few types and functions used here are declared by hand (as
// NVML's header declares them), so building needs no NVIDIA package.
#include <dlfcn.h>

#include <memory>

#include "exec/device_probe.h"

namespace tandem::exec {
namespace {

using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
constexpr nvmlReturn_t kNvmlSuccess = 0;
constexpr int kNvmlMemoryErrorUncorrected = 1;  // nvmlMemoryErrorType_t
constexpr int kNvmlVolatileEcc = 0;             // nvmlEccCounterType_t: since boot
constexpr unsigned kNvmlStringSize = 96;        // NVML_DEVICE_{NAME,UUID}_V2_BUFFER_SIZE

struct Nvml {
  nvmlReturn_t (*init)();
  nvmlReturn_t (*shutdown)();
  const char* (*error_string)(nvmlReturn_t);
  nvmlReturn_t (*count)(unsigned*);
  nvmlReturn_t (*handle_by_index)(unsigned, nvmlDevice_t*);
  nvmlReturn_t (*name)(nvmlDevice_t, char*, unsigned);
  nvmlReturn_t (*uuid)(nvmlDevice_t, char*, unsigned);
  nvmlReturn_t (*memory)(nvmlDevice_t, nvmlMemory_t*);
  // Optional: older drivers and some boards lack it; then health is "answers queries".
  nvmlReturn_t (*ecc_errors)(nvmlDevice_t, int, int, unsigned long long*);
};

struct LibraryCloser {
  void operator()(void* handle) const { ::dlclose(handle); }
};
using Library = std::unique_ptr<void, LibraryCloser>;

template <typename Fn>
bool Bind(void* lib, const char* symbol, Fn& fn) {
  fn = reinterpret_cast<Fn>(::dlsym(lib, symbol));
  return fn != nullptr;
}

Result<Nvml> BindAll(void* lib, const std::string& library) {
  Nvml n{};
  bool ok = Bind(lib, "nvmlInit_v2", n.init) && Bind(lib, "nvmlShutdown", n.shutdown) &&
            Bind(lib, "nvmlErrorString", n.error_string) &&
            Bind(lib, "nvmlDeviceGetCount_v2", n.count) &&
            Bind(lib, "nvmlDeviceGetHandleByIndex_v2", n.handle_by_index) &&
            Bind(lib, "nvmlDeviceGetName", n.name) && Bind(lib, "nvmlDeviceGetUUID", n.uuid) &&
            Bind(lib, "nvmlDeviceGetMemoryInfo", n.memory);
  if (!ok) return Unavailable(library + " lacks an NVML function: " + ::dlerror());
  Bind(lib, "nvmlDeviceGetTotalEccErrors", n.ecc_errors);
  return n;
}

GpuInfo QueryGpu(const Nvml& nvml, unsigned index) {
  GpuInfo gpu;
  gpu.index = static_cast<int>(index);
  nvmlDevice_t device = nullptr;
  if (nvml.handle_by_index(index, &device) != kNvmlSuccess) {
    gpu.healthy = false;  // listed but unreachable: fallen off the bus, being reset
    return gpu;
  }
  char text[kNvmlStringSize] = {};
  bool answered = nvml.name(device, text, sizeof(text)) == kNvmlSuccess;
  gpu.model = answered ? text : "";
  char uuid[kNvmlStringSize] = {};
  answered = nvml.uuid(device, uuid, sizeof(uuid)) == kNvmlSuccess && answered;
  gpu.uuid = uuid;
  nvmlMemory_t memory{};
  answered = nvml.memory(device, &memory) == kNvmlSuccess && answered;
  gpu.memory_mib = memory.total / (1024 * 1024);
  gpu.healthy = answered;
  unsigned long long uncorrected = 0;
  if (nvml.ecc_errors != nullptr &&
      nvml.ecc_errors(device, kNvmlMemoryErrorUncorrected, kNvmlVolatileEcc, &uncorrected) ==
          kNvmlSuccess &&
      uncorrected > 0) {
    gpu.healthy = false;  // no ECC support (an error answer) says nothing either way
  }
  return gpu;
}

}  // namespace

Result<std::vector<GpuInfo>> ProbeNvmlGpus(const std::string& library) {
  Library lib(::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (lib == nullptr) return std::vector<GpuInfo>();  // no driver here: no GPUs
  ASSIGN_OR_RETURN(Nvml nvml, BindAll(lib.get(), library));
  if (nvmlReturn_t r = nvml.init(); r != kNvmlSuccess) {
    return Unavailable(std::string("NVML did not start: ") + nvml.error_string(r));
  }
  std::vector<GpuInfo> gpus;
  unsigned count = 0;
  nvmlReturn_t r = nvml.count(&count);
  if (r == kNvmlSuccess) {
    for (unsigned i = 0; i < count; ++i) gpus.push_back(QueryGpu(nvml, i));
  }
  std::string reason = r == kNvmlSuccess ? "" : nvml.error_string(r);
  nvml.shutdown();
  if (!reason.empty()) return Unavailable("NVML cannot count GPUs: " + reason);
  return gpus;
}

}  // namespace tandem::exec
