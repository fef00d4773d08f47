// Calendar arithmetic and timestamp text, UTC only, without the C library's locale or time-zone
// state (which is neither thread-safe nor fast).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace pantau {

struct CivilDate {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int year, int month, int day);
CivilDate CivilFromDays(int64_t days);

// "Jan".."Dec" (case-insensitive) to 1..12, or 0.
int MonthFromAbbrev(std::string_view s);

// Nanoseconds since the epoch for a date and time of day, or nullopt when a part is out of range
// or the year is outside 1678..2261 (what TimeNs can hold).
std::optional<TimeNs> MakeTime(int year, int month, int day, int hour, int minute, int second,
                               int64_t nanos = 0);

// 2026-11-27T20:51:09Z, with .mmm, .uuuuuu or .nnnnnnnnn when the time has a fraction.
std::string FormatRfc3339(TimeNs t);
// "2026-11-27", the UTC day of `t`.
std::string FormatDay(TimeNs t);

// RFC 3339 / ISO 8601 date-time: 2026-11-27T20:51:09[.frac](Z|+07:00|-0500), a space instead of
// T, or no zone (taken as UTC). Returns nullopt when `s` is not one.
std::optional<TimeNs> ParseRfc3339(std::string_view s);

}  // namespace pantau
