#include "workflow/validate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/ids.h"
#include "operators/builtin_library.h"
#include "workflow/engine_test_util.h"

namespace tandem::workflow {
namespace {

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::AddTestOperators(catalog_); }

  // The validation message of `yaml` ("" when valid).
  std::string Problems(const std::string& yaml, PipelinePlan* plan = nullptr) {
    auto spec = ParsePipelineYaml(yaml);
    if (!spec.ok()) return "PARSE: " + spec.status().message();
    Status st = ValidatePipeline(*spec, catalog_, plan);
    if (!st.ok()) {
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    }
    return st.ok() ? "" : st.message();
  }

  operators::Catalog catalog_;
};

TEST_F(ValidateTest, AcceptsTheCancerPipelineAndOrdersIt) {
  PipelinePlan plan;
  EXPECT_EQ(Problems(testing::kCancerYaml, &plan), "");
  EXPECT_EQ(plan.order, (std::vector<size_t>{0, 1, 2, 3, 4}));
  ASSERT_EQ(plan.operators.size(), 5u);
  EXPECT_EQ(plan.operators[2].name, "xgboost-train");
}

TEST_F(ValidateTest, OrderPutsProducersFirstAndPinsVersions) {
  PipelinePlan plan;
  EXPECT_EQ(Problems("name: p\nnodes:\n"
                     "  c: {operator: pass@1, inputs: {in: b.out}}\n"
                     "  b: {operator: pass, inputs: {in: a.out}}\n"
                     "  a: {operator: gen}\n"
                     "  d: {operator: gen}\n",
                     &plan),
            "");
  EXPECT_EQ(plan.order, (std::vector<size_t>{2, 1, 0, 3}));
  EXPECT_EQ(plan.operators[0].version, 1);
  EXPECT_EQ(plan.operators[1].version, 2);  // latest
}

// Model ports that say which formats they make and take are checked at validation: the
// built-in evaluate takes xgboost, linear and python models, not k-means ones; a port
// that does not say (a plug-in without `formats`) is left to the operator at run time.
TEST(ValidateFormatsTest, AModelOfAFormatTheOperatorCannotReadIsRefusedNamingThePort) {
  operators::Catalog catalog;
  ASSERT_TRUE(operators::RegisterBuiltins(catalog).ok());
  operators::OperatorDef unknown;
  unknown.name = "my-trainer";
  unknown.inputs = {{"train", {"table"}}};
  unknown.outputs = {{"model", {"model"}}};
  ASSERT_TRUE(catalog.Add(unknown).ok());
  auto problems = [&](const std::string& trainer) {
    auto spec = ParsePipelineYaml("name: x\nnodes:\n"
                                  "  load: {operator: dataset-load, params: {dataset: iris}}\n"
                                  "  train: {operator: " + trainer + ", inputs: {train: load.table}}\n"
                                  "  eval: {operator: evaluate, inputs: {model: train.model, test: load.table}}\n"
                                  "  score: {operator: predict, inputs: {model: train.model, table: load.table}}\n");
    EXPECT_TRUE(spec.ok());
    Status st = ValidatePipeline(*spec, catalog);
    return st.ok() ? "" : st.message();
  };
  EXPECT_EQ(problems("kmeans"),
            "nodes.eval.inputs.model: format mismatch: 'train.model' is a kmeans model, operator "
            "'evaluate' takes xgboost, linear, python models");
  EXPECT_EQ(problems("xgboost-train"), "");
  EXPECT_EQ(problems("logistic-regression"), "");
  EXPECT_EQ(problems("my-trainer"), "");
}

TEST_F(ValidateTest, UnknownOperator) {
  EXPECT_EQ(Problems("name: x\nnodes:\n  train: {operator: xgboost-trian}\n"),
            "nodes.train.operator: unknown operator 'xgboost-trian'");
  EXPECT_EQ(Problems("name: x\nnodes:\n  g: {operator: gen@9}\n"),
            "nodes.g.operator: operator 'gen' has no version 9");
}

TEST_F(ValidateTest, PortsNodesTypesAndMissingInputs) {
  EXPECT_EQ(Problems("name: x\nnodes:\n"
                     "  g: {operator: gen}\n"
                     "  a: {operator: pass, inputs: {inn: g.out}}\n"
                     "  b: {operator: pass, inputs: {in: h.out}}\n"
                     "  c: {operator: pass, inputs: {in: g.output}}\n"
                     "  t: {operator: xgboost-train, inputs: {train: g.out}}\n"
                     "  e: {operator: evaluate, inputs: {model: g.out, test: g.out}}\n"),
            "nodes.a.inputs.inn: operator 'pass' has no input port 'inn' (inputs: extra, in); "
            "nodes.a.inputs.in: required input is not wired; "
            "nodes.b.inputs.in: unknown node 'h'; "
            "nodes.c.inputs.in: node 'g' has no output port 'output' (outputs: out); "
            "nodes.e.inputs.model: type mismatch: 'g.out' is table, port 'model' takes model");
}

