#include "core/parse_limits.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "core/yaml_json.h"

namespace tandem {
namespace {

std::string Nested(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(JsonDepthTest, RefusesDeepNestingBeforeBuildingATree) {
  EXPECT_TRUE(ParseJson(Nested(64), "body").ok());
  auto deep = ParseJson(Nested(65), "body");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().message(), "body: nested deeper than 64 levels (at byte 64)");
  // 60,000 levels once overflowed the stack of the recursive copy; now a clear error.
  auto bomb = ParseJson("{\"resources\":" + Nested(60000) + "}", "request body");
  ASSERT_FALSE(bomb.ok());
  EXPECT_NE(bomb.status().message().find("nested deeper than 64"), std::string::npos);
}

TEST(JsonDepthTest, ANumberPastDoublesRangeIsAnErrorNotAThrow) {
  auto huge = ParseJson("{\"x\": 1e400}", "request body");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().message(), "request body is not valid JSON: a number is out of range");
}

TEST(JsonDepthTest, BracketsInsideStringsDoNotCount) {
  std::string text = "{\"a\": \"" + std::string(100, '[') + "\\\"" + std::string(100, '{') + "\"}";
  EXPECT_TRUE(ParseJson(text).ok());
}

TEST(YamlLimitsTest, RefusesABillionLaughs) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  ASSERT_LT(bomb.size(), 600u);
  auto parsed = ParseYamlText(bomb, "pipeline.yaml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("pipeline.yaml: line "), std::string::npos)
      << parsed.status().message();
  EXPECT_NE(parsed.status().message().find("more than 1000000 values once its aliases are expanded"),
            std::string::npos)
      << parsed.status().message();
}

TEST(YamlLimitsTest, AliasesWithinTheBoundAreFine) {
  auto parsed = ParseYamlText("base: &p {rounds: 10, depth: [1, 2]}\nnodes:\n  a: *p\n  b: *p\n", "f");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ((*parsed)["nodes"]["b"]["depth"][1], 2);
  // The expanded count is exact: 3 values per {rounds, depth: [1, 2]} map + keys.
  ParseLimits tight;
  tight.max_values = 12;
  EXPECT_FALSE(CheckYamlLimits("base: &p {rounds: 10, depth: [1, 2]}\na: *p\nb: *p\n", "f", tight).ok());
  tight.max_values = 40;
  EXPECT_TRUE(CheckYamlLimits("base: &p {rounds: 10, depth: [1, 2]}\na: *p\nb: *p\n", "f", tight).ok());
}

TEST(YamlLimitsTest, RefusesDeepNesting) {
  auto deep = ParseYamlText(std::string(65, '[') + std::string(65, ']'), "operator.yaml");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().message(), "operator.yaml: line 1: nested deeper than 64 levels");
  EXPECT_TRUE(ParseYamlText(std::string(60, '[') + std::string(60, ']'), "operator.yaml").ok());
}

TEST(YamlLimitsTest, RefusesTextThatIsNotUtf8WithItsLineAndColumn) {
  // fuzz/crashes/pipeline_spec/non_utf8_param.yaml: such a value used to throw out of
  // nlohmann's dump() when a schema error showed it.
  auto latin1 = ParseYamlText("name: x\nparams: {seed: \"\xff\"}\n", "pipeline.yaml");
  ASSERT_FALSE(latin1.ok());
  EXPECT_EQ(latin1.status().message(),
            "pipeline.yaml: line 2, column 17: byte 0xFF is not UTF-8 (save the file as UTF-8)");
  EXPECT_TRUE(ParseYamlText("name: caf\xC3\xA9\n", "pipeline.yaml").ok());
}

TEST(YamlLimitsTest, RefusesControlCharactersButTabAndLineEnds) {
  // fuzz/crashes/pipeline_spec/oom-be02...: a NUL made yaml-cpp emit millions of events.
  auto nul = ParseYamlText(std::string("# x\n, params: {d\0\0: 7}\n", 24), "pipeline.yaml");
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.status().message(),
            "pipeline.yaml: line 2, column 13: control character 0x00 is not allowed in YAML");
  EXPECT_TRUE(ParseYamlText("a:\t1\r\nb: 2\n", "f").ok());
}

TEST(YamlLimitsTest, TextOnWhichTheParserLoopsIsRefusedAtOnce) {
  // Fuzzing found 4 bytes on which yaml-cpp emits nulls without end.
  auto looping = ParseYamlText(">-\n,", "pipeline.yaml");
  ASSERT_FALSE(looping.ok());
  EXPECT_NE(looping.status().message().find("malformed YAML (the parser stopped making progress here)"),
            std::string::npos) << looping.status().message();
  // Implicit nodes are not mistaken for it.
  EXPECT_TRUE(ParseYamlText("a:\nb:\n- :\n- {}\n", "f").ok());
}

TEST(YamlLimitsTest, MalformedTextIsLeftToTheParser) {
  auto broken = ParseYamlText("a: [1,\n", "operator.yaml");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("operator.yaml: line"), std::string::npos);
}

}  // namespace
}  // namespace tandem
