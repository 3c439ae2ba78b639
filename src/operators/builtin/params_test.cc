#include "operators/builtin/params.h"

#include <gtest/gtest.h>

#include "operators/builtin_library.h"

namespace tandem::operators::builtin {
namespace {

Json SchemaOf(const std::string& op) {
  Catalog catalog;
  EXPECT_TRUE(RegisterBuiltins(catalog).ok());
  auto def = catalog.Find(op);
  EXPECT_TRUE(def.ok());
  return def.ok() ? def->params_schema : Json::object();
}

std::string Error(const std::string& op, const Json& params) {
  auto r = ApplyParamSchema(SchemaOf(op), params);
  EXPECT_FALSE(r.ok()) << params.dump();
  return r.ok() ? "" : r.status().message();
}

TEST(ParamsTest, FillsDefaults) {
  auto r = ApplyParamSchema(SchemaOf("split"), Json::object());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Json::parse(R"({"test_fraction":0.25,"seed":0,"stratify":false})"));
  auto x = ApplyParamSchema(SchemaOf("xgboost-train"), {{"objective", nullptr}, {"eta", 0.1}});
  ASSERT_TRUE(x.ok());
  EXPECT_FALSE(x->contains("objective"));  // null = not given; no default: chosen at run time
  EXPECT_EQ((*x)["eta"], 0.1);
  EXPECT_EQ((*x)["num_rounds"], 100);
}

TEST(ParamsTest, BoundsNameTheParam) {
  EXPECT_EQ(Error("split", {{"test_fraction", 1.5}}),
            "params.test_fraction: must be less than 1, got 1.5");
  EXPECT_EQ(Error("split", {{"test_fraction", 0}}),
            "params.test_fraction: must be greater than 0, got 0");
  EXPECT_EQ(Error("xgboost-train", {{"max_depth", 33}}),
            "params.max_depth: must be at most 32, got 33");
}

TEST(ParamsTest, TypesEnumsPatternsAndUnknownNames) {
  EXPECT_EQ(Error("xgboost-train", {{"num_rounds", 2.5}}),
            "params.num_rounds: expected an integer, got 2.5");
  EXPECT_EQ(Error("xgboost-train", {{"objective", "rank:pairwise"}}),
            "params.objective: must be one of binary:logistic, multi:softprob, "
            "reg:squarederror, got \"rank:pairwise\"");
  EXPECT_EQ(Error("split", {{"stratify", "yes"}}), "params.stratify: expected a boolean, got \"yes\"");
  EXPECT_EQ(Error("split", {{"ratio", 0.2}}), "params.ratio: unknown parameter");
  EXPECT_EQ(Error("register-model", Json::object()), "params.name: required parameter is missing");
  EXPECT_NE(Error("register-model", {{"name", "My Model"}}).find("params.name"), std::string::npos);
  EXPECT_TRUE(ApplyParamSchema(SchemaOf("register-model"), {{"name", "bc-model_2"}}).ok());
  EXPECT_TRUE(ApplyParamSchema(SchemaOf("xgboost-train"), {{"num_rounds", 3.0}}).ok());
}

}  // namespace
}  // namespace tandem::operators::builtin
