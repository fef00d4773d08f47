// Text scanning shared by the decoders: std::string_view in, no allocation unless a function
// returns a std::string, no locale, no regular expressions (decode runs for every line, and a
// regex engine costs more than the whole decode budget of a few microseconds).
//
// Every function reads only inside the view it is given, whatever the bytes are (NUL, invalid
// UTF-8, unbalanced quotes): log lines are hostile input.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace pantau::decode {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
constexpr bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool IsBlank(char c) { return c == ' ' || c == '\t'; }
constexpr char ToLowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string ToLowerAscii(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Without leading and trailing spaces and tabs.
std::string_view TrimBlanks(std::string_view s);
// Without trailing CR and LF: files written on Windows and some senders end lines with CRLF;
// the decoders look at the text without them (raw keeps them).
std::string_view TrimLineEnd(std::string_view s);

// All of `s` as a decimal int64 (optional leading '-'), or nullopt.
std::optional<int64_t> ParseInt64(std::string_view s);
// Like ParseInt64, but only the canonical spelling (no '+', no leading zeros, no "-0"): a value
// that becomes a number must print back as the same text, so "0000000013" stays text.
std::optional<int64_t> ParseCanonicalInt(std::string_view s);

// Reads exactly `n` digits at s[pos] and advances pos; false (pos unchanged) otherwise.
bool ReadDigits(std::string_view s, size_t& pos, int n, int& out);

bool IsIpv4Address(std::string_view s);
// IPv6 text form, with an optional %zone and an optional trailing dotted IPv4.
bool IsIpv6Address(std::string_view s);
inline bool IsIpAddress(std::string_view s) { return IsIpv4Address(s) || IsIpv6Address(s); }

// The RFC 3164 timestamp "Oct 11 22:14:15" (day padded with a space or a zero), optionally with
// a fraction ".123456" as some senders add.
struct BsdTimestamp {
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int64_t nanos = 0;
  size_t length = 0;  // bytes of `s` it took
};
std::optional<BsdTimestamp> ParseBsdTimestamp(std::string_view s);

// RFC 3164 leaves out the year: take the year of `received`, and the year before when that
// would put the time more than a day after receipt (a December line read in January).
std::optional<TimeNs> BsdTimestampToTime(const BsdTimestamp& t, TimeNs received);

// Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude (seconds
// until the year 5138). Zero and negative values are not times.
std::optional<TimeNs> EpochToTime(int64_t v);
// Fractional epoch seconds (Zeek's ts=1732672862.123456); large values by magnitude as above.
std::optional<TimeNs> EpochToTime(double v);

// "+0700", "+07:00", "-05", "Z", "UTC", "GMT" as seconds east of UTC.
std::optional<int64_t> ParseZoneOffset(std::string_view s);

// "2026-11-27T10:00" or "2026-11-27 10:00" at the start of `s`.
bool StartsWithIsoDateTime(std::string_view s);

// Cheap content checks shared by DetectFormat and the syslog payload dispatch.
bool LooksLikeFortigate(std::string_view s);
bool LooksLikeWebAccess(std::string_view s);
// "[Sun Dec 04 04:47:44 2005] [" (Apache httpd error log).
bool LooksLikeApacheError(std::string_view s);
// "2026/11/27 10:00:00 [" (nginx error log).
bool LooksLikeNginxError(std::string_view s);

// Reads a double-quoted string starting at s[pos] == '"'. Returns its inside (escapes not
// removed), sets `escaped` when it holds a backslash, and leaves pos after the closing quote.
// An unterminated string runs to the end of `s` (hostile input is decoded, not rejected).
std::string_view ReadQuoted(std::string_view s, size_t& pos, bool& escaped);
// Removes backslash escapes: "\x" becomes "x" for every x in `escapable`; other backslashes
// stay as they are, so unknown escapes keep their bytes.
std::string Unescape(std::string_view s, std::string_view escapable);

}  // namespace pantau::decode
