// A stand-in for libnvidia-ml.so.1 that device_probe_test dlopens, so the NVML path is
// tested on machines without a GPU. Two devices: 0 is healthy, 1 reports uncorrectable
// ECC errors. TANDEM_FAKE_NVML_INIT_ERROR=<code> makes nvmlInit_v2 fail with that code.
#include <cstdlib>
#include <cstring>
#include <string>

extern "C" {

struct nvmlDevice_st {
  const char* name;
  const char* uuid;
  unsigned long long memory_bytes;
  unsigned long long uncorrected_ecc;
};
struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

static nvmlDevice_st fake_devices[] = {
    {"Fake GPU 80GB", "GPU-00000000-fake-0000-0000-000000000000", 80ull << 30, 0},
    {"Fake GPU 40GB", "GPU-11111111-fake-1111-1111-111111111111", 40ull << 30, 2},
};
static const unsigned kFakeCount = sizeof(fake_devices) / sizeof(fake_devices[0]);

static int CopyString(const char* from, char* to, unsigned length) {
  if (std::strlen(from) + 1 > length) return 7;  // NVML_ERROR_INSUFFICIENT_SIZE
  std::strcpy(to, from);
  return 0;
}

int nvmlInit_v2() {
  const char* fail = std::getenv("TANDEM_FAKE_NVML_INIT_ERROR");
  return fail != nullptr ? std::atoi(fail) : 0;
}
int nvmlShutdown() { return 0; }
const char* nvmlErrorString(int code) {
  static thread_local std::string text;
  text = "fake NVML error " + std::to_string(code);
  return text.c_str();
}
int nvmlDeviceGetCount_v2(unsigned* count) {
  *count = kFakeCount;
  return 0;
}
int nvmlDeviceGetHandleByIndex_v2(unsigned index, nvmlDevice_st** device) {
  if (index >= kFakeCount) return 2;  // NVML_ERROR_INVALID_ARGUMENT
  *device = &fake_devices[index];
  return 0;
}
int nvmlDeviceGetName(nvmlDevice_st* device, char* name, unsigned length) {
  return CopyString(device->name, name, length);
}
int nvmlDeviceGetUUID(nvmlDevice_st* device, char* uuid, unsigned length) {
  return CopyString(device->uuid, uuid, length);
}
int nvmlDeviceGetMemoryInfo(nvmlDevice_st* device, nvmlMemory_t* memory) {
  memory->total = device->memory_bytes;
  memory->used = 1ull << 30;
  memory->free = device->memory_bytes - memory->used;
  return 0;
}
int nvmlDeviceGetTotalEccErrors(nvmlDevice_st* device, int error_type, int counter_type,
                                unsigned long long* count) {
  if (error_type != 1 || counter_type != 0) return 2;
  *count = device->uncorrected_ecc;
  return 0;
}

}  // extern "C"
