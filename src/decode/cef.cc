#include "decode/cef.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "core/time.h"
#include "decode/common.h"
#include "decode/scan.h"
#include "decode/syslog.h"

namespace pantau {
namespace {

using decode::IsAlnum;
using decode::IsBlank;

constexpr bool IsKeyChar(char c) {
  return IsAlnum(c) || c == '_' || c == '.' || c == '-' || c == '[' || c == ']';
}

// True when s[p..] is `key=`: where a value that may hold spaces ends. A backslash is no key
// character, so an escaped "\=" never starts a key.
bool KeyStartsAt(std::string_view s, size_t p) {
  size_t k = p;
  while (k < s.size() && IsKeyChar(s[k])) ++k;
  return k > p && k < s.size() && s[k] == '=';
}

// Extension values: \= \\ \n \r (and \| which some senders write although only the header needs
// it); any other backslash stays.
std::string UnescapeValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out.push_back(v[i]);
      continue;
    }
    const char n = v[i + 1];
    switch (n) {
      case '=':
      case '\\':
      case '|':
        out.push_back(n);
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      default:
        out.push_back('\\');
        out.push_back(n);
        break;
    }
    ++i;
  }
  return out;
}

// Extension keys whose values are numbers in the CEF specification.
bool IsNumericKey(std::string_view key) {
  static constexpr std::array<std::string_view, 16> kKeys = {
      "cn1",   "cn2", "cn3",         "cnt", "destinationTranslatedPort", "dpid", "dpt", "dvcpid",
      "fsize", "in",  "oldFileSize", "out", "sourceTranslatedPort",      "spid", "spt", "type"};
  static_assert(std::is_sorted(kKeys.begin(), kKeys.end()));
  return std::binary_search(kKeys.begin(), kKeys.end(), key);
}

// Extension keys mapped to Elastic Common Schema names; suser feeds two.
struct EcsName {
  std::string_view key;
  std::string_view name;
  bool number;
};
constexpr std::array<EcsName, 21> kEcsNames = {{
    {"act", "event.action", false},
    {"app", "network.protocol", false},
    {"dhost", "destination.domain", false},
    {"dmac", "destination.mac", false},
    {"dpt", "destination.port", true},
    {"dst", "destination.ip", false},
    {"duser", "destination.user.name", false},
    {"dvc", "observer.ip", false},
    {"dvchost", "observer.hostname", false},
    {"fname", "file.name", false},
    {"filePath", "file.path", false},
    {"request", "url.original", false},
    {"requestClientApplication", "user_agent.original", false},
    {"requestMethod", "http.request.method", false},
    {"shost", "source.domain", false},
    {"smac", "source.mac", false},
    {"spt", "source.port", true},
    {"src", "source.ip", false},
    {"suser", "source.user.name", false},
    {"suser", "user.name", false},
    {"proto", "network.transport", false},
}};

// "Nov 27 2026 10:00:00[.123][ zone]", "Nov 27 10:00:00" (no year), epoch milliseconds or an
// RFC 3339 date-time: the forms the CEF specification allows for rt.
std::optional<TimeNs> ParseCefTime(std::string_view v, TimeNs received) {
  if (v.empty()) return std::nullopt;
  if (decode::IsDigit(v[0]) && v.find_first_not_of("0123456789") == std::string_view::npos) {
    if (auto n = decode::ParseInt64(v)) return decode::EpochToTime(*n);
    return std::nullopt;
  }
  if (decode::StartsWithIsoDateTime(v)) return ParseRfc3339(v);
  if (v.size() < 15 || MonthFromAbbrev(v.substr(0, 3)) == 0) return std::nullopt;
  // With a year: "Mmm dd yyyy hh:mm:ss".
  if (v.size() >= 20 && v[6] == ' ' && v[11] == ' ') {
    size_t p = 4;
    int day, year;
    if (!decode::ReadDigits(v, p, 2, day)) return std::nullopt;
    p = 7;
    if (!decode::ReadDigits(v, p, 4, year)) return std::nullopt;
    // Reuse the BSD parser for the time of day by giving it "Mmm dd hh:mm:ss[.frac]".
    std::string bsd(v.substr(0, 7));
    const size_t rest_end = v.find(' ', 12);
    bsd.append(v.substr(12, rest_end == std::string_view::npos ? v.npos : rest_end - 12));
    auto t = decode::ParseBsdTimestamp(bsd);
    if (!t || t->length != bsd.size()) return std::nullopt;
    auto at = MakeTime(year, t->month, t->day, t->hour, t->minute, t->second, t->nanos);
    if (!at) return std::nullopt;
    if (rest_end != std::string_view::npos) {
      // A named zone other than UTC/GMT cannot be resolved without a zone database; such a time
      // is taken as UTC.
      if (auto off = decode::ParseZoneOffset(v.substr(rest_end + 1))) *at -= *off * kNsPerSecond;
    }
    return at;
  }
  auto t = decode::ParseBsdTimestamp(v);
  if (!t) return std::nullopt;
  return decode::BsdTimestampToTime(*t, received);
}

std::optional<int64_t> SeverityNumber(std::string_view s) {
  if (auto n = decode::ParseInt64(s)) return *n;
  if (decode::EqualsIgnoreCase(s, "Unknown")) return std::nullopt;
  if (decode::EqualsIgnoreCase(s, "Low")) return 3;
  if (decode::EqualsIgnoreCase(s, "Medium")) return 6;
  if (decode::EqualsIgnoreCase(s, "High")) return 8;
  if (decode::EqualsIgnoreCase(s, "Very-High")) return 10;
  return std::nullopt;
}

}  // namespace

