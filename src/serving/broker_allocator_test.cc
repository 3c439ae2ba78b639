#include "serving/broker_allocator.h"

#include <gtest/gtest.h>

#include "resources/inventory.h"

namespace tandem::serving {
namespace {

class BrokerAllocatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One node: 4 CPUs, one T4 in the inference environment only.
    Json cluster = {{"nodes", {{{"name", "box"}, {"cpus", 4}, {"memory", "8Gi"},
                                {"gpus", {{{"model", "T4"}, {"memory", "16Gi"}, {"environments", {"infer"}}}}}}}}};
    auto config = resources::ServerCluster(cluster, {});
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    auto s = scheduler::Scheduler::Create(scheduler::ClusterState(config->nodes), {});
    ASSERT_TRUE(s.ok());
    broker_ = std::make_unique<resources::ResourceBroker>(std::move(s).value(), clock_);
    allocator_ = std::make_unique<BrokerReplicaAllocator>(*broker_);
  }

  FakeClock clock_;
  std::unique_ptr<resources::ResourceBroker> broker_;
  std::unique_ptr<BrokerReplicaAllocator> allocator_;
};

TEST_F(BrokerAllocatorTest, AReplicaGetsAFixedInferenceSliceEnforcedByTheLauncher) {
  auto a = allocator_->Acquire("fraud", "r1", {{"gpu", {{"fraction", 0.6}}}, {"cpus", 1.5}, {"memory", "512Mi"}});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->limits.gpu_devices, std::vector<int>{0});
  EXPECT_EQ(a->limits.gpu_compute_percent, 60);
  EXPECT_DOUBLE_EQ(a->limits.cpus, 1.5);
  EXPECT_EQ(a->limits.memory_bytes, 512ull << 20);
  EXPECT_EQ(a->threads, 2);
  Json job = broker_->Snapshot()["jobs"][0];
  EXPECT_EQ(job["mode"], "fixed");
  EXPECT_EQ(job["environment"], "infer");
  EXPECT_EQ(job["holder"], "service fraud replica r1");

  // 0.6 + 0.6 > 1: a second replica does not fit and the deploy is told why, at once.
  auto b = allocator_->Acquire("fraud", "r2", {{"gpu", {{"fraction", 0.6}}}});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(b.status().message().rfind("no room in the infer environment for service fraud replica r2: ", 0), 0u)
      << b.status().message();
  EXPECT_EQ(broker_->Snapshot()["jobs"].size(), 1u);  // the refused ask left no queue entry

  allocator_->Release("fraud", "r1");
  allocator_->Release("fraud", "r1");  // twice is harmless
  EXPECT_TRUE(allocator_->Acquire("fraud", "r2", {{"gpu", {{"fraction", 0.6}}}}).ok());
}

TEST_F(BrokerAllocatorTest, AReplicaWithoutResourcesBooksNoCpuAndSeesNoGpu) {
  for (int i = 0; i < 8; ++i) {  // more replicas than CPUs: none booked
    auto a = allocator_->Acquire("svc", "r" + std::to_string(i), Json::object());
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->limits.cpus, 0);
    EXPECT_TRUE(a->limits.gpu_devices.empty());
    EXPECT_EQ(a->threads, 0);
  }
  auto bad = allocator_->Acquire("svc", "x", {{"gpu", {{"fraction", 3}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "resources.gpu.fraction: must be in (0, 1]");
}

}  // namespace
}  // namespace tandem::serving
