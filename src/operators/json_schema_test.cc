#include "operators/json_schema.h"

#include <gtest/gtest.h>

#include "operators/builtin_library.h"

namespace tandem::operators {
namespace {

Json SchemaOf(const std::string& op) {
  Catalog catalog;
  EXPECT_TRUE(RegisterBuiltins(catalog).ok());
  auto def = catalog.Find(op);
  EXPECT_TRUE(def.ok());
  return def.ok() ? def->params_schema : Json::object();
}

std::string Error(const std::string& op, const Json& params) {
  auto r = ApplyParamsSchema(SchemaOf(op), params, "params");
  EXPECT_FALSE(r.ok()) << params.dump();
  return r.ok() ? "" : r.status().message();
}

TEST(JsonSchemaTest, FillsDefaultsAndTreatsNullAsAbsent) {
  auto r = ApplyParamsSchema(SchemaOf("split"), Json::object(), "params");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Json::parse(R"({"test_fraction":0.25,"seed":0,"stratify":false})"));
  auto x = ApplyParamsSchema(SchemaOf("xgboost-train"), {{"objective", nullptr}, {"eta", 0.1}}, "params");
  ASSERT_TRUE(x.ok()) << x.status().message();
  EXPECT_FALSE(x->contains("objective"));  // null = not given; no default: chosen at run time
  EXPECT_EQ((*x)["eta"], 0.1);
  EXPECT_EQ((*x)["num_rounds"], 100);
  auto whole = ApplyParamsSchema(SchemaOf("xgboost-train"), {{"num_rounds", 3.0}}, "params");
  ASSERT_TRUE(whole.ok());
  EXPECT_TRUE((*whole)["num_rounds"].is_number_integer());
}

TEST(JsonSchemaTest, BoundsNameTheParamAndTheLimit) {
  EXPECT_EQ(Error("split", {{"test_fraction", 1.5}}), "params.test_fraction: must be < 1, got 1.5");
  EXPECT_EQ(Error("split", {{"test_fraction", 0}}), "params.test_fraction: must be > 0, got 0");
  EXPECT_EQ(Error("xgboost-train", {{"max_depth", 33}}), "params.max_depth: must be <= 32, got 33");
  EXPECT_EQ(Error("xgboost-train", {{"max_depth", 0}}), "params.max_depth: must be >= 1, got 0");
}

TEST(JsonSchemaTest, TypesEnumsPatternsAndUnknownNames) {
  EXPECT_EQ(Error("xgboost-train", {{"num_rounds", 2.5}}), "params.num_rounds: expected integer, got 2.5");
  EXPECT_EQ(Error("xgboost-train", {{"objective", "rank:pairwise"}}),
            "params.objective: must be one of binary:logistic, multi:softprob or reg:squarederror, "
            "got \"rank:pairwise\"");
  EXPECT_EQ(Error("split", {{"stratify", "yes"}}), "params.stratify: expected boolean, got \"yes\"");
  EXPECT_EQ(Error("split", {{"ratio", 0.2}}).rfind("params.ratio: unknown field (known: ", 0), 0u);
  EXPECT_EQ(Error("register-model", Json::object()), "params.name: required field is missing");
  EXPECT_EQ(Error("register-model", {{"name", "My Model"}}).rfind("params.name: must match the pattern", 0), 0u);
  EXPECT_TRUE(ApplyParamsSchema(SchemaOf("register-model"), {{"name", "bc-model_2"}}, "params").ok());
}

TEST(JsonSchemaTest, ReportsEveryViolationAtOnceWithNestedPaths) {
  Json schema = Json::parse(R"({
    "type": "object", "required": ["columns"],
    "properties": {
      "columns": {"type": "array", "items": {"type": "string"}, "minItems": 1},
      "k": {"type": "number", "minimum": 0, "default": 1.5}}})");
  auto r = ApplyParamsSchema(schema, {{"columns", {"x", 3}}, {"k", -1}}, "nodes.f.params");
  ASSERT_FALSE(r.ok());
  const std::string m = r.status().message();
  EXPECT_NE(m.find("nodes.f.params.columns[1]: expected string, got 3"), std::string::npos) << m;
  EXPECT_NE(m.find("nodes.f.params.k: must be >= 0, got -1"), std::string::npos) << m;
  auto ok = ApplyParamsSchema(schema, {{"columns", {"x"}}}, "params");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)["k"], 1.5);
}

TEST(JsonSchemaTest, AnInvalidSchemaIsReported) {
  auto r = JsonSchema::Compile(Json::parse(R"({"type": 7})"), "operator 'x' params");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("operator 'x' params: not a valid JSON Schema"), std::string::npos);
}

}  // namespace
}  // namespace tandem::operators
