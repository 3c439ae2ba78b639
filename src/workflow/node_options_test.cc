// Pipeline params, durations, `when` and the node keys of node_options.h, as parsed and
// validated (no engine).
#include <gtest/gtest.h>

#include "workflow/duration.h"
#include "workflow/engine_test_util.h"
#include "workflow/node_options.h"
#include "workflow/params_template.h"
#include "workflow/validate.h"
#include "workflow/when_expr.h"

namespace tandem::workflow {
namespace {

class SpecFeaturesTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::AddTestOperators(catalog_); }

  std::string Problems(const std::string& yaml, PipelinePlan* plan = nullptr,
                       const Json& overrides = Json::object()) {
    auto spec = ParsePipelineYaml(yaml);
    if (!spec.ok()) return "PARSE: " + spec.status().message();
    Status st = ValidatePipeline(*spec, catalog_, plan, overrides);
    return st.ok() ? "" : st.message();
  }

  operators::Catalog catalog_;
};

const char* kParamsYaml = R"(name: p
params:
  rounds: {type: integer, default: 100}
  objective: {type: string, default: "binary:logistic"}
  eta: {type: number, default: 0.1}
  fast: {type: boolean, default: false}
nodes:
  g: {operator: gen, params: {num_rounds: "{{params.rounds}}", tag: "obj={{params.objective}}/{{params.rounds}}", nested: {e: "{{params.eta}}", l: ["{{params.fast}}"]}}}
)";

TEST(DurationTest, ParsesUnitsAndFormatsBack) {
  EXPECT_EQ(ParseDurationMs("500ms"), 500);
  EXPECT_EQ(ParseDurationMs("30s"), 30000);
  EXPECT_EQ(ParseDurationMs("2m"), 120000);
  EXPECT_EQ(ParseDurationMs("1h"), 3600000);
  EXPECT_EQ(ParseDurationMs(5), 5000);
  EXPECT_FALSE(ParseDurationMs("5"));
  EXPECT_FALSE(ParseDurationMs("-1s"));
  EXPECT_FALSE(ParseDurationMs("1d"));
  EXPECT_FALSE(ParseDurationMs(true));
  EXPECT_EQ(FormatDuration(30000), "30s");
  EXPECT_EQ(FormatDuration(1500), "1500ms");
  EXPECT_EQ(FormatDuration(120000), "2m");
  EXPECT_EQ(FormatDuration(7200000), "2h");
}

TEST(WhenExprTest, ParsesAndEvaluates) {
  auto w = ParseWhen("evaluate.metrics.accuracy >= 0.9");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->node, "evaluate");
  EXPECT_EQ(w->metric, "accuracy");
  Json out = {{"_metrics", {{"accuracy", 0.95}}}};
  EXPECT_TRUE(EvaluateWhen(*w, out));
  out["_metrics"]["accuracy"] = 0.85;
  EXPECT_FALSE(EvaluateWhen(*w, out));
  EXPECT_FALSE(EvaluateWhen(*w, Json::object()));  // missing metric: false
  for (const char* ok : {"a.metrics.m > 1", "a.metrics.m <= -2", "a.metrics.m < 1e3",
                         "a.metrics.m == 0", "a.metrics.m != 0.5"}) {
    EXPECT_TRUE(ParseWhen(ok).ok()) << ok;
  }
  EXPECT_NE(ParseWhen("a.metrics.m => 1").status().message().find("unknown operator '=>'"),
            std::string::npos);
  EXPECT_FALSE(ParseWhen("a.m >= 1").ok());
  EXPECT_FALSE(ParseWhen("a.metrics.m >= high").ok());
  EXPECT_FALSE(ParseWhen("a.metrics.m >= 1 and").ok());
}

TEST_F(SpecFeaturesTest, ParamsSubstituteTypedOrAsText) {
  PipelinePlan plan;
  ASSERT_EQ(Problems(kParamsYaml, &plan), "");
  const Json& p = plan.params[0];
  EXPECT_EQ(p["num_rounds"], 100);
  EXPECT_TRUE(p["num_rounds"].is_number_integer());
  EXPECT_EQ(p["tag"], "obj=binary:logistic/100");
  EXPECT_EQ(p["nested"]["e"], 0.1);
  EXPECT_EQ(p["nested"]["l"][0], false);
  EXPECT_EQ(plan.param_values["objective"], "binary:logistic");

  ASSERT_EQ(Problems(kParamsYaml, &plan, {{"rounds", 7}, {"fast", true}}), "");
  EXPECT_EQ(plan.params[0]["num_rounds"], 7);
  EXPECT_EQ(plan.params[0]["nested"]["l"][0], true);
  EXPECT_EQ(plan.param_values["rounds"], 7);
}

