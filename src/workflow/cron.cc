#include "workflow/cron.h"

#include <chrono>
#include <sstream>
#include <vector>

#include "core/digits.h"

namespace tandem::workflow {
namespace {

struct FieldRange {
  const char* name;
  int min;
  int max;
};
constexpr FieldRange kFields[] = {
    {"minute", 0, 59}, {"hour", 0, 23}, {"day-of-month", 1, 31}, {"month", 1, 12}, {"day-of-week", 0, 7}};

Status FieldError(const FieldRange& f, const std::string& what) {
  return InvalidArgument(std::string("cron: ") + f.name + ": " + what);
}

Result<int> ParseNumber(const FieldRange& f, const std::string& text) {
  auto v = ParseDigits(text, 2);
  if (!v) return FieldError(f, "'" + text + "' is not a number");
  if (*v < f.min || *v > f.max) {
    return FieldError(f, text + " is out of range " + std::to_string(f.min) + "-" + std::to_string(f.max));
  }
  return static_cast<int>(*v);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

// The values one field allows, as a bit per value from 0 to f.max.
Result<std::vector<bool>> ParseField(const FieldRange& f, const std::string& text) {
  std::vector<bool> allowed(f.max + 1, false);
  for (const std::string& item : Split(text, ',')) {
    if (item.empty()) return FieldError(f, "empty item in '" + text + "'");
    std::string range = item;
    int step = 1;
    if (size_t slash = item.find('/'); slash != std::string::npos) {
      range = item.substr(0, slash);
      auto s = ParseDigits(item.substr(slash + 1), 2);
      if (!s || *s < 1) return FieldError(f, "step in '" + item + "' must be a positive number");
      step = static_cast<int>(*s);
    }
    int lo = f.min, hi = f.max;
    if (range != "*") {
      if (size_t dash = range.find('-'); dash != std::string::npos) {
        ASSIGN_OR_RETURN(lo, ParseNumber(f, range.substr(0, dash)));
        ASSIGN_OR_RETURN(hi, ParseNumber(f, range.substr(dash + 1)));
        if (lo > hi) return FieldError(f, "range '" + range + "' runs backwards");
      } else {
        ASSIGN_OR_RETURN(lo, ParseNumber(f, range));
        // "N/STEP" runs to the maximum; a bare "N" is just N.
        hi = item.find('/') == std::string::npos ? lo : f.max;
      }
    }
    for (int v = lo; v <= hi; v += step) allowed[v] = true;
  }
  return allowed;
}

template <size_t N>
void Fill(std::bitset<N>& bits, const std::vector<bool>& allowed) {
  for (size_t v = 0; v < N && v < allowed.size(); ++v) bits[v] = allowed[v];
}

}  // namespace

Result<CronSchedule> CronSchedule::Parse(const std::string& expr) {
  std::istringstream in(expr);
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  if (fields.size() != 5) {
    return InvalidArgument("cron: '" + expr + "' has " + std::to_string(fields.size()) +
                           " fields; expected 5: minute hour day-of-month month day-of-week");
  }
  CronSchedule c;
  c.text_ = fields[0];
  for (size_t i = 1; i < 5; ++i) c.text_ += " " + fields[i];
  std::vector<std::vector<bool>> parsed;
  for (size_t i = 0; i < 5; ++i) {
    ASSIGN_OR_RETURN(auto allowed, ParseField(kFields[i], fields[i]));
    parsed.push_back(std::move(allowed));
  }
  Fill(c.minutes_, parsed[0]);
  Fill(c.hours_, parsed[1]);
  Fill(c.days_, parsed[2]);
  Fill(c.months_, parsed[3]);
  Fill(c.weekdays_, parsed[4]);
  if (parsed[4][7]) c.weekdays_[0] = true;  // 7 is Sunday too
  // Vixie cron: a field that starts with `*` ("*/2" too) does not restrict the day.
  c.days_restricted_ = fields[2][0] != '*';
  c.weekdays_restricted_ = fields[4][0] != '*';

  // A day-of-month that no allowed month has ("31 in February") never fires.
  if (!c.weekdays_restricted_) {
    constexpr int kLongest[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool any = false;
    for (int m = 1; m <= 12 && !any; ++m) {
      for (int d = 1; d <= kLongest[m] && !any; ++d) any = c.months_[m] && c.days_[d];
    }
    if (!any) {
      return InvalidArgument("cron: day-of-month: '" + fields[2] + "' never falls in month '" +
                             fields[3] + "'");
    }
  }
  return c;
}

bool CronSchedule::DayMatches(int day_of_month, int month, int weekday) const {
  if (!months_[month]) return false;
  const bool dom = days_[day_of_month], dow = weekdays_[weekday];
  if (days_restricted_ && weekdays_restricted_) return dom || dow;
  return dom && dow;
}

TimeMs CronSchedule::NextAfter(TimeMs after_ms) const {
  using namespace std::chrono;
  constexpr int64_t kMinuteMs = 60'000, kDayMs = 86'400'000;
  // The next whole minute strictly after `after_ms` (floor division for times before 1970).
  int64_t minute = (after_ms >= 0 ? after_ms / kMinuteMs : (after_ms - kMinuteMs + 1) / kMinuteMs) + 1;
  int64_t day = minute * kMinuteMs >= 0 ? minute * kMinuteMs / kDayMs
                                        : (minute * kMinuteMs - kDayMs + 1) / kDayMs;
  int first_minute_of_day = static_cast<int>(minute - day * 1440);
  // 8 years of days covers every leap-day wait; Parse refused what never fires.
  for (int64_t d = day; d < day + 8 * 366; ++d) {
    const sys_days date{days{d}};
    const year_month_day ymd{date};
    const int wday = static_cast<int>(weekday{date}.c_encoding());
    if (DayMatches(static_cast<int>(static_cast<unsigned>(ymd.day())),
                   static_cast<int>(static_cast<unsigned>(ymd.month())), wday)) {
      const int start = d == day ? first_minute_of_day : 0;
      for (int m = start; m < 1440; ++m) {
        if (hours_[m / 60] && minutes_[m % 60]) return (d * 1440 + m) * kMinuteMs;
      }
    }
  }
  return 0;  // unreachable for a parsed schedule
}

}  // namespace tandem::workflow
