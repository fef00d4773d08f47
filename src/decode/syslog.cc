#include "decode/syslog.h"

#include <algorithm>
#include <optional>
#include <string>

#include "core/time.h"
#include "decode/cef.h"
#include "decode/common.h"
#include "decode/fortigate.h"
#include "decode/json.h"
#include "decode/linux_auth.h"
#include "decode/scan.h"
#include "decode/web.h"

namespace pantau {
namespace {

using decode::DecodeError;
using decode::IsBlank;
using decode::IsDigit;

constexpr std::string_view kFacilityNames[24] = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog",   "lpr",     "news",
    "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "security", "console", "solaris-cron",
    "local0", "local1", "local2",   "local3", "local4", "local5",   "local6",  "local7"};
constexpr std::string_view kSeverityNames[8] = {"emergency", "alert",  "critical",      "error",
                                                "warning",   "notice", "informational", "debug"};

void SetPriority(int pri, Fields& f) {
  f.Set("log.syslog.priority", int64_t{pri});
  f.Set("log.syslog.facility.code", int64_t{pri / 8});
  f.Set("log.syslog.facility.name", std::string(kFacilityNames[pri / 8]));
  f.Set("log.syslog.severity.code", int64_t{pri % 8});
  f.Set("log.syslog.severity.name", std::string(kSeverityNames[pri % 8]));
  f.Set("log.level", std::string(kSeverityNames[pri % 8]));
}

void SetProcess(std::string_view program, std::string_view procid, Fields& f) {
  if (!program.empty() && program != "-") {
    f.Set("log.syslog.appname", std::string(program));
    // "sshd(pam_unix)" is the sshd process reporting for its PAM module; "/usr/sbin/cron" is
    // the cron process (ECS process.name has no path).
    std::string_view name = program;
    if (const size_t paren = name.find('('); paren != 0 && paren != name.npos) {
      name = name.substr(0, paren);
    }
    if (const size_t slash = name.rfind('/'); slash != name.npos && slash + 1 < name.size()) {
      name.remove_prefix(slash + 1);
    }
    f.Set("process.name", std::string(name));
  }
  if (procid.empty() || procid == "-") return;
  if (auto pid = decode::ParseInt64(procid); pid && *pid >= 0) {
    f.Set("process.pid", *pid);
  } else {
    f.Set("log.syslog.procid", std::string(procid));
  }
}

struct Header {
  std::string_view program;  // RFC 3164 tag or RFC 5424 APP-NAME, empty when absent
  size_t message_at = 0;     // where the message starts in the line
};

// RFC 5424 STRUCTURED-DATA at s[p]: one or more [SD-ID PARAM="value" ...] elements, kept as
// syslog.sd.<SD-ID>.<PARAM>. Inside values \" \\ and \] are escapes.
Status ParseStructuredData(std::string_view s, size_t& p, Fields& f) {
  std::string name;
  size_t kept = 0;
  while (p < s.size() && s[p] == '[') {
    const size_t element_at = p++;
    const size_t id_at = p;
    while (p < s.size() && s[p] != ' ' && s[p] != ']' && s[p] != '=' && s[p] != '"') ++p;
    if (p == id_at) return DecodeError("syslog", "empty SD-ID in structured data", id_at);
    const std::string_view id = s.substr(id_at, p - id_at);
    while (true) {
      if (p >= s.size()) {
        return DecodeError("syslog", "unterminated structured data element", element_at);
      }
      if (s[p] == ']') {
        ++p;
        break;
      }
      if (s[p] != ' ') return DecodeError("syslog", "expected ' ' or ']' in structured data", p);
      ++p;
      const size_t param_at = p;
      while (p < s.size() && s[p] != '=' && s[p] != ' ' && s[p] != ']' && s[p] != '"') ++p;
      if (p == param_at || p >= s.size() || s[p] != '=') {
        return DecodeError("syslog", "expected PARAM-NAME= in structured data", param_at);
      }
      const std::string_view param = s.substr(param_at, p - param_at);
      ++p;
      if (p >= s.size() || s[p] != '"') {
        return DecodeError("syslog", "expected '\"' to open a structured data value", p);
      }
      bool escaped = false;
      const size_t value_at = p;
      const std::string_view value = decode::ReadQuoted(s, p, escaped);
      if (value_at + 1 + value.size() >= s.size()) {  // ran to the end: no closing quote
        return DecodeError("syslog", "unterminated structured data value", value_at);
      }
      if (kept < decode::kMaxSourceFields) {
        ++kept;
        name.assign("syslog.sd.").append(id).append(".").append(param);
        f.Set(name, escaped ? decode::Unescape(value, "\"\\]") : std::string(value));
      }
    }
  }
  return Status::Ok();
}

// <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG], with p
// at VERSION. A header that ends early is accepted with the fields it has.
Result<Header> Parse5424(std::string_view s, size_t p, Event& e) {
  Fields& f = e.fields;
  auto token = [&]() {
    const size_t start = p;
    while (p < s.size() && s[p] != ' ') ++p;
    const std::string_view t = s.substr(start, p - start);
    if (p < s.size()) ++p;
    return t;
  };
  f.Set("log.syslog.version", std::string(token()));
  const size_t time_at = p;
  const std::string_view stamp = token();
  if (!stamp.empty() && stamp != "-") {
    auto t = ParseRfc3339(stamp);
    if (!t) return DecodeError("syslog", "bad RFC 5424 timestamp", time_at);
    decode::SetTime(e, *t);
  }
  const std::string_view host = token();
  if (!host.empty() && host != "-") f.Set("host.name", std::string(host));
  Header h;
  h.program = token();
  if (h.program == "-") h.program = {};
  const std::string_view procid = token();
  SetProcess(h.program, procid, f);
  const std::string_view msgid = token();
  if (!msgid.empty() && msgid != "-") f.Set("log.syslog.msgid", std::string(msgid));
  if (p < s.size()) {
    if (s[p] == '-') {
      ++p;
    } else if (s[p] == '[') {
      RETURN_IF_ERROR(ParseStructuredData(s, p, f));
    } else {
      return DecodeError("syslog", "expected structured data ('[' or '-')", p);
    }
    if (p < s.size() && s[p] == ' ') ++p;
  }
  // A UTF-8 message starts with a BOM (RFC 5424 6.4); the message text goes without it.
  if (s.substr(p, 3) == "\xEF\xBB\xBF") p += 3;
  h.message_at = p;
  return h;
}

bool IsHostname(std::string_view t) {
  if (t.empty() || t.size() > 255 || t.back() == ':') return false;
  for (char c : t) {
    if (!decode::IsAlnum(c) && c != '.' && c != '-' && c != '_' && c != ':' && c != '%') {
      return false;
    }
  }
  return true;
}

struct Tag {
  std::string_view program;
  std::string_view pid;
  size_t length = 0;  // with the ": " after it
};

// "prog[pid]: ", "prog: ", and "prog[pid] " (some daemons leave out the colon).
std::optional<Tag> ParseTag(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && i < 128 && s[i] != ' ' && s[i] != '[' && s[i] != ':' && s[i] != '\t') {
    ++i;
  }
  if (i == 0 || i == s.size() || i == 128) return std::nullopt;
  Tag t;
  t.program = s.substr(0, i);
  bool has_pid = false;
  if (s[i] == '[') {
    const size_t close = s.find(']', i);
    if (close == std::string_view::npos || close - i > 33) return std::nullopt;
    t.pid = s.substr(i + 1, close - i - 1);
    if (t.pid.find(' ') != std::string_view::npos) return std::nullopt;
    i = close + 1;
    has_pid = true;
  }
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (i < s.size() && s[i] == ' ') ++i;
  } else if (has_pid && (i == s.size() || s[i] == ' ')) {
    if (i < s.size()) ++i;
  } else {
    return std::nullopt;
  }
  t.length = i;
  return t;
}

