#include "core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace tandem {
namespace {

constexpr size_t kValid = std::string_view::npos;

TEST(Utf8Test, AcceptsAsciiAndEveryWellFormedLength) {
  EXPECT_EQ(FirstInvalidUtf8(""), kValid);
  EXPECT_EQ(FirstInvalidUtf8("plain"), kValid);
  EXPECT_EQ(FirstInvalidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), kValid);  // é € 😀
  EXPECT_EQ(FirstInvalidUtf8("\xEF\xBB\xBF" "bom"), kValid);
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x8F\xBF\xBF"), kValid);  // U+10FFFF, the last one
}

TEST(Utf8Test, NamesTheOffsetOfTheFirstBadByte) {
  EXPECT_EQ(FirstInvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(FirstInvalidUtf8("caf\xE9"), 3u);            // latin-1 é
  EXPECT_EQ(FirstInvalidUtf8("\x80"), 0u);               // a lone continuation byte
  EXPECT_EQ(FirstInvalidUtf8("x\xC3"), 1u);              // truncated at the end
  EXPECT_EQ(FirstInvalidUtf8("\xE2\x82" "x"), 0u);       // truncated in the middle
}

TEST(Utf8Test, RefusesOverlongFormsSurrogatesAndPastTheLastCodePoint) {
  EXPECT_EQ(FirstInvalidUtf8("\xC0\xAF"), 0u);           // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("\xE0\x80\xAF"), 0u);       // overlong, 3 bytes
  EXPECT_EQ(FirstInvalidUtf8("\xF0\x80\x80\xAF"), 0u);   // overlong, 4 bytes
  EXPECT_EQ(FirstInvalidUtf8("\xED\xA0\x80"), 0u);       // U+D800, a surrogate
  EXPECT_EQ(FirstInvalidUtf8("\xF4\x90\x80\x80"), 0u);   // U+110000
  EXPECT_EQ(FirstInvalidUtf8("\xF5\x80\x80\x80"), 0u);
}

}  // namespace
}  // namespace tandem
