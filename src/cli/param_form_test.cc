#include "cli/param_form.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tandem::cli {
namespace {

const Json kSchema = Json::parse(R"({
  "type": "object", "required": ["objective", "columns"],
  "properties": {
    "objective": {"enum": ["binary:logistic", "reg:squarederror"], "description": "Loss"},
    "max_depth": {"type": "integer", "minimum": 1, "maximum": 32, "default": 6},
    "columns": {"type": "array", "items": {"type": "string"}},
    "stratify": {"type": "boolean", "default": false},
    "eta": {"type": "number", "exclusiveMinimum": 0}
  }})");

TEST(ParamFormTest, AsksEachParamAndRetriesWrongAnswers) {
  // Schema order is alphabetical in nlohmann's object: columns, eta, max_depth, objective, stratify.
  std::istringstream in("a, b\n\n40\nseven\n3\nmulti\nbinary:logistic\nyes\n");
  std::ostringstream out;
  auto params = AskParams(kSchema, in, out);
  ASSERT_TRUE(params.ok()) << params.status().message();
  EXPECT_EQ(*params, Json::parse(R"({"columns": ["a", "b"], "max_depth": 3,
                                    "objective": "binary:logistic", "stratify": true})"));
  const std::string asked = out.str();
  EXPECT_NE(asked.find("max_depth: must be <= 32, got 40"), std::string::npos) << asked;
  EXPECT_NE(asked.find("expected integer"), std::string::npos) << asked;
  EXPECT_NE(asked.find("choose one of [\"binary:logistic\",\"reg:squarederror\"]"), std::string::npos);
  EXPECT_NE(asked.find("max_depth [6]: "), std::string::npos);
  EXPECT_NE(asked.find("Loss"), std::string::npos);
  EXPECT_EQ(ParamsYaml(*params), "columns: [\"a\",\"b\"]\nmax_depth: 3\nobjective: \"binary:logistic\"\nstratify: true\n");
}

TEST(ParamFormTest, DefaultsOnEmptyAnswersAndRequiredNeedsOne) {
  std::istringstream in("x\n\n\n\nreg:squarederror\n\n");
  std::ostringstream out;
  auto params = AskParams(kSchema, in, out);
  ASSERT_TRUE(params.ok()) << params.status().message();
  EXPECT_EQ((*params)["max_depth"], 6);
  EXPECT_EQ((*params)["stratify"], false);
  EXPECT_FALSE(params->contains("eta"));
  std::istringstream none("");
  EXPECT_FALSE(AskParams(kSchema, none, out).ok());
}

}  // namespace
}  // namespace tandem::cli
