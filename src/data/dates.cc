#include "data/dates.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace tandem::data {
namespace {

// Reads exactly `digits` decimal digits at text[*pos].
bool Digits(std::string_view text, size_t* pos, size_t digits, int* value) {
  if (*pos + digits > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += digits;
  *value = v;
  return true;
}

bool Char(std::string_view text, size_t* pos, char c) {
  if (*pos < text.size() && text[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

std::chrono::sys_days Days(const CivilTime& t) {
  using namespace std::chrono;
  return sys_days(year(t.year) / month(static_cast<unsigned>(t.month)) /
                  day(static_cast<unsigned>(t.day)));
}

// Moves `t` by `minutes` (a zone offset taken away), carrying into the date.
void ShiftMinutes(CivilTime* t, int minutes) {
  using namespace std::chrono;
  long long total = t->hour * 60LL + t->minute + minutes;
  long long day_shift = total >= 0 ? total / 1440 : -((-total + 1439) / 1440);
  total -= day_shift * 1440;
  year_month_day ymd(Days(*t) + days(day_shift));
  t->year = static_cast<int>(ymd.year());
  t->month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t->day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  t->hour = static_cast<int>(total / 60);
  t->minute = static_cast<int>(total % 60);
}

bool ParseTimeOfDay(std::string_view s, size_t* pos, CivilTime* t) {
  if (!Digits(s, pos, 2, &t->hour) || !Char(s, pos, ':') || !Digits(s, pos, 2, &t->minute)) return false;
  if (t->hour > 23 || t->minute > 59) return false;
  t->has_time = true;
  if (!Char(s, pos, ':')) return true;
  int whole = 0;
  if (!Digits(s, pos, 2, &whole) || whole > 60) return false;
  t->second = whole;
  if (Char(s, pos, '.') || Char(s, pos, ',')) {
    size_t start = *pos;
    while (*pos < s.size() && s[*pos] >= '0' && s[*pos] <= '9') ++*pos;
    if (*pos == start) return false;
    double fraction = 0, scale = 0.1;
    for (size_t i = start; i < *pos; ++i, scale /= 10) fraction += (s[i] - '0') * scale;
    t->second += fraction;
  }
  return true;
}

// "Z", "+HH:MM", "+HHMM", "+HH" (or '-'): the offset in minutes east of UTC.
bool ParseZone(std::string_view s, size_t* pos, int* offset) {
  *offset = 0;
  if (Char(s, pos, 'Z') || Char(s, pos, 'z')) return true;
  int sign = Char(s, pos, '+') ? 1 : Char(s, pos, '-') ? -1 : 0;
  if (sign == 0) return false;
  int h = 0, m = 0;
  if (!Digits(s, pos, 2, &h)) return false;
  if (Char(s, pos, ':')) {
    if (!Digits(s, pos, 2, &m)) return false;
  } else if (*pos < s.size()) {
    if (!Digits(s, pos, 2, &m)) return false;
  }
  if (h > 23 || m > 59) return false;
  *offset = sign * (h * 60 + m);
  return true;
}

}  // namespace

bool ParseIsoTime(std::string_view s, CivilTime* out) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  CivilTime t;
  size_t pos = 0;
  if (!Digits(s, &pos, 4, &t.year) || !Char(s, &pos, '-') || !Digits(s, &pos, 2, &t.month) ||
      !Char(s, &pos, '-') || !Digits(s, &pos, 2, &t.day)) {
    return false;
  }
  using namespace std::chrono;
  if (t.month < 1 || t.month > 12 || t.day < 1) return false;
  if (!(year(t.year) / month(static_cast<unsigned>(t.month)) / day(static_cast<unsigned>(t.day))).ok()) {
    return false;
  }
  if (pos < s.size()) {
    if (!Char(s, &pos, 'T') && !Char(s, &pos, ' ')) return false;
    if (!ParseTimeOfDay(s, &pos, &t)) return false;
    if (pos < s.size()) {
      int offset = 0;
      if (!ParseZone(s, &pos, &offset) || pos != s.size()) return false;
      if (offset != 0) ShiftMinutes(&t, -offset);
    }
  }
  *out = t;
  return true;
}

DateKind ColumnDateKind(const Column& column) {
  if (column.type != ColumnType::kString) return DateKind::kNone;
  bool any = false, timed = false;
  for (size_t r = 0; r < column.strings.size(); ++r) {
    if (column.missing[r]) continue;
    CivilTime t;
    if (!ParseIsoTime(column.strings[r], &t)) return DateKind::kNone;
    any = true;
    timed = timed || t.has_time;
  }
  if (!any) return DateKind::kNone;
  return timed ? DateKind::kDatetime : DateKind::kDate;
}

const char* DateKindName(DateKind kind) {
  return kind == DateKind::kDate ? "date" : kind == DateKind::kDatetime ? "datetime" : "";
}

const std::vector<std::string>& DatePartNames() {
  static const std::vector<std::string> kParts = {"year", "month", "day", "day_of_week",
                                                  "day_of_year", "hour", "minute", "second"};
  return kParts;
}

std::vector<std::string> DefaultDateParts(DateKind kind) {
  std::vector<std::string> parts = {"year", "month", "day", "day_of_week"};
  if (kind == DateKind::kDatetime) parts.insert(parts.end(), {"hour", "minute"});
  return parts;
}

double DatePart(const CivilTime& t, const std::string& part) {
  using namespace std::chrono;
  if (part == "year") return t.year;
  if (part == "month") return t.month;
  if (part == "day") return t.day;
  if (part == "day_of_week") return weekday(Days(t)).iso_encoding() - 1;
  if (part == "day_of_year") {
    return static_cast<double>((Days(t) - sys_days(year(t.year) / January / 1)).count() + 1);
  }
  if (part == "hour") return t.hour;
  if (part == "minute") return t.minute;
  if (part == "second") return t.second;
  return NAN;
}

std::string DatePartColumnName(const std::string& column, const std::string& part) {
  return column + "." + part;
}

}  // namespace tandem::data
