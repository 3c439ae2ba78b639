#include "resources/resource_request.h"

#include <gtest/gtest.h>

namespace tandem::resources {
namespace {

std::vector<std::string> Problems(const Json& resources) {
  std::vector<std::string> problems;
  CheckResources(resources, "nodes.g.resources", &problems);
  return problems;
}

TEST(ResourceRequestTest, EveryWrongKeyIsReportedWithItsPath) {
  auto problems = Problems({{"cpus", -1},
                            {"memory", "2GB"},
                            {"gpu", {{"fraction", 2}}},
                            {"environment", "prod"},
                            {"mode", "sometimes"},
                            {"disk", 1}});
  ASSERT_EQ(problems.size(), 6u);
  EXPECT_EQ(problems[0], "nodes.g.resources.cpus: must not be negative");
  EXPECT_EQ(problems[1], "nodes.g.resources.disk: unknown key (known: cpus, memory, gpu, models, priority, "
                         "project, environment, mode)");
  EXPECT_EQ(problems[2], "nodes.g.resources.environment: expected train, test or infer, got 'prod'");
  EXPECT_EQ(problems[3], "nodes.g.resources.gpu.fraction: must be in (0, 1]");
  EXPECT_EQ(problems[4], "nodes.g.resources.memory: unknown unit 'GB' (use Mi, Gi or Ti)");
  EXPECT_NE(problems[5].find("nodes.g.resources.mode: expected fixed or elastic"), std::string::npos);
  EXPECT_TRUE(Problems({{"cpus", 2}, {"gpu", 1}, {"priority", 5}, {"environment", "infer"}}).empty());
  EXPECT_EQ(Problems(Json::array()).size(), 1u);
}

TEST(ResourceRequestTest, NodeResourcesOverlayTheOperatorsDefaults) {
  auto r = RequestFor({{"cpus", 4}, {"memory", "1Gi"}}, {{"cpus", 2}, {"gpu", 2}, {"priority", 3}}, "run/train",
                      "resources");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->cpu_milli, 2000);
  EXPECT_EQ(r->memory_mib, 1024);
  EXPECT_EQ(r->gpu.count, 2);
  EXPECT_EQ(r->gpu.milli, 1000);
  EXPECT_EQ(r->priority, 3);
  EXPECT_EQ(r->mode, scheduler::Mode::kElastic);
  EXPECT_EQ(r->name, "run/train");

  auto plain = RequestFor(Json::object(), Json::object(), "t", "resources");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->cpu_milli, 1000);  // one CPU for the books when nothing says
  EXPECT_FALSE(DeclaresCpus(Json::object(), Json::object()));
  EXPECT_TRUE(DeclaresMemory({{"memory", "1Gi"}}, Json::object()));

  auto infer = RequestFor(Json::object(), {{"environment", "infer"}, {"gpu", {{"fraction", 0.25}}}}, "s", "r");
  ASSERT_TRUE(infer.ok());
  EXPECT_EQ(infer->mode, scheduler::Mode::kFixed);
  EXPECT_EQ(infer->gpu.milli, 250);
}

}  // namespace
}  // namespace tandem::resources
