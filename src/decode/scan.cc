#include "decode/scan.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "core/time.h"

namespace pantau::decode {

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view TrimLineEnd(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int64_t> ParseCanonicalInt(std::string_view s) {
  const size_t digits_at = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() == digits_at || s.size() > 20) return std::nullopt;
  if (s[digits_at] == '0' && s.size() > digits_at + 1) return std::nullopt;
  if (digits_at == 1 && s == "-0") return std::nullopt;
  for (size_t i = digits_at; i < s.size(); ++i) {
    if (!IsDigit(s[i])) return std::nullopt;
  }
  return ParseInt64(s);
}

bool ReadDigits(std::string_view s, size_t& pos, int n, int& out) {
  if (pos > s.size() || s.size() - pos < static_cast<size_t>(n)) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += n;
  return true;
}

bool IsIpv4Address(std::string_view s) {
  if (s.size() < 7 || s.size() > 15) return false;
  int parts = 0;
  size_t i = 0;
  while (true) {
    const size_t start = i;
    int v = 0;
    while (i < s.size() && IsDigit(s[i]) && i - start < 3) v = v * 10 + (s[i++] - '0');
    if (i == start || v > 255) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

bool IsIpv6Address(std::string_view s) {
  if (const size_t pct = s.find('%'); pct != std::string_view::npos) {
    if (pct + 1 == s.size()) return false;
    s = s.substr(0, pct);
  }
  if (s.size() < 2 || s.size() > 45) return false;
  if (s[0] == ':' && s[1] != ':') return false;
  int groups = 0;
  bool double_colon = false;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ':') {
      if (i + 1 < s.size() && s[i + 1] == ':') {
        if (double_colon) return false;
        double_colon = true;
        i += 2;
        continue;
      }
      // A single colon separates two groups.
      if (i == 0 || i + 1 == s.size()) return false;
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < s.size() && IsHexDigit(s[i]) && i - start < 5) ++i;
    if (i < s.size() && s[i] == '.') {
      if (!IsIpv4Address(s.substr(start))) return false;
      groups += 2;
      break;
    }
    if (i == start || i - start > 4) return false;
    ++groups;
    if (i < s.size() && s[i] != ':') return false;
  }
  return double_colon ? groups < 8 : groups == 8;
}

std::optional<BsdTimestamp> ParseBsdTimestamp(std::string_view s) {
  // "Mmm dd hh:mm:ss" is 15 bytes; some senders write "Mmm d hh:mm:ss".
  if (s.size() < 14 || s[3] != ' ') return std::nullopt;
  BsdTimestamp t;
  t.month = MonthFromAbbrev(s.substr(0, 3));
  if (t.month == 0) return std::nullopt;
  size_t p = 4;
  if ((s[4] == ' ' && IsDigit(s[5])) || (IsDigit(s[4]) && s[5] == ' ')) {
    t.day = s[4] == ' ' ? s[5] - '0' : s[4] - '0';
    p = s[4] == ' ' ? 6 : 5;
  } else if (!ReadDigits(s, p, 2, t.day)) {
    return std::nullopt;
  }
  if (p >= s.size() || s[p] != ' ') return std::nullopt;
  ++p;
  if (!ReadDigits(s, p, 2, t.hour) || p >= s.size() || s[p++] != ':' ||
      !ReadDigits(s, p, 2, t.minute) || p >= s.size() || s[p++] != ':' ||
      !ReadDigits(s, p, 2, t.second)) {
    return std::nullopt;
  }
  if (p + 1 < s.size() && s[p] == '.' && IsDigit(s[p + 1])) {
    ++p;
    int digits = 0;
    while (p < s.size() && IsDigit(s[p])) {
      if (digits < 9) {
        t.nanos = t.nanos * 10 + (s[p] - '0');
        ++digits;
      }
      ++p;
    }
    for (; digits < 9; ++digits) t.nanos *= 10;
  }
  if (p < s.size() && s[p] != ' ') return std::nullopt;
  if (t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59 || t.second > 60) {
    return std::nullopt;
  }
  t.length = p;
  return t;
}

std::optional<TimeNs> BsdTimestampToTime(const BsdTimestamp& t, TimeNs received) {
  const int year =
      CivilFromDays(received >= 0 ? received / kNsPerDay : (received - kNsPerDay + 1) / kNsPerDay)
          .year;
  auto at = MakeTime(year, t.month, t.day, t.hour, t.minute, t.second, t.nanos);
  if (!at || *at > received + kNsPerDay) {
    // Also covers Feb 29 of a year that is not a leap year: the previous year may be none either,
    // then the time is unusable.
    at = MakeTime(year - 1, t.month, t.day, t.hour, t.minute, t.second, t.nanos);
  }
  return at;
}

std::optional<TimeNs> EpochToTime(int64_t v) {
  if (v <= 0) return std::nullopt;
  constexpr int64_t kMaxSeconds = 99'999'999'999;  // year 5138
  int64_t scale = 1;
  if (v <= kMaxSeconds) {
    scale = kNsPerSecond;
  } else if (v <= kMaxSeconds * 1000) {
    scale = 1'000'000;
  } else if (v <= kMaxSeconds * 1'000'000) {
    scale = 1000;
  }
  // TimeNs ends in the year 2262; a later time is no time.
  int64_t ns = 0;
  if (__builtin_mul_overflow(v, scale, &ns)) return std::nullopt;
  return ns;
}

std::optional<TimeNs> EpochToTime(double v) {
  if (!std::isfinite(v) || v <= 0) return std::nullopt;
  if (v < 1e11) {
    const double ns = v * 1e9;
    if (ns >= 9.2e18) return std::nullopt;
    return static_cast<TimeNs>(std::llround(ns));
  }
  if (v >= 9.2e18) return std::nullopt;
  return EpochToTime(static_cast<int64_t>(v));
}

std::optional<int64_t> ParseZoneOffset(std::string_view s) {
  if (s == "Z" || s == "z" || s == "UTC" || s == "GMT") return 0;
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  size_t p = 1;
  int h = 0;
  int m = 0;
  if (!ReadDigits(s, p, 2, h)) return std::nullopt;
  if (p < s.size() && s[p] == ':') ++p;
  if (p < s.size() && !ReadDigits(s, p, 2, m)) return std::nullopt;
  if (p != s.size() || h > 23 || m > 59) return std::nullopt;
  const int64_t secs = h * 3600 + m * 60;
  return s[0] == '-' ? -secs : secs;
}

bool StartsWithIsoDateTime(std::string_view s) {
  // dddd-dd-ddTdd:dd
  if (s.size() < 16) return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15}) {
    if (!IsDigit(s[i])) return false;
  }
  return s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ') && s[13] == ':';
}