TEST_F(ValidateTest, NamesMustBeValid) {
  EXPECT_EQ(Problems("name: Bad Name\nnodes:\n  Gen: {operator: gen}\n"),
            "name: " + InvalidNameMessage("pipeline name", "Bad Name") + "; nodes.Gen: " +
                InvalidNameMessage("node name", "Gen"));
}

TEST_F(ValidateTest, CycleIsNamedInOrder) {
  EXPECT_EQ(Problems("name: loop\nnodes:\n"
                     "  g: {operator: gen}\n"
                     "  a: {operator: pass, inputs: {in: c.out}}\n"
                     "  b: {operator: pass, inputs: {in: a.out}}\n"
                     "  c: {operator: pass, inputs: {in: b.out, extra: g.out}}\n"),
            "cycle: a -> b -> c -> a");
  EXPECT_EQ(Problems("name: loop\nnodes:\n  a: {operator: pass, inputs: {in: a.out}}\n"),
            "cycle: a -> a");
}

TEST_F(ValidateTest, ReportsEveryProblemAtOnce) {
  std::string msg = Problems("name: x\nnodes:\n"
                             "  a: {operator: nope}\n"
                             "  b: {operator: split, inputs: {table: c.out}}\n"
                             "  c: {operator: pass, inputs: {in: b.train}}\n"
                             "  d: {operator: pass, inputs: {in: a.out}}\n");
  EXPECT_EQ(msg,
            "nodes.a.operator: unknown operator 'nope'; "
            "cycle: b -> c -> b");
}

// A pipeline of 1000 nodes: a chain of 500 and 500 leaves hanging off it.
PipelineSpec BigPipeline() {
  PipelineSpec spec;
  spec.name = "big";
  NodeSpec first;
  first.name = "n0";
  first.operator_ref = "gen";
  spec.nodes.push_back(first);
  for (int i = 1; i < 1000; ++i) {
    NodeSpec n;
    n.name = testing::Numbered("n", i);
    n.operator_ref = "pass";
    int producer = i < 500 ? i - 1 : (i * 7) % 500;
    n.inputs["in"] = {testing::Numbered("n", producer), "out"};
    if (i % 3 == 0) n.inputs["extra"] = {"n0", "out"};
    spec.nodes.push_back(n);
  }
  return spec;
}

TEST_F(ValidateTest, ThousandNodesValidateAndAnInjectedCycleIsNamed) {
  PipelineSpec spec = BigPipeline();
  PipelinePlan plan;
  ASSERT_TRUE(ValidatePipeline(spec, catalog_, &plan).ok());
  ASSERT_EQ(plan.order.size(), 1000u);
  std::vector<size_t> position(1000);
  for (size_t i = 0; i < plan.order.size(); ++i) position[plan.order[i]] = i;
  for (size_t i = 1; i < 1000; ++i) {
    for (const auto& [port, ref] : spec.nodes[i].inputs) {
      size_t producer = std::stoul(ref.node.substr(1));
      EXPECT_LT(position[producer], position[i]);
    }
  }
  // n10 now reads n12's output, closing n10 -> n11 -> n12 -> n10.
  spec.nodes[10].inputs["in"] = {"n12", "out"};
  Status st = ValidatePipeline(spec, catalog_);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "cycle: n10 -> n11 -> n12 -> n10");
}

// A chain of `n` nodes, each also reading the first: n - 1 + n / 2 edges.
PipelineSpec Chain(int n) {
  PipelineSpec spec;
  spec.name = "chain";
  spec.nodes.push_back(NodeSpec{"n0", "gen", {}, Json::object(), Json::object(), 0});
  for (int i = 1; i < n; ++i) {
    NodeSpec node{testing::Numbered("n", i), "pass", {}, Json::object(), Json::object(), 0};
    node.inputs["in"] = {testing::Numbered("n", i - 1), "out"};
    if (i % 2 == 0) node.inputs["extra"] = {"n0", "out"};
    spec.nodes.push_back(std::move(node));
  }
  return spec;
}

// Past what the parse limits allow: a long chain neither overflows the cycle search's
// stack nor is refused (validation walks nodes and edges without recursion).
TEST_F(ValidateTest, AThirtyTwoThousandNodeChainValidates) {
  EXPECT_TRUE(ValidatePipeline(Chain(32000), catalog_).ok());
}

}  // namespace
}  // namespace tandem::workflow
