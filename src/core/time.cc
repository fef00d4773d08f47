#include "core/time.h"

#include <cctype>
#include <cstdio>

namespace pantau {

int64_t DaysFromCivil(int year, int month, int day) {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(y + (m <= 2)), m, d};
}

int MonthFromAbbrev(std::string_view s) {
  static constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};
  if (s.size() != 3) return 0;
  char lower[3];
  for (int i = 0; i < 3; ++i)
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  for (int m = 0; m < 12; ++m) {
    if (std::string_view(lower, 3) == kMonths[m]) return m + 1;
  }
  return 0;
}

namespace {
bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}
}  // namespace

std::optional<TimeNs> MakeTime(int year, int month, int day, int hour, int minute, int second,
                               int64_t nanos) {
  // TimeNs (int64 nanoseconds) spans 1677-09-21 to 2262-04-11; outside whole years of that the
  // arithmetic below would overflow.
  if (year < 1678 || year > 2261 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 60 || nanos < 0 || nanos >= kNsPerSecond) {
    return std::nullopt;
  }
  if (second == 60) second = 59;  // a leap second is kept in its minute
  const int64_t days = DaysFromCivil(year, month, day);
  return (days * 86400 + hour * 3600 + minute * 60 + second) * kNsPerSecond + nanos;
}

namespace {
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

std::string FormatRfc3339(TimeNs t) {
  const int64_t secs = FloorDiv(t, kNsPerSecond);
  // Not t - secs * kNsPerSecond: for the earliest times that product overflows.
  int64_t nanos = t % kNsPerSecond;
  if (nanos < 0) nanos += kNsPerSecond;
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  const CivilDate d = CivilFromDays(days);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", d.year, d.month, d.day,
                        static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                        static_cast<int>(sod % 60));
  if (nanos != 0) {
    if (nanos % 1'000'000 == 0) {
      n += std::snprintf(buf + n, sizeof buf - n, ".%03d", static_cast<int>(nanos / 1'000'000));
    } else if (nanos % 1000 == 0) {
      n += std::snprintf(buf + n, sizeof buf - n, ".%06d", static_cast<int>(nanos / 1000));
    } else {
      n += std::snprintf(buf + n, sizeof buf - n, ".%09d", static_cast<int>(nanos));
    }
  }
  buf[n++] = 'Z';
  return std::string(buf, n);
}

std::string FormatDay(TimeNs t) {
  const CivilDate d = CivilFromDays(FloorDiv(t, kNsPerDay));
  char buf[16];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return std::string(buf, n);
}

namespace {

// Reads exactly `n` digits at s[pos] into `out`.
bool Digits(std::string_view s, size_t& pos, int n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

}  // namespace

std::optional<TimeNs> ParseRfc3339(std::string_view s) {
  size_t p = 0;
  int year, month, day, hour, minute, second = 0;
  if (!Digits(s, p, 4, year) || p >= s.size() || s[p++] != '-' || !Digits(s, p, 2, month) ||
      p >= s.size() || s[p++] != '-' || !Digits(s, p, 2, day)) {
    return std::nullopt;
  }
  if (p >= s.size() || (s[p] != 'T' && s[p] != 't' && s[p] != ' ')) return std::nullopt;
  ++p;
  if (!Digits(s, p, 2, hour) || p >= s.size() || s[p++] != ':' || !Digits(s, p, 2, minute)) {
    return std::nullopt;
  }
  if (p < s.size() && s[p] == ':') {
    ++p;
    if (!Digits(s, p, 2, second)) return std::nullopt;
  }
  int64_t nanos = 0;
  if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
    ++p;
    int digits = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (s[p] - '0');
        ++digits;
      }
      ++p;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int64_t offset_s = 0;
  if (p < s.size()) {
    const char z = s[p];
    if (z == 'Z' || z == 'z') {
      ++p;
    } else if (z == '+' || z == '-') {
      ++p;
      int oh, om = 0;
      if (!Digits(s, p, 2, oh)) return std::nullopt;
      if (p < s.size() && s[p] == ':') ++p;
      if (p < s.size() && !Digits(s, p, 2, om)) return std::nullopt;
      if (oh > 23 || om > 59) return std::nullopt;
      offset_s = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
    }
  }
  if (p != s.size()) return std::nullopt;
  auto t = MakeTime(year, month, day, hour, minute, second, nanos);
  if (!t) return std::nullopt;
  return *t - offset_s * kNsPerSecond;
}

}  // namespace pantau
