#include "scheduler/cluster_config.h"

#include <gtest/gtest.h>

namespace tandem::scheduler {
namespace {

TEST(ClusterConfigTest, ParsesNodesGpusEnvironmentsAndQuotas) {
  auto config = ParseClusterConfigYaml(R"(
oversubscription: 2
nodes:
  - name: box
    cpus: 16
    memory: 64Gi
    gpus:
      - {model: A10, memory: 24Gi, count: 2, environments: [infer]}
      - {model: T4, memory: 16Gi, healthy: false}
  - name: cpu-only
    cpus: 8
    memory: 32768
    environments: [test]
quotas:
  team-a: {gpus: 1.5, cpus: 4}
)", "cluster.yaml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_DOUBLE_EQ(config->oversubscription, 2.0);
  ASSERT_EQ(config->nodes.size(), 2u);
  const NodeSpec& box = config->nodes[0];
  EXPECT_EQ(box.cpu_milli, 16000);
  EXPECT_EQ(box.memory_mib, 65536);
  ASSERT_EQ(box.gpus.size(), 3u);
  EXPECT_EQ(box.gpus[1].model, "A10");
  EXPECT_EQ(box.gpus[1].environments, MaskOf(Environment::kInfer));
  EXPECT_EQ(box.gpus[2].environments, kAllEnvironments);  // inherits the node's
  EXPECT_FALSE(box.gpus[2].healthy);
  EXPECT_EQ(config->nodes[1].environments, MaskOf(Environment::kTest));
  EXPECT_EQ(config->quotas["team-a"].gpu_milli, 1500);
  EXPECT_EQ(config->quotas["team-a"].cpu_milli, 4000);
  EXPECT_EQ(config->quotas["team-a"].memory_mib, -1);
}

TEST(ClusterConfigTest, ErrorsNameTheFieldPath) {
  auto missing = ParseClusterConfigYaml("nodes:\n  - {name: a, cpus: 4, memory: 1Gi, gpus: [{memory: 1Gi}]}\n", "c.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nodes[0].gpus[0].model"), std::string::npos);
  auto env = ParseClusterConfigYaml("nodes:\n  - {name: a, cpus: 4, memory: 1Gi, environments: [prod]}\n", "c.yaml");
  ASSERT_FALSE(env.ok());
  EXPECT_NE(env.status().message().find("nodes[0].environments[0]"), std::string::npos);
  auto dup = ParseClusterConfigYaml("nodes:\n  - {name: a, cpus: 1, memory: 1Gi}\n  - {name: a, cpus: 1, memory: 1Gi}\n", "c.yaml");
  EXPECT_FALSE(dup.ok());
  EXPECT_FALSE(ParseClusterConfigYaml("nodes: []\n", "c.yaml").ok());
}

}  // namespace
}  // namespace tandem::scheduler
