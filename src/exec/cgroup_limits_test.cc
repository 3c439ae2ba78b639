// The exact cgroup files and values a ResourceLimits becomes, for v1 and v2.
#include "exec/cgroup_limits.h"

#include <gtest/gtest.h>

#include <limits>

namespace tandem::exec {
namespace {

std::vector<std::string> Lines(const std::vector<CgroupWrite>& writes) {
  std::vector<std::string> out;
  for (const CgroupWrite& w : writes) {
    out.push_back(w.controller + " " + w.file + "=" + w.value + (w.required ? "" : " ?"));
  }
  return out;
}

ResourceLimits Limits(double cpus, uint64_t memory_bytes) {
  ResourceLimits limits;
  limits.cpus = cpus;
  limits.memory_bytes = memory_bytes;
  return limits;
}

TEST(CgroupLimitsTest, V1) {
  auto writes = CgroupLimitWrites(CgroupVersion::kV1, Limits(1.5, 64 << 20));
  ASSERT_TRUE(writes.ok()) << writes.status().ToString();
  EXPECT_EQ(Lines(*writes), (std::vector<std::string>{
                                "cpu cpu.cfs_period_us=100000",
                                "cpu cpu.cfs_quota_us=150000",
                                "memory memory.swappiness=0 ?",
                                "memory memory.limit_in_bytes=67108864",
                                "memory memory.memsw.limit_in_bytes=67108864 ?",
                            }));
}

TEST(CgroupLimitsTest, V2) {
  auto writes = CgroupLimitWrites(CgroupVersion::kV2, Limits(0.25, 1 << 30));
  ASSERT_TRUE(writes.ok()) << writes.status().ToString();
  EXPECT_EQ(Lines(*writes), (std::vector<std::string>{
                                "cpu cpu.max=25000 100000",
                                "memory memory.max=1073741824",
                                "memory memory.swap.max=0 ?",
                                "memory memory.oom.group=1 ?",
                            }));
}

TEST(CgroupLimitsTest, TinyCpuShareGetsTheKernelsMinimum) {
  auto writes = CgroupLimitWrites(CgroupVersion::kV2, Limits(0.001, 0));
  ASSERT_TRUE(writes.ok());
  EXPECT_EQ(Lines(*writes), (std::vector<std::string>{"cpu cpu.max=1000 100000"}));
}

TEST(CgroupLimitsTest, NothingToLimit) {
  ResourceLimits gpu_only;
  gpu_only.gpu_devices = {0};
  auto writes = CgroupLimitWrites(CgroupVersion::kV1, gpu_only);
  ASSERT_TRUE(writes.ok());
  EXPECT_TRUE(writes->empty());
}

TEST(CgroupLimitsTest, BadCpusNameTheField) {
  EXPECT_EQ(CgroupLimitWrites(CgroupVersion::kV1, Limits(-1, 0)).status().message(),
            "limits.cpus: -1 is not a number of cores");
  EXPECT_EQ(CheckCpuMemoryLimits(Limits(std::numeric_limits<double>::quiet_NaN(), 0)).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckCpuMemoryLimits(Limits(2, 0)).ok());
}

}  // namespace
}  // namespace tandem::exec