bool LooksLikeFortigate(std::string_view s) {
  if (s.starts_with("date=") || s.starts_with("logver=") || s.starts_with("devname=") ||
      s.starts_with("devid=")) {
    return true;
  }
  // Some FortiOS versions and FortiAnalyzer forwarders put other keys first; devid is always
  // near the start.
  return s.substr(0, 256).find(" devid=") != std::string_view::npos && s.find('=') < s.find(' ');
}

namespace {

// "10/Oct/2000:13:55:36" at s[p].
bool LooksLikeAccessTime(std::string_view s, size_t p) {
  if (s.size() - p < 20) return false;
  return IsDigit(s[p]) && IsDigit(s[p + 1]) && s[p + 2] == '/' && IsAlpha(s[p + 3]) &&
         s[p + 6] == '/' && IsDigit(s[p + 7]) && IsDigit(s[p + 10]) && s[p + 11] == ':';
}

constexpr bool IsHostChar(char c) {
  return IsAlnum(c) || c == '.' || c == '-' || c == '_' || c == ':' || c == '%';
}

}  // namespace

bool LooksLikeWebAccess(std::string_view s) {
  // client SP ident SP user SP "[10/Oct/2000:..."
  size_t p = 0;
  while (p < s.size() && p < 256 && IsHostChar(s[p])) ++p;
  if (p == 0 || p >= s.size() || s[p] != ' ') return false;
  const size_t bracket = s.find(" [", p);
  if (bracket == std::string_view::npos || bracket - p > 256) return false;
  if (s.substr(p, bracket - p).find('"') != std::string_view::npos) return false;
  return LooksLikeAccessTime(s, bracket + 2);
}

bool LooksLikeApacheError(std::string_view s) {
  // "[Www Mmm dd hh:mm:ss"
  return s.size() > 24 && s[0] == '[' && IsAlpha(s[1]) && IsAlpha(s[2]) && IsAlpha(s[3]) &&
         s[4] == ' ' && MonthFromAbbrev(s.substr(5, 3)) != 0 && s[8] == ' ' && IsDigit(s[10]) &&
         s[11] == ' ' && IsDigit(s[12]) && s[14] == ':';
}

bool LooksLikeNginxError(std::string_view s) {
  // "2026/11/27 10:00:00 ["
  if (s.size() < 21) return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (!IsDigit(s[i])) return false;
  }
  return s[4] == '/' && s[7] == '/' && s[10] == ' ' && s[13] == ':' && s[16] == ':' &&
         s[19] == ' ' && s[20] == '[';
}

std::string_view ReadQuoted(std::string_view s, size_t& pos, bool& escaped) {
  escaped = false;
  size_t p = pos + 1;
  const size_t start = p;
  while (p < s.size() && s[p] != '"') {
    if (s[p] == '\\' && p + 1 < s.size()) {
      escaped = true;
      p += 2;
    } else {
      ++p;
    }
  }
  const size_t end = p < s.size() ? p : s.size();
  pos = p < s.size() ? p + 1 : s.size();
  return s.substr(start, end - start);
}

std::string Unescape(std::string_view s, std::string_view escapable) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && escapable.find(s[i + 1]) != std::string_view::npos) {
      out.push_back(s[++i]);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace pantau::decode
