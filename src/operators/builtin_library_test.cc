#include "operators/builtin_library.h"

#include <gtest/gtest.h>

#include <set>

#include "operators/json_schema.h"

namespace tandem::operators {
namespace {

TEST(BuiltinLibraryTest, RegistersEveryOperatorOnce) {
  Catalog catalog;
  ASSERT_TRUE(RegisterBuiltins(catalog).ok());
  auto defs = catalog.List();
  std::set<std::string> names, digests;
  for (const auto& d : defs) {
    names.insert(d.name);
    digests.insert(d.digest);
    EXPECT_EQ(d.version, 1);
    EXPECT_EQ(d.runtime, "builtin");
    EXPECT_EQ(d.digest.size(), 64u) << d.name;
    EXPECT_FALSE(d.description.empty()) << d.name;
    EXPECT_EQ(d.params_schema["type"], "object") << d.name;
    for (const auto& [key, rule] : d.params_schema["properties"].items()) {
      EXPECT_TRUE(rule.contains("description")) << d.name << " params." << key;
      EXPECT_TRUE(rule.contains("type")) << d.name << " params." << key;
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{
                       "csv-import", "dataset-load", "evaluate", "split", "register-model",
                       "xgboost-train", "image-folder-import", "profile", "impute", "drop-missing",
                       "outlier-filter", "select-columns", "standardize", "min-max-scale", "one-hot",
                       "bucketize", "image-augment", "linear-regression", "logistic-regression",
                       "kmeans", "predict", "date-features"}));
  EXPECT_EQ(digests.size(), defs.size());
  EXPECT_EQ(RegisterBuiltins(catalog).code(), StatusCode::kAlreadyExists);
}

TEST(BuiltinLibraryTest, DigestsAreStable) {
  Catalog a, b;
  ASSERT_TRUE(RegisterBuiltins(a).ok());
  ASSERT_TRUE(RegisterBuiltins(b).ok());
  EXPECT_EQ(a.Find("split")->digest, b.Find("split")->digest);
}

TEST(BuiltinLibraryTest, PortsAndDatasetParam) {
  Catalog catalog;
  ASSERT_TRUE(RegisterBuiltins(catalog).ok());
  auto load = catalog.Find("dataset-load");
  EXPECT_EQ(load->dataset_param, "dataset");
  EXPECT_TRUE(load->inputs.empty());
  EXPECT_EQ(load->outputs.at("table").type, "table");
  auto split = catalog.Find("split");
  EXPECT_EQ(split->outputs.size(), 2u);
  EXPECT_EQ(split->outputs.at("test").type, "table");
  auto train = catalog.Find("xgboost-train");
  EXPECT_EQ(train->inputs.at("train").type, "table");
  EXPECT_EQ(train->outputs.at("model").type, "model");
  auto eval = catalog.Find("evaluate");
  EXPECT_EQ(eval->inputs.at("model").type, "model");
  EXPECT_EQ(eval->outputs.at("metrics").type, "metrics");
  auto reg = catalog.Find("register-model");
  EXPECT_EQ(reg->inputs.at("metrics").type, "metrics");
  EXPECT_TRUE(reg->outputs.empty());
}

TEST(BuiltinLibraryTest, DefaultsSatisfyTheirOwnSchemas) {
  Catalog catalog;
  ASSERT_TRUE(RegisterBuiltins(catalog).ok());
  for (const auto& d : catalog.List()) {
    for (const auto& [key, rule] : d.params_schema["properties"].items()) {
      if (!rule.contains("default")) continue;
      Json one = {{key, rule["default"]}};
      for (const auto& req : d.params_schema.value("required", Json::array())) {
        const bool array = d.params_schema["properties"][req.get<std::string>()].value("type", "") == "array";
        one[req] = array ? Json::array({"x"}) : Json("x");
      }
      EXPECT_TRUE(ApplyParamsSchema(d.params_schema, one, "params").ok()) << d.name << "." << key;
    }
  }
}

}  // namespace
}  // namespace tandem::operators
