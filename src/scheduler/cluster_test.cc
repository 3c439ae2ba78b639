#include <gtest/gtest.h>

#include "scheduler/cluster.h"
#include "scheduler/request.h"
#include "scheduler/test_util.h"

namespace tandem::scheduler {
namespace {

using testing::Gpus;
using testing::Node;
using testing::Slice;
using testing::With;

TEST(RequestTest, ParsesTheThreeGpuForms) {
  auto count = ParseGpuAsk(Json{{"count", 2}}, "gpu");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(count->count, 2);
  EXPECT_EQ(count->milli, 1000);
  auto fraction = ParseGpuAsk(Json{{"fraction", 0.25}}, "gpu");
  ASSERT_TRUE(fraction.ok());
  EXPECT_EQ(fraction->milli, 250);
  EXPECT_TRUE(fraction->sharing());
  auto slice = ParseGpuAsk(Json{{"memory", "8Gi"}, {"compute", 30}}, "gpu");
  ASSERT_TRUE(slice.ok());
  EXPECT_EQ(slice->milli, 300);
  EXPECT_EQ(slice->memory_mib, 8192);
}

TEST(RequestTest, ErrorsNameTheField) {
  auto bad = ParseGpuAsk(Json{{"fraction", 1.5}}, "job.gpu");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("job.gpu.fraction"), std::string::npos);
  auto request = ParseRequest(Json{{"cpus", 2}, {"environment", "prod"}}, "job");
  ASSERT_FALSE(request.ok());
  EXPECT_NE(request.status().message().find("job.environment"), std::string::npos);
}

TEST(RequestTest, MemorySizesThatAreNotNumbersOrTooLargeAreErrorsNotThrows) {
  // fuzz/crashes/pipeline_spec/crash-d877...: std::stod(".") threw out of a pipeline's
  // resources check.
  EXPECT_EQ(*ParseMebibytes(Json("1.5Gi"), "memory"), 1536);
  EXPECT_EQ(*ParseMebibytes(Json(512), "memory"), 512);
  for (const char* bad : {".", "1.2.3Gi", "..Mi"}) {
    auto r = ParseMebibytes(Json(bad), "resources.memory");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message(), std::string("resources.memory: expected a size such as 8Gi, got '") + bad + "'");
  }
  EXPECT_EQ(ParseMebibytes(Json(std::string(400, '9') + "Ti"), "memory").status().message(),
            "memory: more than 1Ei is not a memory size");
  EXPECT_EQ(ParseMebibytes(Json(1e300), "memory").status().message(), "memory: more than 1Ei is not a memory size");
  EXPECT_FALSE(ParseMebibytes(Json(-1), "memory").ok());
}

TEST(RequestTest, InferenceDefaultsToFixedAndTrainingToElastic) {
  auto infer = ParseRequest(Json{{"environment", "infer"}, {"gpu", {{"fraction", 0.5}}}}, "r");
  ASSERT_TRUE(infer.ok());
  EXPECT_EQ(infer->mode, Mode::kFixed);
  auto train = ParseRequest(Json{{"cpus", 1.5}, {"memory", "2Gi"}}, "r");
  ASSERT_TRUE(train.ok());
  EXPECT_EQ(train->mode, Mode::kElastic);
  EXPECT_EQ(train->cpu_milli, 1500);
  EXPECT_EQ(train->memory_mib, 2048);
}

TEST(ClusterTest, ApplyAndReleaseKeepTheBooks) {
  ClusterState c({Node("a", 8, 2)});
  const Demand d = c.Resolve(Slice(300, 2));
  ASSERT_TRUE(c.Fits(0, d, 0b01));
  c.Apply(d, {0, 0b01});
  EXPECT_EQ(c.node(0).cpu_left, 6000);
  EXPECT_EQ(c.node(0).gpus[0].left(), 700);
  EXPECT_EQ(c.allocated_gpu_milli(), 300);
  c.Release(d, {0, 0b01});
  EXPECT_EQ(c.node(0).gpus[0].left(), 1000);
  EXPECT_EQ(c.allocated_gpu_milli(), 0);
}

TEST(ClusterTest, WholeGpusNeedFullyFreeOnes) {
  ClusterState c({Node("a", 8, 2)});
  testing::Occupy(c, Slice(100), 0, 0b01);
  EXPECT_EQ(c.FittingGpus(0, c.Resolve(Gpus(1))), GpuMask{0b10});
  EXPECT_FALSE(c.DefaultChoice(0, c.Resolve(Gpus(2))).has_value());
}

TEST(ClusterTest, ElasticMayOversubscribeComputeButFixedMayNot) {
  ClusterState c({Node("a", 8, 1)}, /*oversubscription=*/2.0);
  testing::Occupy(c, With(Slice(600), Mode::kElastic), 0, 1);
  EXPECT_EQ(c.FittingGpus(0, c.Resolve(With(Slice(600), Mode::kElastic))), GpuMask{1});
  EXPECT_EQ(c.FittingGpus(0, c.Resolve(With(Slice(600), Mode::kFixed))), GpuMask{0});
  EXPECT_EQ(c.FittingGpus(0, c.Resolve(With(Slice(400), Mode::kFixed))), GpuMask{1});
}

TEST(ClusterTest, GpuMemoryBoundsElasticSlices) {
  ClusterState c({Node("a", 8, 1)}, 4.0);
  Request r = With(Slice(200), Mode::kElastic);
  r.gpu.memory_mib = 16 * 1024;
  testing::Occupy(c, r, 0, 1);
  EXPECT_EQ(c.FittingGpus(0, c.Resolve(r)), GpuMask{0});  // 32 GiB > 24 GiB
}

TEST(ClusterTest, ModelsEnvironmentsAndHealthFilterGpus) {
  ClusterState c({Node("t4", 8, 2, "T4", MaskOf(Environment::kTrain)), Node("a10", 8, 2, "A10")});
  Request r = Gpus(1);
  r.models = {"A10"};
  EXPECT_EQ(c.FittingGpus(0, c.Resolve(r)), GpuMask{0});
  EXPECT_EQ(c.FittingGpus(1, c.Resolve(r)), GpuMask{0b11});
  Request infer = Gpus(1);
  infer.environment = Environment::kInfer;
  EXPECT_EQ(c.FittingGpus(0, c.Resolve(infer)), GpuMask{0});
  c.SetGpuHealth(1, 0, false);
  EXPECT_EQ(c.FittingGpus(1, c.Resolve(infer)), GpuMask{0b10});
  EXPECT_EQ(c.total_gpu_milli(), 3000);
}

}  // namespace
}  // namespace tandem::scheduler