bool StartsWithPayloadMarker(std::string_view s) {
  return s.starts_with("CEF:") || s.starts_with("LEEF:");
}

// RFC 3164 and the forms rsyslog writes to files, with p after the PRI (or 0 without one):
// [TIMESTAMP SP [HOSTNAME SP]] [TAG] MSG. The timestamp is "Mmm dd hh:mm:ss" or RFC 3339.
Result<Header> Parse3164(std::string_view s, size_t p, bool has_pri, TimeNs received, Event& e) {
  Fields& f = e.fields;
  Header h;
  const std::string_view rest = s.substr(p);
  if (auto bsd = decode::ParseBsdTimestamp(rest)) {
    if (auto t = decode::BsdTimestampToTime(*bsd, received)) decode::SetTime(e, *t);
    p += bsd->length;
  } else if (decode::StartsWithIsoDateTime(rest)) {
    // "2026-11-27T10:00:00Z" is one token, "2026-11-27 10:00:00" two.
    const std::string_view stamp = rest.substr(0, rest.find(' ', rest[10] == ' ' ? 11 : 0));
    auto t = ParseRfc3339(stamp);
    if (!t) return DecodeError("syslog", "bad RFC 3339 timestamp", p);
    decode::SetTime(e, *t);
    p += stamp.size();
  } else if (!has_pri) {
    return DecodeError("syslog", "expected <PRI> or a timestamp", p);
  } else {
    // "<189>date=2026-11-27 ...": FortiGate and other devices send a PRI and then the message.
    h.message_at = p;
    return h;
  }
  while (p < s.size() && IsBlank(s[p])) ++p;
  if (!StartsWithPayloadMarker(s.substr(p))) {
    // RFC 3164 does not mark whether a hostname is present; a token that ends in ':' or holds
    // '[' is a tag, so "Oct 11 22:14:15 su[1]: x" (as sent to /dev/log) has no hostname.
    const size_t end = std::min(s.find(' ', p), s.size());
    const std::string_view token = s.substr(p, end - p);
    if (IsHostname(token)) {
      if (token != "-") f.Set("host.name", std::string(token));
      p = end;
      while (p < s.size() && IsBlank(s[p])) ++p;
    }
  }
  if (!StartsWithPayloadMarker(s.substr(p))) {
    if (auto tag = ParseTag(s.substr(p))) {
      h.program = tag->program;
      SetProcess(tag->program, tag->pid, f);
      p += tag->length;
    }
  }
  h.message_at = p;
  return h;
}

