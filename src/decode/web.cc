#include "decode/web.h"

#include <optional>
#include <string>

#include "core/time.h"
#include "decode/common.h"
#include "decode/scan.h"
#include "decode/syslog.h"

namespace pantau {
namespace {

using decode::IsAlpha;
using decode::IsBlank;
using decode::IsDigit;

// "10/Oct/2000:13:55:36 -0700"
std::optional<TimeNs> ParseAccessTime(std::string_view s) {
  size_t p = 0;
  int day, year, hour, minute, second;
  if (!decode::ReadDigits(s, p, 2, day) || p >= s.size() || s[p++] != '/') return std::nullopt;
  const int month = MonthFromAbbrev(s.substr(p, 3));
  p += 3;
  if (month == 0 || p >= s.size() || s[p++] != '/' || !decode::ReadDigits(s, p, 4, year) ||
      p >= s.size() || s[p++] != ':' || !decode::ReadDigits(s, p, 2, hour) || p >= s.size() ||
      s[p++] != ':' || !decode::ReadDigits(s, p, 2, minute) || p >= s.size() || s[p++] != ':' ||
      !decode::ReadDigits(s, p, 2, second)) {
    return std::nullopt;
  }
  int64_t nanos = 0;
  if (p < s.size() && s[p] == '.') {  // nginx $time_iso8601-like variants with milliseconds
    ++p;
    int digits = 0;
    while (p < s.size() && IsDigit(s[p])) {
      if (digits < 9) {
        nanos = nanos * 10 + (s[p] - '0');
        ++digits;
      }
      ++p;
    }
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int64_t offset = 0;
  if (p < s.size()) {
    if (s[p] != ' ') return std::nullopt;
    auto off = decode::ParseZoneOffset(s.substr(p + 1));
    if (!off) return std::nullopt;
    offset = *off;
  }
  auto t = MakeTime(year, month, day, hour, minute, second, nanos);
  if (!t) return std::nullopt;
  return *t - offset * kNsPerSecond;
}

struct AccessLine {
  std::string_view client;
  std::string_view user;
  TimeNs time = 0;
  std::string_view request;
  bool request_escaped = false;
  std::string_view status;
  std::string_view bytes;
  std::optional<std::string_view> referrer;
  bool referrer_escaped = false;
  std::optional<std::string_view> agent;
  bool agent_escaped = false;
};

// Access logs escape '"' and '\' in quoted parts (and write other bytes as \xNN, kept as text).
std::string QuotedText(std::string_view v, bool escaped) {
  return escaped ? decode::Unescape(v, "\"\\") : std::string(v);
}

std::string_view Token(std::string_view s, size_t& p) {
  const size_t start = p;
  while (p < s.size() && s[p] != ' ') ++p;
  return s.substr(start, p - start);
}

Status ParseAccess(std::string_view s, size_t offset, AccessLine& a) {
  auto fail = [&](std::string_view what, size_t at) {
    return decode::DecodeError("web", what, offset + at);
  };
  size_t p = 0;
  a.client = Token(s, p);
  if (a.client.empty() || p >= s.size()) return fail("expected the client address", 0);
  ++p;
  Token(s, p);  // identd name, "-" in practice
  if (p >= s.size()) return fail("expected the identd name", p);
  const size_t bracket = s.find(" [", p);
  if (bracket == std::string_view::npos) return fail("expected '[' before the time", p);
  a.user = s.substr(p + 1, bracket - p - 1);
  p = bracket + 2;
  const size_t close = s.find(']', p);
  if (close == std::string_view::npos) return fail("expected ']' after the time", p);
  auto t = ParseAccessTime(s.substr(p, close - p));
  if (!t) return fail("bad time", p);
  a.time = *t;
  p = close + 1;
  if (p + 1 >= s.size() || s[p] != ' ' || s[p + 1] != '"') {
    return fail("expected the quoted request", p);
  }
  ++p;
  a.request = decode::ReadQuoted(s, p, a.request_escaped);
  auto skip_blanks = [&] {
    while (p < s.size() && IsBlank(s[p])) ++p;
  };
  skip_blanks();
  a.status = Token(s, p);
  skip_blanks();
  a.bytes = Token(s, p);
  skip_blanks();
  if (p < s.size() && s[p] == '"') {
    a.referrer = decode::ReadQuoted(s, p, a.referrer_escaped);
    skip_blanks();
    if (p < s.size() && s[p] == '"') a.agent = decode::ReadQuoted(s, p, a.agent_escaped);
  }
  // Whatever a custom log_format adds after the user agent is kept only in the raw line.
  return Status::Ok();
}

bool IsMethod(std::string_view m) {
  if (m.empty() || m.size() > 20) return false;
  for (char c : m) {
    if (!(c >= 'A' && c <= 'Z') && c != '-' && c != '_') return false;
  }
  return true;
}

// "GET /a?b=1 HTTP/1.1": method, url.* and http.version. A request that is not one (TLS bytes
// sent to a plain-HTTP port, a scanner's junk) is kept whole as http.request.line.
void SetRequestFields(std::string_view request, Event& event) {
  Fields& f = event.fields;
  if (request.empty() || request == "-") return;
  const size_t sp1 = request.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : request.find(' ', sp1 + 1);
  const std::string_view method = request.substr(0, sp1);
  const std::string_view url =
      sp1 == std::string_view::npos
          ? std::string_view()
          : request.substr(sp1 + 1, sp2 == request.npos ? request.npos : sp2 - sp1 - 1);
  const std::string_view version =
      sp2 == std::string_view::npos ? std::string_view() : request.substr(sp2 + 1);
  const bool well_formed = IsMethod(method) && !url.empty() &&
                           (sp2 == std::string_view::npos ||
                            (version.starts_with("HTTP/") && version.find(' ') == version.npos));
  if (!well_formed) {
    f.Set("http.request.line", std::string(request));
    return;
  }
  f.Set("http.request.method", std::string(method));
  f.Set("url.original", std::string(url));
  std::string_view rest = url;
  if (rest.starts_with("http://") || rest.starts_with("https://")) {
    rest.remove_prefix(rest.find("//") + 2);
    const size_t slash = rest.find_first_of("/?#");
    std::string_view host = rest.substr(0, slash);
    if (const size_t at = host.rfind('@'); at != host.npos) host.remove_prefix(at + 1);
    if (!host.empty() && host.front() != '[') host = host.substr(0, host.find(':'));
    if (!host.empty()) f.Set("url.domain", std::string(host));
    rest = slash == rest.npos ? std::string_view() : rest.substr(slash);
  }
  const size_t hash = rest.find('#');
  if (hash != rest.npos) rest = rest.substr(0, hash);
  const size_t question = rest.find('?');
  const std::string_view path = rest.substr(0, question);
  if (!path.empty()) f.Set("url.path", std::string(path));
  if (question != rest.npos) f.Set("url.query", std::string(rest.substr(question + 1)));
  if (!version.empty()) f.Set("http.version", std::string(version.substr(5)));
}

// "[level]" or Apache 2.4's "[module:level]" at s[p]; advances past it and a blank.
bool ReadBracket(std::string_view s, size_t& p, std::string_view& inside) {
  if (p >= s.size() || s[p] != '[') return false;
  const size_t close = s.find(']', p);
  if (close == std::string_view::npos) return false;
  inside = s.substr(p + 1, close - p - 1);
  p = close + 1;
  while (p < s.size() && IsBlank(s[p])) ++p;
  return true;
}

// "1.2.3.4:5678", "[::1]:5678", "1.2.3.4" or "::1" as source.ip and source.port.
void SetClient(std::string_view client, Event& event) {
  std::string_view ip = client;
  std::string_view port;
  if (!client.empty() && client.front() == '[') {
    const size_t close = client.find(']');
    if (close != client.npos) {
      ip = client.substr(1, close - 1);
      if (close + 1 < client.size() && client[close + 1] == ':') port = client.substr(close + 2);
    }
  } else if (const size_t colon = client.rfind(':');
             colon != client.npos && client.find(':') == colon) {
    ip = client.substr(0, colon);
    port = client.substr(colon + 1);
  }
  decode::SetIpOrDomain(event, "source", ip);
  if (auto n = decode::ParseInt64(port)) event.fields.Set("source.port", *n);
}

Result<Event> DecodeApacheError(std::string_view line, const DecodeContext& ctx) {
  const std::string_view s = decode::TrimLineEnd(line);
  auto fail = [](std::string_view what, size_t at) { return decode::DecodeError("web", what, at); };
  // "[Www Mmm dd hh:mm:ss[.ffffff] yyyy]"
  const size_t close = s.find(']');
  if (s.empty() || s[0] != '[' || close == std::string_view::npos || close < 25) {
    return fail("expected \"[Www Mmm dd hh:mm:ss yyyy]\"", 0);
  }
  const std::string_view stamp = s.substr(5, close - 5);  // "Mmm dd hh:mm:ss[.frac] yyyy"
  const size_t year_at = stamp.rfind(' ');
  auto bsd = decode::ParseBsdTimestamp(stamp.substr(0, year_at));
  size_t yp = year_at + 1;
  int year;
  if (!bsd || bsd->length != year_at || !decode::ReadDigits(stamp, yp, 4, year) ||
      yp != stamp.size()) {
    return fail("bad time", 1);
  }
  // Apache writes local time without a zone; it is taken as UTC.
  auto t = MakeTime(year, bsd->month, bsd->day, bsd->hour, bsd->minute, bsd->second, bsd->nanos);
  if (!t) return fail("bad time", 1);
  size_t p = close + 1;
  while (p < s.size() && IsBlank(s[p])) ++p;
  std::string_view level;
  if (!ReadBracket(s, p, level)) return fail("expected \"[level]\"", p);

  Event e = decode::StartEvent(line, ctx);
  e.dataset = "web.error";
  decode::SetTime(e, *t);
  Fields& f = e.fields;
  f.Set("event.category", std::string("web"));
  if (const size_t colon = level.find(':'); colon != level.npos) {
    f.Set("apache.error.module", std::string(level.substr(0, colon)));
    level.remove_prefix(colon + 1);
  }
  f.Set("log.level", std::string(level));
  std::string_view part;
  size_t before = p;
  while (ReadBracket(s, p, part)) {
    if (part.starts_with("pid ")) {
      part.remove_prefix(4);
      const size_t tid = part.find(":tid ");
      if (auto n = decode::ParseInt64(part.substr(0, tid))) f.Set("process.pid", *n);
      if (tid != part.npos) {
        if (auto n = decode::ParseInt64(part.substr(tid + 5))) f.Set("process.thread.id", *n);
      }
    } else if (part.starts_with("client ")) {
      SetClient(part.substr(7), e);
    } else if (part.starts_with("remote ")) {
      SetClient(part.substr(7), e);
    } else {
      p = before;  // "[text]" that belongs to the message
      break;
    }
    before = p;
  }
  std::string_view msg = s.substr(p);
  // Apache 2.4 error codes: "AH00126: Invalid URI".
  if (msg.size() > 8 && msg.starts_with("AH") && msg[7] == ':' && IsDigit(msg[2])) {
    f.Set("error.code", std::string(msg.substr(0, 7)));
  }
  e.message.assign(msg);
  decode::FinishEvent(e, ctx);
  return e;
}

// "2026/11/27 10:00:00 [error] 1234#5678: *9 message, client: 1.2.3.4, server: x"
Result<Event> DecodeNginxError(std::string_view line, const DecodeContext& ctx) {
  const std::string_view s = decode::TrimLineEnd(line);
  if (!decode::LooksLikeNginxError(s)) {
    return decode::DecodeError("web", "expected \"yyyy/mm/dd hh:mm:ss [level]\"", 0);
  }
  size_t p = 0;
  int y, mo, d, h, mi, sec;
  decode::ReadDigits(s, p, 4, y);
  p = 5;
  decode::ReadDigits(s, p, 2, mo);
  p = 8;
  decode::ReadDigits(s, p, 2, d);
  p = 11;
  decode::ReadDigits(s, p, 2, h);
  p = 14;
  decode::ReadDigits(s, p, 2, mi);
  p = 17;
  decode::ReadDigits(s, p, 2, sec);
  // nginx writes local time without a zone; it is taken as UTC.
  auto t = MakeTime(y, mo, d, h, mi, sec);
  if (!t) return decode::DecodeError("web", "bad time", 0);
  p = 20;
  std::string_view level;
  if (!ReadBracket(s, p, level)) return decode::DecodeError("web", "expected \"[level]\"", p);
  Event e = decode::StartEvent(line, ctx);
  e.dataset = "web.error";
  decode::SetTime(e, *t);
  e.fields.Set("event.category", std::string("web"));
  e.fields.Set("log.level", std::string(level));
  std::string_view msg = s.substr(p);
  // "pid#tid: "
  size_t q = 0;
  while (q < msg.size() && IsDigit(msg[q])) ++q;
  if (q > 0 && q < msg.size() && msg[q] == '#') {
    const size_t colon = msg.find(": ", q);
    if (colon != msg.npos) {
      if (auto n = decode::ParseInt64(msg.substr(0, q))) e.fields.Set("process.pid", *n);
      if (auto n = decode::ParseInt64(msg.substr(q + 1, colon - q - 1))) {
        e.fields.Set("process.thread.id", *n);
      }
      msg.remove_prefix(colon + 2);
    }
  }
  if (const size_t client = msg.find(", client: "); client != msg.npos) {
    const std::string_view rest = msg.substr(client + 10);
    decode::SetIpOrDomain(e, "source", rest.substr(0, rest.find(',')));
  }
  e.message.assign(msg);
  decode::FinishEvent(e, ctx);
  return e;
}

}  // namespace

Status DecodeWebAccessPayload(std::string_view text, size_t offset, Event& event) {
  AccessLine a;
  RETURN_IF_ERROR(ParseAccess(text, offset, a));
  Fields& f = event.fields;
  event.dataset = "web.access";
  decode::SetTime(event, a.time);
  decode::SetIpOrDomain(event, "source", a.client);
  if (!a.user.empty() && a.user != "-") f.Set("user.name", std::string(a.user));
  std::string unescaped_request;
  std::string_view request = a.request;
  if (a.request_escaped) {
    unescaped_request = QuotedText(a.request, true);
    request = unescaped_request;
  }
  SetRequestFields(request, event);
  if (auto status = decode::ParseInt64(a.status)) {
    f.Set("http.response.status_code", *status);
    f.Set("event.outcome", std::string(*status >= 400 ? "failure" : "success"));
  }
  if (auto bytes = decode::ParseInt64(a.bytes)) f.Set("http.response.body.bytes", *bytes);
  if (a.referrer && !a.referrer->empty() && *a.referrer != "-") {
    f.Set("http.request.referrer", QuotedText(*a.referrer, a.referrer_escaped));
  }
  if (a.agent && !a.agent->empty() && *a.agent != "-") {
    f.Set("user_agent.original", QuotedText(*a.agent, a.agent_escaped));
  }
  f.Set("event.category", std::string("web"));
  event.message.assign(text);
  return Status::Ok();
}

Result<Event> DecodeWebError(std::string_view line, const DecodeContext& ctx) {
  if (decode::LooksLikeNginxError(line)) return DecodeNginxError(line, ctx);
  return DecodeApacheError(line, ctx);
}

Result<Event> DecodeWebAccess(std::string_view line, const DecodeContext& ctx) {
  if (!line.empty() && line[0] == '[') return DecodeApacheError(line, ctx);
  if (decode::LooksLikeNginxError(line)) return DecodeNginxError(line, ctx);
  return DecodeBareOrBehindSyslog(line, ctx, SyslogPayload::kWebAccess, DecodeWebAccessPayload);
}

}  // namespace pantau
