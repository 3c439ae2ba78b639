// Finding our own cgroups in v1, v2, hybrid and container layouts, from fixture text.
#include "exec/cgroup_layout.h"

#include <gtest/gtest.h>

namespace tandem::exec {
namespace {

// This machine's layout: v1 controllers, an empty v2 mount beside them, and the server
// in a nested memory cgroup.
constexpr const char* kHybridMountinfo =
    "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "32 30 0:29 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
constexpr const char* kHybridCgroup =
    "9:name=systemd:/\n"
    "4:memory:/process_api/4d02\n"
    "2:cpuacct:/\n"
    "1:cpu:/\n"
    "0::/\n";

TEST(CgroupLayoutTest, ParsesCgroupMounts) {
  std::vector<CgroupMount> mounts = ParseCgroupMounts(kHybridMountinfo);
  ASSERT_EQ(mounts.size(), 5u);
  EXPECT_FALSE(mounts[0].v2);
  EXPECT_EQ(mounts[0].mount_point, "/sys/fs/cgroup/cpu");
  EXPECT_EQ(mounts[0].root, "/");
  EXPECT_EQ(mounts[0].controllers, std::vector<std::string>{"cpu"});
  EXPECT_TRUE(mounts[3].controllers.empty());  // name=systemd is no controller
  EXPECT_TRUE(mounts[4].v2);
  EXPECT_EQ(mounts[4].mount_point, "/sys/fs/cgroup/unified");
}

TEST(CgroupLayoutTest, HybridUsesV1) {
  auto layout = ResolveCgroupLayout(kHybridMountinfo, kHybridCgroup, "hugetlb\n");
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  EXPECT_EQ(layout->version, CgroupVersion::kV1);
  EXPECT_EQ(layout->cpu_dir, "/sys/fs/cgroup/cpu");
  EXPECT_EQ(layout->memory_dir, "/sys/fs/cgroup/memory/process_api/4d02");
  EXPECT_EQ(layout->memory_mount, "/sys/fs/cgroup/memory");
}

TEST(CgroupLayoutTest, CombinedV1Controllers) {
  const char* mountinfo =
      "25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
      "26 24 0:23 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
  const char* own = "5:memory:/a\n3:cpu,cpuacct:/b/c\n";
  auto layout = ResolveCgroupLayout(mountinfo, own, "");
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  EXPECT_EQ(layout->cpu_dir, "/sys/fs/cgroup/cpu,cpuacct/b/c");
  EXPECT_EQ(layout->memory_dir, "/sys/fs/cgroup/memory/a");
}

TEST(CgroupLayoutTest, PureV2) {
  const char* mountinfo =
      "35 24 0:30 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n";
  auto layout = ResolveCgroupLayout(mountinfo, "0::/system.slice/tandem.service\n",
                                    "cpuset cpu io memory pids\n");
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  EXPECT_EQ(layout->version, CgroupVersion::kV2);
  EXPECT_EQ(layout->cpu_dir, "/sys/fs/cgroup/system.slice/tandem.service");
  EXPECT_EQ(layout->memory_dir, layout->cpu_dir);
  EXPECT_EQ(layout->memory_mount, "/sys/fs/cgroup");

  auto no_cpu = ResolveCgroupLayout(mountinfo, "0::/\n", "memory pids\n");
  ASSERT_TRUE(no_cpu.ok());
  EXPECT_EQ(no_cpu->memory_dir, "/sys/fs/cgroup");
  EXPECT_EQ(no_cpu->cpu_dir, "");
}

TEST(CgroupLayoutTest, ContainerSeesItsOwnPartOfTheHierarchy) {
  // A v1 container without a cgroup namespace: /proc shows the host path, the mount
  // holds only the container's folder.
  const char* mountinfo =
      "700 690 0:31 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n";
  auto inside = ResolveCgroupLayout(mountinfo, "4:memory:/docker/abc/job\n", "");
  ASSERT_TRUE(inside.ok()) << inside.status().ToString();
  EXPECT_EQ(inside->memory_dir, "/sys/fs/cgroup/memory/job");
  EXPECT_EQ(inside->cpu_dir, "");

  auto outside = ResolveCgroupLayout(mountinfo, "4:memory:/docker/other\n", "");
  EXPECT_EQ(outside.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(outside.status().message(),
            "cgroup '/docker/other' is outside the part mounted at /sys/fs/cgroup/memory");
}

TEST(CgroupLayoutTest, EscapedMountPoint) {
  const char* mountinfo = "1 0 0:1 / /mnt/my\\040cgroups rw - cgroup cgroup rw,memory\n";
  auto layout = ResolveCgroupLayout(mountinfo, "4:memory:/x\n", "");
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  EXPECT_EQ(layout->memory_dir, "/mnt/my cgroups/x");
}

TEST(CgroupLayoutTest, NoControllersAnywhere) {
  const char* mountinfo = "30 22 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n";
  auto layout = ResolveCgroupLayout(mountinfo, "0::/\n", "");
  EXPECT_EQ(layout.status().message(), "no cgroup hierarchy offers the cpu or memory controller");
}

TEST(CgroupLayoutTest, ProcCgroupPath) {
  EXPECT_EQ(ProcCgroupPath(kHybridCgroup, "memory").value(), "/process_api/4d02");
  EXPECT_EQ(ProcCgroupPath(kHybridCgroup, "").value(), "/");
  EXPECT_EQ(ProcCgroupPath("1:cpu:/a:b\n", "cpu").value(), "/a:b");
  EXPECT_EQ(ProcCgroupPath("1:cpu:/\n", "memory").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace tandem::exec
