#include "data/dates.h"

#include <gtest/gtest.h>

namespace tandem::data {
namespace {

TEST(DatesTest, ParsesIsoDatesAndTimes) {
  CivilTime t;
  ASSERT_TRUE(ParseIsoTime("2026-12-03", &t));
  EXPECT_EQ(t.year, 2026);
  EXPECT_EQ(t.month, 12);
  EXPECT_EQ(t.day, 3);
  EXPECT_FALSE(t.has_time);
  ASSERT_TRUE(ParseIsoTime("2026-12-03T07:45:30.25", &t));
  EXPECT_TRUE(t.has_time);
  EXPECT_EQ(t.hour, 7);
  EXPECT_EQ(t.minute, 45);
  EXPECT_DOUBLE_EQ(t.second, 30.25);
  ASSERT_TRUE(ParseIsoTime("2026-12-03 07:45", &t));
  EXPECT_EQ(t.minute, 45);
}

TEST(DatesTest, OffsetsAreTakenAwayAcrossMidnight) {
  CivilTime t;
  ASSERT_TRUE(ParseIsoTime("2027-01-01T01:30:00+02:00", &t));
  EXPECT_EQ(t.year, 2026);
  EXPECT_EQ(t.month, 12);
  EXPECT_EQ(t.day, 31);
  EXPECT_EQ(t.hour, 23);
  EXPECT_EQ(t.minute, 30);
  ASSERT_TRUE(ParseIsoTime("2026-02-28T23:00Z", &t));
  EXPECT_EQ(t.day, 28);
  ASSERT_TRUE(ParseIsoTime("2026-02-28T23:00-0130", &t));
  EXPECT_EQ(t.month, 3);
  EXPECT_EQ(t.day, 1);
  EXPECT_EQ(t.hour, 0);
  EXPECT_EQ(t.minute, 30);
}

TEST(DatesTest, RefusesWhatIsNotAnIsoDate) {
  CivilTime t;
  for (const char* bad : {"2026-02-30", "2026-13-01", "26-01-01", "2026/01/01", "2026-01-01T25:00",
                          "2026-01-01x", "1999", "2026-01-01T10", "12.5", ""}) {
    EXPECT_FALSE(ParseIsoTime(bad, &t)) << bad;
  }
  EXPECT_TRUE(ParseIsoTime("2024-02-29", &t));  // a leap day
}

TEST(DatesTest, ColumnKinds) {
  EXPECT_EQ(ColumnDateKind(Column::Strings("d", {"2026-01-01", "", "2026-01-02"}, {0, 1, 0})),
            DateKind::kDate);
  EXPECT_EQ(ColumnDateKind(Column::Strings("d", {"2026-01-01", "2026-01-02T10:00"})),
            DateKind::kDatetime);
  EXPECT_EQ(ColumnDateKind(Column::Strings("d", {"2026-01-01", "soon"})), DateKind::kNone);
  EXPECT_EQ(ColumnDateKind(Column::Strings("d", {""}, {1})), DateKind::kNone);
  EXPECT_EQ(ColumnDateKind(Column::Numbers("n", {1950})), DateKind::kNone);
}

TEST(DatesTest, Parts) {
  CivilTime t;
  ASSERT_TRUE(ParseIsoTime("2026-12-03T07:45:30", &t));  // a Thursday
  EXPECT_EQ(DatePart(t, "year"), 2026);
  EXPECT_EQ(DatePart(t, "month"), 12);
  EXPECT_EQ(DatePart(t, "day"), 3);
  EXPECT_EQ(DatePart(t, "day_of_week"), 3);
  EXPECT_EQ(DatePart(t, "day_of_year"), 337);
  EXPECT_EQ(DatePart(t, "hour"), 7);
  EXPECT_EQ(DatePart(t, "second"), 30);
  ASSERT_TRUE(ParseIsoTime("2026-11-30", &t));  // a Monday
  EXPECT_EQ(DatePart(t, "day_of_week"), 0);
  EXPECT_EQ(DefaultDateParts(DateKind::kDatetime).size(), 6u);
}

}  // namespace
}  // namespace tandem::data