TEST_F(SpecFeaturesTest, ParamProblemsAreAllReportedWithPaths) {
  EXPECT_EQ(Problems(kParamsYaml, nullptr, {{"rouns", 7}, {"rounds", "many"}}),
            "params.rounds: expected integer, got \"many\"; "
            "params.rouns: unknown pipeline param 'rouns'");
  EXPECT_EQ(Problems("name: p\nparams:\n  rounds: {type: int}\n  n: {type: number}\n"
                     "  x: {type: string, default: 3}\n  y: 4\nnodes:\n"
                     "  train: {operator: gen, params: {num_rounds: \"{{params.rouns}}\"}}\n"),
            "params.n: no value (no default and none given at submit); "
            "params.rounds.type: unknown type 'int' (use string, integer, number, boolean); "
            "params.x.default: expected string, got 3; "
            "params.y: expected {type: string|integer|number|boolean, default: ...}; "
            "nodes.train.params.num_rounds: unknown pipeline param 'rouns'");
}

TEST_F(SpecFeaturesTest, NodeOptionsParse) {
  PipelinePlan plan;
  ASSERT_EQ(Problems("name: p\nnodes:\n"
                     "  g: {operator: gen, retries: 2, timeout: 30s, cache: false,\n"
                     "      resources: {cpus: 2, memory: 2Gi, gpu: {fraction: 0.5}, environment: train}}\n"
                     "  h: {operator: pass, inputs: {in: g.out}, retries: {count: 3, backoff: 500ms}}\n",
                     &plan),
            "");
  const NodeOptions& g = plan.options[0];
  EXPECT_EQ(g.retries, 2);
  EXPECT_EQ(g.backoff_ms, 1000);
  EXPECT_EQ(g.timeout_ms, 30000);
  EXPECT_FALSE(g.cache);
  EXPECT_EQ(g.resources, Json({{"cpus", 2}, {"memory", "2Gi"}, {"gpu", {{"fraction", 0.5}}},
                                {"environment", "train"}}));
  const NodeOptions& h = plan.options[1];
  EXPECT_EQ(h.retries, 3);
  EXPECT_EQ(h.backoff_ms, 500);
  EXPECT_EQ(h.timeout_ms, 0);
  EXPECT_TRUE(h.cache);
  EXPECT_EQ(h.resources, Json::object());
}

TEST_F(SpecFeaturesTest, NodeOptionProblemsAreAllReportedWithPaths) {
  EXPECT_EQ(Problems("name: p\nnodes:\n"
                     "  g: {operator: gen, retries: -1, timeout: 30, cache: maybe,\n"
                     "      resources: {cpus: -1, memory: 2GB, gpu: {fraction: 2}, environment: prod, disk: 1}}\n"
                     "  h: {operator: pass, inputs: {in: g.out}, retries: {count: 1, backoff: soon}, timeout: 10d}\n"),
            "nodes.g.retries: expected a count 0..100 or {count, backoff}; "
            "nodes.g.cache: expected true or false; "
            "nodes.g.resources.cpus: must not be negative; "
            "nodes.g.resources.disk: unknown key (known: cpus, memory, gpu, models, priority, project, "
            "environment, mode); "
            "nodes.g.resources.environment: expected train, test or infer, got 'prod'; "
            "nodes.g.resources.gpu.fraction: must be in (0, 1]; "
            "nodes.g.resources.memory: unknown unit 'GB' (use Mi, Gi or Ti); "
            "nodes.h.retries.backoff: expected a duration like 1s, 500ms, 2m; "
            "nodes.h.timeout: expected a duration like 30s, 500ms, 10m, 1h");
}

TEST_F(SpecFeaturesTest, WhenAddsAnEdgeAndNamesAKnownNode) {
  PipelinePlan plan;
  // c reads a's metrics without wiring a port: a still comes first.
  ASSERT_EQ(Problems("name: p\nnodes:\n"
                     "  c: {operator: gen, when: \"a.metrics.accuracy >= 0.9\"}\n"
                     "  a: {operator: gen}\n",
                     &plan),
            "");
  EXPECT_EQ(plan.order, (std::vector<size_t>{1, 0}));
  ASSERT_TRUE(plan.options[0].when);
  EXPECT_EQ(Problems("name: p\nnodes:\n"
                     "  a: {operator: gen, when: \"evaluat.metrics.accuracy >= 0.9\"}\n"
                     "  b: {operator: gen, when: \"b.metrics.x > 1\"}\n"
                     "  c: {operator: gen, when: \"a.metrics.x >> 1\"}\n"),
            "nodes.a.when: unknown node 'evaluat'; "
            "nodes.b.when: a node cannot depend on its own metrics; "
            "nodes.c.when: unknown operator '>>' (use >=, >, <=, <, ==, !=)");
  EXPECT_EQ(Problems("name: p\nnodes:\n"
                     "  a: {operator: pass, inputs: {in: b.out}}\n"
                     "  b: {operator: gen, when: \"a.metrics.x > 1\"}\n"),
            "cycle: a -> b -> a");
}

}  // namespace
}  // namespace tandem::workflow
