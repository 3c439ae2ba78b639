#include "workflow/pipeline_spec.h"

#include <gtest/gtest.h>

#include "workflow/engine_test_util.h"

namespace tandem::workflow {
namespace {

TEST(PipelineSpecTest, ParsesNodesInOrderWithTypedParams) {
  auto spec = ParsePipelineYaml(testing::kCancerYaml);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->name, "cancer-gbdt");
  std::vector<std::string> names;
  for (const auto& n : spec->nodes) names.push_back(n.name);
  EXPECT_EQ(names, (std::vector<std::string>{"load", "split", "train", "evaluate", "register"}));
  const NodeSpec& split = spec->nodes[1];
  EXPECT_EQ(split.operator_ref, "split");
  EXPECT_EQ(split.line, 4);
  EXPECT_EQ(split.inputs.at("table").node, "load");
  EXPECT_EQ(split.inputs.at("table").port, "table");
  EXPECT_TRUE(split.params["test_fraction"].is_number_float());
  EXPECT_EQ(split.params["seed"], 7);
  EXPECT_EQ(spec->nodes[4].inputs.size(), 2u);
}

TEST(PipelineSpecTest, ScalarsFollowYamlTypes) {
  auto spec = ParsePipelineYaml(R"(name: t
params: {lr: 0.1}
nodes:
  a:
    operator: gen@2
    params: {s: "binary:logistic", q: "12", n: 12, f: -1.5e3, b: true, z: null, w: word, l: [1, two]}
    retries: 3
    timeout: 10m
    resources: {cpus: 2}
)");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const NodeSpec& a = spec->nodes[0];
  EXPECT_EQ(a.operator_ref, "gen@2");
  EXPECT_EQ(a.params["s"], "binary:logistic");
  EXPECT_EQ(a.params["q"], "12");
  EXPECT_EQ(a.params["n"], 12);
  EXPECT_EQ(a.params["f"], -1500.0);
  EXPECT_EQ(a.params["b"], true);
  EXPECT_TRUE(a.params["z"].is_null());
  EXPECT_EQ(a.params["w"], "word");
  EXPECT_EQ(a.params["l"], (Json{1, "two"}));
  EXPECT_EQ(a.reserved["retries"], 3);
  EXPECT_EQ(a.reserved["timeout"], "10m");
  EXPECT_EQ(a.reserved["resources"]["cpus"], 2);
  EXPECT_EQ(spec->params["lr"], 0.1);
}

TEST(PipelineSpecTest, UnknownKeysAndBadShapesAreAllNamed) {
  auto spec = ParsePipelineYaml(R"(name: t
colour: blue
nodes:
  a: {operator: gen, retry: 3}
  b: {operator: pass, inputs: {in: a}, params: [1]}
  c: {inputs: a.out}
)");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(spec.status().message(),
            "colour: unknown key (line 2); "
            "nodes.a.retry: unknown key (line 4); "
            "nodes.b.params: expected a mapping (line 5); "
            "nodes.b.inputs.in: expected '<node>.<port>', got 'a' (line 5); "
            "nodes.c.operator: required field is missing; "
            "nodes.c.inputs: expected a mapping of port to <node>.<port> (line 6)");
}

TEST(PipelineSpecTest, MalformedYamlNamesTheLine) {
  auto spec = ParsePipelineYaml("name: x\nnodes:\n  a: {operator: gen\n  b: [\n");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(spec.status().message().find("pipeline YAML: line "), std::string::npos)
      << spec.status().message();
  auto unclosed = ParsePipelineYaml("name: [unclosed");
  ASSERT_FALSE(unclosed.ok());
  EXPECT_NE(unclosed.status().message().find("line 1"), std::string::npos) << unclosed.status().message();
  EXPECT_FALSE(ParsePipelineYaml("").ok());
  EXPECT_FALSE(ParsePipelineYaml("- a\n- b\n").ok());
  EXPECT_EQ(ParsePipelineYaml("name: x\n").status().message(), "nodes: required field is missing");
}

// "name: big\nnodes:\n" and `nodes` nodes, each reading the one before.
std::string ChainYaml(int nodes) {
  std::string yaml = "name: big\nnodes:\n  n0: {operator: gen}\n";
  for (int i = 1; i < nodes; ++i) {
    yaml += "  " + testing::Numbered("n", i) + ": {operator: pass, inputs: {in: " +
            testing::Numbered("n", i - 1) + ".out}}\n";
  }
  return yaml;
}

TEST(PipelineSpecTest, PipelinesOverTheLimitsAreRefusedNamingTheLimit) {
  EXPECT_TRUE(ParsePipelineYaml(ChainYaml(2000)).ok());
  EXPECT_EQ(ParsePipelineYaml(ChainYaml(2001)).status().message(),
            "nodes: 2001 nodes is over the limit of 2000 (line 3)");

  std::string huge = "name: big\ndescription: " + std::string(1024 * 1024, 'x') + "\nnodes: {}\n";
  EXPECT_EQ(ParsePipelineYaml(huge).status().message(),
            "pipeline YAML: " + std::to_string(huge.size()) +
                " bytes is over the limit of 1048576");

  std::string wide = "name: w\nnodes:\n  g: {operator: gen}\n  j:\n    operator: join\n    inputs:\n";
  for (int i = 0; i < 65; ++i) wide += "      " + testing::Numbered("in", i) + ": g.out\n";
  EXPECT_EQ(ParsePipelineYaml(wide).status().message(),
            "nodes.j.inputs: 65 inputs is over the limit of 64 per node (line 7)");

  PipelineLimits small;
  small.max_nodes = 3;
  EXPECT_TRUE(ParsePipelineYaml(ChainYaml(3), small).ok());
  EXPECT_FALSE(ParsePipelineYaml(ChainYaml(4), small).ok());
}

}  // namespace
}  // namespace tandem::workflow
