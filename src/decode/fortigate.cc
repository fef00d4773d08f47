#include "decode/fortigate.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "decode/common.h"
#include "decode/scan.h"
#include "decode/syslog.h"

namespace pantau {
namespace {

using decode::IsBlank;

struct KvPair {
  std::string_view key;
  std::string_view value;  // as written, escapes not removed
  bool quoted = false;
  bool escaped = false;
};

std::string ValueText(const KvPair& kv) {
  return kv.escaped ? decode::Unescape(kv.value, "\"\\") : std::string(kv.value);
}

// FortiGate writes `key=value` or `key="quoted value"` separated by single spaces; anything else
// means the text is not a FortiGate log.
Status ParsePairs(std::string_view s, size_t offset, std::vector<KvPair>& pairs) {
  size_t p = 0;
  while (p < s.size() && IsBlank(s[p])) ++p;
  if (p == s.size()) return decode::DecodeError("fortigate", "no key=value pairs", offset + p);
  while (p < s.size()) {
    const size_t key_start = p;
    while (p < s.size() && s[p] != '=' && !IsBlank(s[p]) && s[p] != '"') ++p;
    if (p == key_start || p == s.size() || s[p] != '=') {
      return decode::DecodeError("fortigate", "expected key=value", offset + key_start);
    }
    KvPair kv;
    kv.key = s.substr(key_start, p - key_start);
    ++p;
    if (p < s.size() && s[p] == '"') {
      kv.quoted = true;
      kv.value = decode::ReadQuoted(s, p, kv.escaped);
    } else {
      const size_t value_start = p;
      while (p < s.size() && !IsBlank(s[p])) ++p;
      kv.value = s.substr(value_start, p - value_start);
    }
    // Bytes glued to a closing quote (`a="x"y`) belong to no pair; the raw line keeps them.
    while (p < s.size() && !IsBlank(s[p])) ++p;
    while (p < s.size() && IsBlank(s[p])) ++p;
    pairs.push_back(kv);
  }
  return Status::Ok();
}

// The keys that feed Elastic Common Schema fields, sorted for a binary search: a FortiGate line
// has 30 to 60 keys, and comparing each against every mapped name would cost more than the parse.
enum Key : int {
  kAction,
  kApp,
  kAttack,
  kAttackid,
  kDate,
  kDevid,
  kDevname,
  kDstintf,
  kDstip,
  kDstport,
  kEventtime,
  kFilename,
  kHostname,
  kLevel,
  kLogid,
  kMsg,
  kPolicyid,
  kPolicyname,
  kProto,
  kQname,
  kRcvdbyte,
  kRcvdpkt,
  kRemip,
  kSentbyte,
  kSentpkt,
  kService,
  kSrcintf,
  kSrcip,
  kSrcmac,
  kSrcport,
  kStatus,
  kSubtype,
  kTime,
  kTransip,
  kTransport,
  kType,
  kTz,
  kUnauthuser,
  kUrl,
  kUser,
  kKeyCount
};
constexpr std::array<std::string_view, kKeyCount> kKeyNames = {
    "action",  "app",     "attack",     "attackid",   "date",     "devid",    "devname",
    "dstintf", "dstip",   "dstport",    "eventtime",  "filename", "hostname", "level",
    "logid",   "msg",     "policyid",   "policyname", "proto",    "qname",    "rcvdbyte",
    "rcvdpkt", "remip",   "sentbyte",   "sentpkt",    "service",  "srcintf",  "srcip",
    "srcmac",  "srcport", "status",     "subtype",    "time",     "transip",  "transport",
    "type",    "tz",      "unauthuser", "url",        "user"};
static_assert(std::is_sorted(kKeyNames.begin(), kKeyNames.end()));

int FindKey(std::string_view key) {
  const auto it = std::lower_bound(kKeyNames.begin(), kKeyNames.end(), key);
  return it != kKeyNames.end() && *it == key ? static_cast<int>(it - kKeyNames.begin()) : -1;
}

bool IsOneOf(std::string_view v, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

// FortiOS 5 wrote UTM logs with their own type (type=virus); FortiOS 6 and 7 write type=utm.
std::string_view DatasetFor(std::string_view type) {
  if (type == "traffic") return "fortigate.traffic";
  if (type == "event") return "fortigate.event";
  if (IsOneOf(type,
              {"utm", "virus", "webfilter", "ips", "app-ctrl", "anomaly", "dlp", "emailfilter",
               "spam", "waf", "dns", "ssl", "ssh", "voip", "icap", "file-filter", "cifs"})) {
    return "fortigate.utm";
  }
  return "fortigate";
}

std::string_view CategoryFor(std::string_view type, std::string_view subtype,
                             std::string_view action) {
  if (type == "traffic") return "network";
  if (type == "event") {
    if (subtype == "user" || action.find("login") != std::string_view::npos ||
        action.find("logout") != std::string_view::npos ||
        action.find("auth") != std::string_view::npos) {
      return "authentication";
    }
    if (subtype == "system") return "host";
    return "network";
  }
  const std::string_view kind = type == "utm" ? subtype : type;
  if (kind == "ips" || kind == "anomaly") return "intrusion_detection";
  if (kind == "virus") return "malware";
  if (kind == "webfilter" || kind == "waf") return "web";
  return "network";
}

// Whether what the log records went through. The status key (event logs: login, VPN) says it
// directly; otherwise the firewall's action does: a denied or blocked session is a failure, an
// accepted one (also when it later closed, timed out or was reset) a success. IPS "detected"
// without blocking says nothing about success, so no outcome is set.
std::optional<std::string_view> OutcomeFor(std::string_view action, std::string_view status) {
  if (IsOneOf(status, {"success", "succeeded"})) return "success";
  if (IsOneOf(status, {"failed", "failure", "fail", "negotiate_error", "error"})) {
    return "failure";
  }
  if (IsOneOf(action, {"deny", "block", "blocked", "dropped", "drop", "reset", "reject",
                       "reset-client", "reset-server", "quarantine"})) {
    return "failure";
  }
  if (IsOneOf(action, {"accept", "allow", "allowed", "pass", "passthrough", "close", "timeout",
                       "client-rst", "server-rst", "start", "ip-conn", "permit"})) {
    return "success";
  }
  return std::nullopt;
}

// FortiGate's level is a syslog severity name; event.severity takes its number.
std::optional<int64_t> SeverityFor(std::string_view level) {
  static constexpr std::string_view kLevels[] = {"emergency", "alert",  "critical",    "error",
                                                 "warning",   "notice", "information", "debug"};
  for (int i = 0; i < 8; ++i) {
    if (level == kLevels[i]) return i;
  }
  return std::nullopt;
}

std::string_view TransportFor(std::string_view proto) {
  if (proto == "6") return "tcp";
  if (proto == "17") return "udp";
  if (proto == "1") return "icmp";
  if (proto == "58") return "ipv6-icmp";
  if (proto == "47") return "gre";
  if (proto == "50") return "esp";
  if (proto == "132") return "sctp";
  return {};
}

std::optional<TimeNs> TimeFromDateAndZone(std::string_view date, std::string_view time,
                                          std::string_view tz) {
  size_t p = 0;
  int y, mo, d, h, mi, s = 0;
  if (!decode::ReadDigits(date, p, 4, y) || p >= date.size() || date[p++] != '-' ||
      !decode::ReadDigits(date, p, 2, mo) || p >= date.size() || date[p++] != '-' ||
      !decode::ReadDigits(date, p, 2, d) || p != date.size()) {
    return std::nullopt;
  }
  p = 0;
  if (!decode::ReadDigits(time, p, 2, h) || p >= time.size() || time[p++] != ':' ||
      !decode::ReadDigits(time, p, 2, mi)) {
    return std::nullopt;
  }
  if (p < time.size() && (time[p++] != ':' || !decode::ReadDigits(time, p, 2, s))) {
    return std::nullopt;
  }
  if (p != time.size()) return std::nullopt;
  auto t = MakeTime(y, mo, d, h, mi, s);
  if (!t) return std::nullopt;
  // Without tz the device's local time is all there is; it is taken as UTC.
  const int64_t offset = decode::ParseZoneOffset(tz).value_or(0);
  return *t - offset * kNsPerSecond;
}

// "traffic forward accept 10.1.1.5:51234 -> 93.184.216.34:443 HTTPS LAN-to-WAN", from the parts
// the record has.
template <typename View>
std::string Summary(const View& view) {
  std::string out;
  auto add = [&](std::string_view s) {
    if (s.empty()) return;
    if (!out.empty()) out.push_back(' ');
    out.append(s);
  };
  auto endpoint = [&](Key ip, Key port) {
    std::string e(view(ip));
    if (!e.empty() && !view(port).empty()) e += ":" + std::string(view(port));
    return e;
  };
  add(view(kType));
  add(view(kSubtype));
  add(view(kAction));
  const std::string src = endpoint(kSrcip, kSrcport), dst = endpoint(kDstip, kDstport);
  if (!src.empty() && !dst.empty()) {
    add(src + " -> " + dst);
  } else {
    add(src);
    if (!dst.empty()) add("-> " + dst);
  }
  add(view(kService));
  add(view(kPolicyname));
  return out;
}

}  // namespace

Status DecodeFortigatePayload(std::string_view kv, size_t offset, Event& event) {
  std::vector<KvPair> pairs;
  pairs.reserve(64);
  RETURN_IF_ERROR(ParsePairs(kv, offset, pairs));

  std::array<const KvPair*, kKeyCount> known{};
  Fields& f = event.fields;
  size_t kept = 0;
  for (const KvPair& p : pairs) {
    if (const int k = FindKey(p.key); k >= 0) known[k] = &p;
    if (kept == decode::kMaxSourceFields) continue;
    ++kept;
    if (!p.quoted) {
      if (auto n = decode::ParseCanonicalInt(p.value)) {
        f.Set(p.key, *n);
        continue;
      }
    }
    f.Set(p.key, ValueText(p));
  }
  auto view = [&](Key k) -> std::string_view { return known[k] ? known[k]->value : ""; };
  // FortiGate writes "N/A" for an empty user, group or address.
  auto set_text = [&](std::string_view name, Key k) {
    if (known[k] && !known[k]->value.empty() && known[k]->value != "N/A") {
      f.Set(name, ValueText(*known[k]));
    }
  };
  auto set_int = [&](std::string_view name, Key k) {
    if (!known[k]) return;
    if (auto n = decode::ParseInt64(known[k]->value)) f.Set(name, *n);
  };

  const std::string_view type = view(kType);
  event.dataset = DatasetFor(type);
  f.Set("observer.vendor", std::string("Fortinet"));
  f.Set("observer.product", std::string("FortiGate"));
  f.Set("observer.type", std::string("firewall"));
  set_text("observer.name", kDevname);
  set_text("observer.serial_number", kDevid);
  set_text("event.code", kLogid);
  set_text("event.action", kAction);
  if (auto outcome = OutcomeFor(view(kAction), view(kStatus))) {
    f.Set("event.outcome", std::string(*outcome));
  }
  f.Set("event.category", std::string(CategoryFor(type, view(kSubtype), view(kAction))));
  set_text("log.level", kLevel);
  if (auto severity = SeverityFor(view(kLevel))) f.Set("event.severity", *severity);

  set_text("source.ip", known[kSrcip] ? kSrcip : kRemip);
  set_int("source.port", kSrcport);
  set_text("source.mac", kSrcmac);
  set_text("source.nat.ip", kTransip);
  set_int("source.nat.port", kTransport);
  set_text("destination.ip", kDstip);
  set_int("destination.port", kDstport);
  set_text("observer.ingress.interface.name", kSrcintf);
  set_text("observer.egress.interface.name", kDstintf);
  set_int("source.bytes", kSentbyte);
  set_int("source.packets", kSentpkt);
  set_int("destination.bytes", kRcvdbyte);
  set_int("destination.packets", kRcvdpkt);
  if (known[kProto]) {
    f.Set("network.iana_number", std::string(view(kProto)));
    if (auto transport = TransportFor(view(kProto)); !transport.empty()) {
      f.Set("network.transport", std::string(transport));
    }
  }
  if (known[kService] && !view(kService).empty()) {
    f.Set("network.protocol", decode::ToLowerAscii(ValueText(*known[kService])));
  }
  set_text("network.application", kApp);
  set_text("user.name", known[kUser] ? kUser : kUnauthuser);
  set_text("url.original", kUrl);
  set_text("url.domain", kHostname);
  set_text("dns.question.name", kQname);
  set_text("file.name", kFilename);
  // An IPS or anomaly record is about the signature that fired; other records about the policy.
  if (known[kAttack]) {
    set_text("rule.name", kAttack);
    set_text("rule.id", kAttackid);
  } else {
    set_text("rule.name", kPolicyname);
    set_text("rule.id", kPolicyid);
  }

  // The message is what a person reads, and what full-text search indexes: the device's own
  // msg, else a one-line summary. Every pair stays in the fields and in raw.
  if (known[kMsg]) {
    event.message = ValueText(*known[kMsg]);
  } else {
    event.message = Summary(view);
  }

  std::optional<TimeNs> t;
  if (auto n = decode::ParseInt64(view(kEventtime))) t = decode::EpochToTime(*n);
  // date and time without tz are the device's local time: only used when nothing better (such
  // as an RFC 3339 syslog header) gave a time.
  if (!t && known[kDate] && known[kTime] && (known[kTz] || (event.flags & kTimeFromReceipt) != 0)) {
    t = TimeFromDateAndZone(view(kDate), view(kTime), view(kTz));
  }
  if (t) decode::SetTime(event, *t);
  return Status::Ok();
}

Result<Event> DecodeFortigate(std::string_view line, const DecodeContext& ctx) {
  return DecodeBareOrBehindSyslog(line, ctx, SyslogPayload::kFortigate, DecodeFortigatePayload);
}

}  // namespace pantau
