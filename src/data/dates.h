#pragma once
// ISO 8601 dates and times in table cells: how the reader types a text column as a date
// or a datetime, and the calendar parts the date-parts transform (transform.h) makes
// of them. Text stays the stored form; these functions only read it.
#include <string>
#include <string_view>
#include <vector>

#include "data/table.h"

namespace tandem::data {

// A calendar time in UTC (a written offset such as "+02:00" is taken away).
struct CivilTime {
  int year = 0, month = 0, day = 0;  // month 1..12, day 1..31
  int hour = 0, minute = 0;
  double second = 0;
  bool has_time = false;              // false for a bare "2026-12-03"
};

// "YYYY-MM-DD", optionally followed by 'T' or ' ' and "HH:MM", ":SS", ".fraction",
// then "Z" or "+HH:MM" / "-HH:MM" (or +HHMM). False for anything else, including a day
// the month does not have ("2026-02-30").
bool ParseIsoTime(std::string_view text, CivilTime* out);

enum class DateKind { kNone, kDate, kDatetime };

// kDate when every present value of a text column is a bare ISO date, kDatetime when
// every one parses and at least one has a time; kNone for number columns, columns with
// no present values, or any other text.
DateKind ColumnDateKind(const Column& column);
// "date" | "datetime" | "" (kNone).
const char* DateKindName(DateKind kind);

// The parts the date-parts transform can make: year, month (1-12), day (1-31),
// day_of_week (0 = Monday .. 6 = Sunday), day_of_year (1-366), hour, minute, second.
const std::vector<std::string>& DatePartNames();
// The parts a column of `kind` gets when none are asked for: year, month, day,
// day_of_week, plus hour and minute for a datetime.
std::vector<std::string> DefaultDateParts(DateKind kind);
// The value of `part` (one of DatePartNames) at `t`.
double DatePart(const CivilTime& t, const std::string& part);
// "<column>.<part>": the name of a date-parts output column.
std::string DatePartColumnName(const std::string& column, const std::string& part);

}  // namespace tandem::data