Status DecodeCefPayload(std::string_view text, size_t offset, Event& event) {
  size_t lead = 0;
  while (lead < text.size() && IsBlank(text[lead])) ++lead;
  if (text.substr(lead, 4) != "CEF:") {
    return decode::DecodeError("cef", "expected \"CEF:\"", offset + lead);
  }
  // Seven header fields separated by '|'; "\|" and "\\" are escapes.
  std::array<std::string_view, 7> header;
  std::array<bool, 7> escaped{};
  size_t p = lead + 4;
  size_t n = 0;
  size_t start = p;
  while (p < text.size() && n < 7) {
    if (text[p] == '\\' && p + 1 < text.size()) {
      escaped[n] = true;
      p += 2;
      continue;
    }
    if (text[p] == '|') {
      header[n++] = text.substr(start, p - start);
      start = p + 1;
    }
    ++p;
  }
  // Some senders end a record without extension after the severity, with no last '|'.
  if (n == 6 && p >= text.size()) {
    header[n++] = text.substr(start);
    start = text.size();
  }
  if (n < 7) {
    return decode::DecodeError(
        "cef", "header has " + std::to_string(n) + " of 7 '|'-separated fields", offset + p);
  }
  auto header_text = [&](size_t i) {
    return escaped[i] ? decode::Unescape(header[i], "|\\") : std::string(header[i]);
  };

  Fields& f = event.fields;
  event.dataset = "cef";
  static constexpr std::string_view kHeaderNames[] = {
      "cef.version",      "cef.device_vendor", "cef.device_product", "cef.device_version",
      "cef.signature_id", "cef.name",          "cef.severity"};
  for (size_t i = 0; i < 6; ++i) f.Set(kHeaderNames[i], header_text(i));
  const auto severity = SeverityNumber(header[6]);
  if (auto num = decode::ParseInt64(header[6])) {
    f.Set("cef.severity", *num);
  } else {
    f.Set("cef.severity", header_text(6));
  }
  f.Set("observer.vendor", header_text(1));
  f.Set("observer.product", header_text(2));
  f.Set("observer.version", header_text(3));
  f.Set("event.code", header_text(4));
  if (severity) f.Set("event.severity", *severity);
  event.message = header_text(5);

  // Extension: key=value pairs; a value runs to the next " key=".
  const std::string_view ext = text.substr(start);
  std::string name = "cef.extensions.";
  const size_t prefix_len = name.size();
  size_t kept = 0;
  std::string_view rt;
  std::string msg;
  bool has_msg = false;
  size_t q = 0;
  while (q < ext.size() && IsBlank(ext[q])) ++q;
  while (q < ext.size()) {
    if (!KeyStartsAt(ext, q)) {
      // Text that is no key=value: skip to the next key; the raw line keeps it.
      while (q < ext.size() && !(IsBlank(ext[q]) && KeyStartsAt(ext, q + 1))) {
        q += ext[q] == '\\' ? 2 : 1;
      }
      while (q < ext.size() && IsBlank(ext[q])) ++q;
      continue;
    }
    const size_t key_start = q;
    while (ext[q] != '=') ++q;
    const std::string_view key = ext.substr(key_start, q - key_start);
    const size_t value_start = ++q;
    while (q < ext.size() && !(ext[q] == ' ' && KeyStartsAt(ext, q + 1))) {
      q += ext[q] == '\\' ? 2 : 1;
    }
    q = std::min(q, ext.size());
    std::string_view raw_value = ext.substr(value_start, q - value_start);
    while (!raw_value.empty() && IsBlank(raw_value.back())) raw_value.remove_suffix(1);
    while (q < ext.size() && IsBlank(ext[q])) ++q;

    const bool has_escape = raw_value.find('\\') != std::string_view::npos;
    std::string value = has_escape ? UnescapeValue(raw_value) : std::string(raw_value);
    if (key == "rt") rt = raw_value;
    if (key == "msg") {
      msg = value;
      has_msg = true;
    }
    const bool numeric = IsNumericKey(key);
    for (const EcsName& m : kEcsNames) {
      if (m.key != key || value.empty()) continue;
      if (m.number) {
        if (auto v = decode::ParseInt64(value)) f.Set(m.name, *v);
      } else if (m.name == "network.transport" || m.name == "network.protocol") {
        f.Set(m.name, decode::ToLowerAscii(value));
      } else {
        f.Set(m.name, value);
      }
    }
    if (key == "outcome") {
      const std::string lower = decode::ToLowerAscii(value);
      if (lower == "success" || lower == "failure") f.Set("event.outcome", lower);
    }
    if (kept == decode::kMaxSourceFields) continue;
    ++kept;
    name.resize(prefix_len);
    name.append(key);
    if (numeric) {
      if (auto v = decode::ParseCanonicalInt(value)) {
        f.Set(name, *v);
        continue;
      }
    }
    f.Set(name, std::move(value));
  }
  if (has_msg) event.message = std::move(msg);
  if (auto t = ParseCefTime(rt, event.received)) decode::SetTime(event, *t);
  return Status::Ok();
}

Result<Event> DecodeCef(std::string_view line, const DecodeContext& ctx) {
  return DecodeBareOrBehindSyslog(line, ctx, SyslogPayload::kCef, DecodeCefPayload);
}

}  // namespace pantau
