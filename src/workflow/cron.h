#pragma once
// Cron expressions: the classic 5 fields, evaluated in UTC.
//
//   minute (0-59)  hour (0-23)  day-of-month (1-31)  month (1-12)  day-of-week (0-7, 0 and 7 = Sunday)
//
// Each field is `*` or a comma list of items; an item is N, A-B, or either (or `*`)
// followed by /STEP. `N/STEP` means N through the field's maximum ("5/15" minutes = 5,20,
// 35,50). As in Vixie cron, when both day-of-month and day-of-week are restricted (not
// `*`), a day matches when either does; otherwise both must.
#include <bitset>
#include <string>

#include "core/clock.h"
#include "core/status.h"

namespace tandem::workflow {

class CronSchedule {
 public:
  // kInvalidArgument naming the field: "cron: hour: 24 is out of range 0-23".
  static Result<CronSchedule> Parse(const std::string& expr);

  // The first minute strictly after `after_ms` at which the schedule fires, in ms since
  // the epoch (UTC). Every valid expression fires within 8 years ("0 0 29 2 *" waits for a
  // leap year); an expression that can never fire ("0 0 31 2 *") gives kInvalidArgument
  // from Parse, so this always finds one.
  TimeMs NextAfter(TimeMs after_ms) const;

  const std::string& text() const { return text_; }

 private:
  bool DayMatches(int day_of_month, int month, int weekday) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;      // 1..31
  std::bitset<13> months_;    // 1..12
  std::bitset<7> weekdays_;   // 0..6, Sunday = 0
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

}  // namespace tandem::workflow
