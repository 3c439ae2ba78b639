#include "registry/model_ref.h"

#include <gtest/gtest.h>

namespace tandem::registry {
namespace {

TEST(ModelRefTest, ParsesTheThreeForms) {
  auto latest = ParseModelRef("cancer");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->name, "cancer");
  EXPECT_EQ(latest->version, 0);
  EXPECT_EQ(latest->alias, "");
  auto pinned = ParseModelRef("cancer:12");
  ASSERT_TRUE(pinned.ok());
  EXPECT_EQ(pinned->version, 12);
  EXPECT_EQ(pinned->ToString(), "cancer:12");
  auto aliased = ParseModelRef("cancer@production");
  ASSERT_TRUE(aliased.ok());
  EXPECT_EQ(aliased->alias, "production");
  EXPECT_EQ(aliased->ToString(), "cancer@production");
}

TEST(ModelRefTest, ErrorsNameTheBadPart) {
  EXPECT_EQ(ParseModelRef("cancer:0").status().message(),
            "model version '0' in 'cancer:0' is not a positive number (use NAME, "
            "NAME:VERSION or NAME@ALIAS)");
  EXPECT_EQ(ParseModelRef("cancer:x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(ParseModelRef("Cancer").status().message().find("model name 'Cancer'"),
            std::string::npos);
  EXPECT_NE(ParseModelRef("cancer@3").status().message().find("model alias '3'"),
            std::string::npos);
  EXPECT_FALSE(ParseModelRef("cancer@").ok());
  EXPECT_FALSE(ParseModelRef("").ok());
}

}  // namespace
}  // namespace tandem::registry
