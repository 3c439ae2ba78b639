#include "workflow/cron.h"

#include <gtest/gtest.h>

namespace tandem::workflow {
namespace {

// 2026-11-29 (a Sunday) 06:07:30 UTC.
constexpr TimeMs kSunday = 1'795'932'450'000;
constexpr TimeMs kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
// 2026-11-29 00:00 UTC.
constexpr TimeMs kMidnight = kSunday - 6 * kHour - 7 * kMinute - 30'000;

TimeMs Next(const std::string& expr, TimeMs after) {
  auto c = CronSchedule::Parse(expr);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? c->NextAfter(after) : 0;
}

std::string ParseError(const std::string& expr) {
  auto c = CronSchedule::Parse(expr);
  return c.ok() ? "" : c.status().message();
}

TEST(CronTest, EveryMinuteFiresAtTheNextWholeMinute) {
  EXPECT_EQ(Next("* * * * *", kSunday), kMidnight + 6 * kHour + 8 * kMinute);
  // Strictly after: a time on the minute gives the following minute.
  EXPECT_EQ(Next("* * * * *", kMidnight), kMidnight + kMinute);
}

TEST(CronTest, StepsListsAndRanges) {
  EXPECT_EQ(Next("*/5 * * * *", kSunday), kMidnight + 6 * kHour + 10 * kMinute);
  EXPECT_EQ(Next("5/15 * * * *", kSunday), kMidnight + 6 * kHour + 20 * kMinute);
  EXPECT_EQ(Next("0,30 * * * *", kSunday), kMidnight + 6 * kHour + 30 * kMinute);
  EXPECT_EQ(Next("0 9-17/4 * * *", kSunday), kMidnight + 9 * kHour);
  EXPECT_EQ(Next("0 9-17/4 * * *", kMidnight + 13 * kHour), kMidnight + 17 * kHour);
  EXPECT_EQ(Next("0 9-17/4 * * *", kMidnight + 17 * kHour), kMidnight + kDay + 9 * kHour);
  EXPECT_EQ(Next("0 0 * * *", kSunday), kMidnight + kDay);
}

TEST(CronTest, DayOfWeekAndMonthBoundaries) {
  // Monday 2026-11-30; 7 is Sunday as well as 0.
  EXPECT_EQ(Next("0 8 * * 1", kSunday), kMidnight + kDay + 8 * kHour);
  EXPECT_EQ(Next("0 8 * * 7", kSunday), kMidnight + 8 * kHour);  // later this Sunday
  EXPECT_EQ(Next("0 8 * * 7", kMidnight + 8 * kHour), kMidnight + 7 * kDay + 8 * kHour);
  EXPECT_EQ(Next("0 8 * * 0", kMidnight), kMidnight + 8 * kHour);
  // The first of next month (2026-12-01) and of next year.
  EXPECT_EQ(Next("0 0 1 * *", kSunday), kMidnight + 2 * kDay);
  EXPECT_EQ(Next("0 0 1 1 *", kSunday), kMidnight + (2 + 31) * kDay);
}

TEST(CronTest, RestrictedDayOfMonthAndWeekMatchEither) {
  // The 1st (Tuesday 2026-12-01) or any Monday (2026-11-30): Monday comes first.
  EXPECT_EQ(Next("0 0 1 * 1", kSunday), kMidnight + kDay);
  EXPECT_EQ(Next("0 0 1 * 1", kMidnight + kDay), kMidnight + 2 * kDay);
}

TEST(CronTest, LeapDayWaitsForALeapYear) {
  // 2028-02-29 00:00 UTC.
  EXPECT_EQ(Next("0 0 29 2 *", kSunday), 1'835'395'200'000);
}

TEST(CronTest, ErrorsNameTheField) {
  EXPECT_EQ(ParseError("*/5 * * *"),
            "cron: '*/5 * * *' has 4 fields; expected 5: minute hour day-of-month month day-of-week");
  EXPECT_EQ(ParseError("0 24 * * *"), "cron: hour: 24 is out of range 0-23");
  EXPECT_EQ(ParseError("60 * * * *"), "cron: minute: 60 is out of range 0-59");
  EXPECT_EQ(ParseError("* * 0 * *"), "cron: day-of-month: 0 is out of range 1-31");
  EXPECT_EQ(ParseError("* * * 13 *"), "cron: month: 13 is out of range 1-12");
  EXPECT_EQ(ParseError("* * * * 8"), "cron: day-of-week: 8 is out of range 0-7");
  EXPECT_EQ(ParseError("*/0 * * * *"), "cron: minute: step in '*/0' must be a positive number");
  EXPECT_EQ(ParseError("* 5-2 * * *"), "cron: hour: range '5-2' runs backwards");
  EXPECT_EQ(ParseError("* x * * *"), "cron: hour: 'x' is not a number");
  EXPECT_EQ(ParseError("1,,2 * * * *"), "cron: minute: empty item in '1,,2'");
  EXPECT_EQ(ParseError("0 0 31 2 *"), "cron: day-of-month: '31' never falls in month '2'");
}

TEST(CronTest, TextIsNormalised) {
  auto c = CronSchedule::Parse("  */5   *  * * *  ");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->text(), "*/5 * * * *");
}

}  // namespace
}  // namespace tandem::workflow
