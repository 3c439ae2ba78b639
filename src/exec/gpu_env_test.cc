// The exact environment a GPU allocation becomes.
#include "exec/gpu_env.h"

#include <gtest/gtest.h>

namespace tandem::exec {
namespace {

using Env = std::map<std::string, std::string>;

ResourceLimits Gpus(std::vector<int> devices, int percent = 0, uint64_t memory_mib = 0) {
  ResourceLimits limits;
  limits.gpu_devices = std::move(devices);
  limits.gpu_compute_percent = percent;
  limits.gpu_memory_mib = memory_mib;
  return limits;
}

TEST(GpuEnvTest, WholeDevicesOnlySetVisibleDevices) {
  EXPECT_EQ(GpuEnvironment(Gpus({2, 0})).value(), (Env{{"CUDA_VISIBLE_DEVICES", "2,0"}}));
  EXPECT_EQ(GpuEnvironment(Gpus({1}, 100)).value(), (Env{{"CUDA_VISIBLE_DEVICES", "1"}}));
}

TEST(GpuEnvTest, NoDevicesHidesEveryGpu) {
  EXPECT_EQ(GpuEnvironment(ResourceLimits{}).value(), (Env{{"CUDA_VISIBLE_DEVICES", ""}}));
}

TEST(GpuEnvTest, SliceOfOneDevice) {
  EXPECT_EQ(GpuEnvironment(Gpus({3}, 50, 8192)).value(),
            (Env{{"CUDA_VISIBLE_DEVICES", "3"},
                 {"CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", "50"},
                 {"CUDA_MPS_PINNED_DEVICE_MEM_LIMIT", "0=8192M"},
                 {"TANDEM_GPU_FRACTION", "0.5"},
                 {"TANDEM_GPU_MEMORY_MIB", "8192"}}));
}

TEST(GpuEnvTest, SliceOfTwoDevicesUsesTheChildsOrdinals) {
  EXPECT_EQ(GpuEnvironment(Gpus({4, 6}, 25, 1024)).value(),
            (Env{{"CUDA_VISIBLE_DEVICES", "4,6"},
                 {"CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", "25"},
                 {"CUDA_MPS_PINNED_DEVICE_MEM_LIMIT", "0=1024M,1=1024M"},
                 {"TANDEM_GPU_FRACTION", "0.25"},
                 {"TANDEM_GPU_MEMORY_MIB", "1024"}}));
}

TEST(GpuEnvTest, ComputeOnlyAndMemoryOnlySlices) {
  EXPECT_EQ(GpuEnvironment(Gpus({0}, 5)).value(),
            (Env{{"CUDA_VISIBLE_DEVICES", "0"},
                 {"CUDA_MPS_ACTIVE_THREAD_PERCENTAGE", "5"},
                 {"TANDEM_GPU_FRACTION", "0.05"}}));
  EXPECT_EQ(GpuEnvironment(Gpus({0}, 0, 512)).value(),
            (Env{{"CUDA_VISIBLE_DEVICES", "0"},
                 {"CUDA_MPS_PINNED_DEVICE_MEM_LIMIT", "0=512M"},
                 {"TANDEM_GPU_FRACTION", "1"},
                 {"TANDEM_GPU_MEMORY_MIB", "512"}}));
}

TEST(GpuEnvTest, ErrorsNameTheField) {
  EXPECT_EQ(GpuEnvironment(Gpus({0}, 150)).status().message(),
            "limits.gpu_compute_percent: 150 is not in 0..100");
  EXPECT_EQ(GpuEnvironment(Gpus({-1})).status().message(),
            "limits.gpu_devices: -1 is not a device index");
  EXPECT_EQ(GpuEnvironment(Gpus({1, 1})).status().message(),
            "limits.gpu_devices: device 1 is listed twice");
  EXPECT_EQ(GpuEnvironment(Gpus({}, 50)).status().message(),
            "limits.gpu_devices: a GPU slice needs a device");
  EXPECT_EQ(GpuEnvironment(Gpus({}, 0, 100)).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tandem::exec