// A message that is itself a structured record takes the dataset of its decoder; one that no
// payload decoder takes stays a plain syslog message.
void DecodeByContent(std::string_view program, std::string_view msg, size_t at, Event& e) {
  if (msg.starts_with("CEF:")) {
    if (DecodeCefPayload(msg, at, e).ok()) return;
  } else if (!msg.empty() && msg[0] == '{') {
    if (DecodeJsonPayload(msg, at, JsonDialect::kAny, e).ok()) return;
  } else if (decode::LooksLikeFortigate(msg)) {
    if (DecodeFortigatePayload(msg, at, e).ok()) return;
  }
  if (IsLinuxAuthMessage(program, msg)) {
    DecodeLinuxAuthPayload(program, msg, e);
  } else if (decode::LooksLikeWebAccess(msg)) {
    (void)DecodeWebAccessPayload(msg, at, e).ok();
  }
}

}  // namespace

bool HasSyslogHeader(std::string_view line) {
  if (line.size() >= 3 && line[0] == '<' && IsDigit(line[1])) return true;
  return decode::ParseBsdTimestamp(line).has_value() || decode::StartsWithIsoDateTime(line);
}

Result<Event> DecodeBareOrBehindSyslog(std::string_view line, const DecodeContext& ctx,
                                       SyslogPayload kind, PayloadDecoder payload) {
  if (HasSyslogHeader(line)) return DecodeSyslogWithPayload(line, ctx, kind);
  Event e = decode::StartEvent(line, ctx);
  RETURN_IF_ERROR(payload(decode::TrimLineEnd(line), 0, e));
  decode::FinishEvent(e, ctx);
  return e;
}

Result<Event> DecodeSyslogWithPayload(std::string_view line, const DecodeContext& ctx,
                                      SyslogPayload payload) {
  const std::string_view s = decode::TrimLineEnd(line);
  Event e = decode::StartEvent(line, ctx);
  e.dataset = "syslog";
  size_t p = 0;
  bool has_pri = false;
  if (!s.empty() && s[0] == '<') {
    size_t q = 1;
    int pri = 0;
    while (q < s.size() && q < 4 && IsDigit(s[q])) pri = pri * 10 + (s[q++] - '0');
    if (q == 1 || q >= s.size() || s[q] != '>') {
      return DecodeError("syslog", "expected <PRI> (1 to 3 digits in angle brackets)", 0);
    }
    if (pri > 191) {
      return DecodeError("syslog", "PRI " + std::to_string(pri) + " is out of range 0..191", 1);
    }
    SetPriority(pri, e.fields);
    has_pri = true;
    p = q + 1;
  }
  // RFC 5424 has a version ("1") and a space right after the PRI; rsyslog's RFC 3339 form has a
  // four-digit year and '-' there.
  size_t v = p;
  while (v < s.size() && v - p < 3 && IsDigit(s[v])) ++v;
  const bool rfc5424 = has_pri && v > p && v - p <= 2 && s[p] != '0' && v < s.size() && s[v] == ' ';
  Result<Header> header = rfc5424 ? Parse5424(s, p, e) : Parse3164(s, p, has_pri, ctx.received, e);
  if (!header.ok()) return header.status();

  const size_t at = header->message_at;
  const std::string_view msg = s.substr(at);
  e.message.assign(msg);
  switch (payload) {
    case SyslogPayload::kAny:
      DecodeByContent(header->program, msg, at, e);
      break;
    case SyslogPayload::kFortigate:
      RETURN_IF_ERROR(DecodeFortigatePayload(msg, at, e));
      break;
    case SyslogPayload::kCef:
      RETURN_IF_ERROR(DecodeCefPayload(msg, at, e));
      break;
    case SyslogPayload::kJson:
      RETURN_IF_ERROR(DecodeJsonPayload(msg, at, JsonDialect::kAny, e));
      break;
    case SyslogPayload::kSuricata:
      RETURN_IF_ERROR(DecodeJsonPayload(msg, at, JsonDialect::kSuricata, e));
      break;
    case SyslogPayload::kWebAccess:
      RETURN_IF_ERROR(DecodeWebAccessPayload(msg, at, e));
      break;
  }
  decode::FinishEvent(e, ctx);
  return e;
}

Result<Event> DecodeSyslog(std::string_view line, const DecodeContext& ctx) {
  return DecodeSyslogWithPayload(line, ctx, SyslogPayload::kAny);
}

}  // namespace pantau
