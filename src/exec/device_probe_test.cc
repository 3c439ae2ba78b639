// Device discovery: the /proc and cgroup parsers on fixture text, NVML through a fake
// library, and a probe of this machine.
#include "exec/device_probe.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace tandem::exec {
namespace {

TEST(DeviceProbeTest, CountsProcessorsOfCpuinfo) {
  const char* cpuinfo =
      "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\n\n"
      "processor\t: 1\nvendor_id\t: GenuineIntel\n\n";
  EXPECT_EQ(CountCpus(cpuinfo), 2);
  // arm64 writes "processor" per core too, plus an unrelated "Processor" line on old
  // kernels; s390 has "processors" (not one per core).
  EXPECT_EQ(CountCpus("Processor\t: AArch64\nprocessor\t: 0\nprocessor\t: 1\n"), 2);
  EXPECT_EQ(CountCpus("processors    : 4\n"), 0);
  EXPECT_EQ(CountCpus(""), 0);
}

TEST(DeviceProbeTest, MemTotalInMiB) {
  const char* meminfo =
      "MemTotal:       24683520 kB\nMemFree:        21608556 kB\nSwapTotal: 0 kB\n";
  EXPECT_EQ(MemTotalMiB(meminfo).value(), 24105u);
  EXPECT_EQ(MemTotalMiB("MemFree: 1 kB\n").status().code(), StatusCode::kNotFound);
}

TEST(DeviceProbeTest, CgroupCaps) {
  EXPECT_EQ(CpuQuotaV1("150000\n", "100000\n"), 1.5);
  EXPECT_EQ(CpuQuotaV1("-1\n", "100000\n"), std::nullopt);
  EXPECT_EQ(CpuQuotaV1("", ""), std::nullopt);
  EXPECT_EQ(CpuMaxV2("200000 100000\n"), 2.0);
  EXPECT_EQ(CpuMaxV2("max 100000\n"), std::nullopt);
  EXPECT_EQ(MemoryLimit("67108864\n"), 67108864u);
  EXPECT_EQ(MemoryLimit("max\n"), std::nullopt);
  EXPECT_EQ(MemoryLimit(""), std::nullopt);
}

TEST(DeviceProbeTest, NoNvmlLibraryMeansNoGpus) {
  auto gpus = ProbeNvmlGpus("libtandem-no-such-nvml.so.1");
  ASSERT_TRUE(gpus.ok()) << gpus.status().ToString();
  EXPECT_TRUE(gpus->empty());
}

TEST(DeviceProbeTest, GpusFromNvml) {
  auto gpus = ProbeNvmlGpus(TANDEM_FAKE_NVML);
  ASSERT_TRUE(gpus.ok()) << gpus.status().ToString();
  ASSERT_EQ(gpus->size(), 2u);
  const GpuInfo& first = (*gpus)[0];
  EXPECT_EQ(first.index, 0);
  EXPECT_EQ(first.uuid, "GPU-00000000-fake-0000-0000-000000000000");
  EXPECT_EQ(first.model, "Fake GPU 80GB");
  EXPECT_EQ(first.memory_mib, 80u * 1024);
  EXPECT_TRUE(first.healthy);
  const GpuInfo& second = (*gpus)[1];
  EXPECT_EQ(second.index, 1);
  EXPECT_EQ(second.memory_mib, 40u * 1024);
  EXPECT_FALSE(second.healthy);  // uncorrectable ECC errors
}

TEST(DeviceProbeTest, NvmlThatCannotStartIsAnError) {
  ::setenv("TANDEM_FAKE_NVML_INIT_ERROR", "9", 1);
  auto gpus = ProbeNvmlGpus(TANDEM_FAKE_NVML);
  ::unsetenv("TANDEM_FAKE_NVML_INIT_ERROR");
  EXPECT_EQ(gpus.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(gpus.status().message(), "NVML did not start: fake NVML error 9");

  // ProbeDevices carries on without GPUs.
  ::setenv("TANDEM_FAKE_NVML_INIT_ERROR", "9", 1);
  NodeDevices node = ProbeDevices({TANDEM_FAKE_NVML});
  ::unsetenv("TANDEM_FAKE_NVML_INIT_ERROR");
  EXPECT_TRUE(node.gpus.empty());
}

TEST(DeviceProbeTest, ThisMachine) {
  NodeDevices node = ProbeDevices({TANDEM_FAKE_NVML});
  EXPECT_FALSE(node.node_name.empty());
  EXPECT_GT(node.cpus, 0);
  EXPECT_GT(node.memory_mib, 0u);
  EXPECT_EQ(node.gpus.size(), 2u);
}

}  // namespace
}  // namespace tandem::exec
