#include "workflow/param_args.h"

#include <gtest/gtest.h>

namespace tandem::workflow {
namespace {

const Json kDeclared = {{"rounds", {{"type", "integer"}, {"default", 10}}},
                        {"eta", {{"type", "number"}, {"default", 0.3}}},
                        {"balanced", {{"type", "boolean"}, {"default", false}}},
                        {"tag", {{"type", "string"}, {"default", "x"}}}};

TEST(ParamArgsTest, EachValueIsReadAsItsDeclaredType) {
  auto params = ParamsFromArgs(kDeclared, {"rounds=50", "eta=0.05", "balanced=true", "tag=50"});
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  EXPECT_EQ(*params, (Json{{"rounds", 50}, {"eta", 0.05}, {"balanced", true}, {"tag", "50"}}));
  EXPECT_TRUE((*params)["tag"].is_string());
  EXPECT_TRUE((*params)["rounds"].is_number_integer());
  // A number param takes a whole number; a later argument wins; '=' may be in a string.
  params = ParamsFromArgs(kDeclared, {"eta=1", "tag=a=b", "rounds=-3", "rounds=4"});
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  EXPECT_EQ(*params, (Json{{"rounds", 4}, {"eta", 1}, {"tag", "a=b"}}));
  EXPECT_EQ(*ParamsFromArgs(kDeclared, {"tag="}), (Json{{"tag", ""}}));
}

TEST(ParamArgsTest, WrongTypesUnknownNamesAndMalformedArgsAreAllNamed) {
  auto params = ParamsFromArgs(kDeclared, {"rounds=abc", "rounds=2.5", "balanced=yes", "eta=fast",
                                           "rouns=5", "noequals", "=5"});
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(params.status().message(),
            "--param rounds=abc: expected integer, the param's declared type; "
            "--param rounds=2.5: expected integer, the param's declared type; "
            "--param balanced=yes: expected boolean, the param's declared type; "
            "--param eta=fast: expected number, the param's declared type; "
            "--param rouns: unknown pipeline param (declared: balanced, eta, rounds, tag); "
            "--param noequals: expected NAME=VALUE; "
            "--param =5: expected NAME=VALUE");
  auto none = ParamsFromArgs(Json::object(), {"x=1"});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().message(), "--param x: unknown pipeline param (the pipeline declares none)");
}

TEST(ParamArgsTest, DeclarationsComeFromThePipelineYaml) {
  const std::string yaml =
      "name: p\nparams:\n  rounds: {type: integer, default: 10}\nnodes:\n  g: {operator: gen}\n";
  auto params = ParamsFromArgs(yaml, {"rounds=7"});
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  EXPECT_EQ(*params, (Json{{"rounds", 7}}));
  EXPECT_EQ(*ParamsFromArgs(std::string("not: [valid"), {}), Json::object());  // nothing to read
  EXPECT_FALSE(ParamsFromArgs(std::string("not: [valid"), {"rounds=7"}).ok());
}

}  // namespace
}  // namespace tandem::workflow
