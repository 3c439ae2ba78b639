#include "cli/text_table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tandem::cli {
namespace {

TEST(TextTableTest, DisplayWidthCountsWideCharactersTwice) {
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("数据集"), 6u);     // CJK: two columns each
  EXPECT_EQ(DisplayWidth("ｄａｔａ"), 8u);   // fullwidth Latin
  EXPECT_EQ(DisplayWidth("café"), 4u);       // é is one column (two bytes)
  EXPECT_EQ(DisplayWidth("e\u0301"), 1u);   // a combining accent takes none
  EXPECT_EQ(DisplayWidth("\xff" "a"), 2u);   // a stray byte counts one
}

TEST(TextTableTest, ColumnsAlignWithCjkCells) {
  TextTable t({"NAME", "ROWS"});
  t.Add({"葡萄酒", "178"});
  t.Add({"iris", "150"});
  std::ostringstream out;
  t.Print(out, "  ");
  EXPECT_EQ(out.str(),
            "  NAME    ROWS\n"
            "  葡萄酒  178\n"
            "  iris    150\n");
}

TEST(TextTableTest, TimesAreUtcDates) {
  EXPECT_EQ(FormatTime(1764728658000LL), "2025-12-03 02:24:18 UTC");
  EXPECT_EQ(FormatTime(0), "-");
}

}  // namespace
}  // namespace tandem::cli
