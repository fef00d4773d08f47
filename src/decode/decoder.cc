#include "decode/decoder.h"

#include <string>

#include "decode/cef.h"
#include "decode/common.h"
#include "decode/fortigate.h"
#include "decode/json.h"
#include "decode/scan.h"
#include "decode/syslog.h"
#include "decode/web.h"

namespace pantau {
namespace {

struct FormatNameEntry {
  Format format;
  std::string_view name;
};
constexpr FormatNameEntry kFormatNames[] = {
    {Format::kAuto, "auto"},           {Format::kSyslog, "syslog"}, {Format::kJson, "json"},
    {Format::kFortigate, "fortigate"}, {Format::kCef, "cef"},       {Format::kWebAccess, "web"},
    {Format::kSuricata, "suricata"},   {Format::kRaw, "raw"},
};

Result<Event> DecodeRaw(std::string_view line, const DecodeContext& ctx) {
  Event e = decode::StartEvent(line, ctx);
  e.dataset = "raw";
  e.message.assign(line);
  decode::FinishEvent(e, ctx);
  return e;
}

Result<Event> DecodeAs(Format format, std::string_view line, const DecodeContext& ctx) {
  switch (format) {
    case Format::kSyslog:
      return DecodeSyslog(line, ctx);
    case Format::kJson:
      return DecodeJson(line, ctx);
    case Format::kFortigate:
      return DecodeFortigate(line, ctx);
    case Format::kCef:
      return DecodeCef(line, ctx);
    case Format::kWebAccess:
      return DecodeWebAccess(line, ctx);
    case Format::kSuricata:
      return DecodeSuricata(line, ctx);
    case Format::kRaw:
      return DecodeRaw(line, ctx);
    case Format::kAuto:
      break;
  }
  const Format detected = DetectFormat(line);
  if (detected == Format::kRaw) return InvalidArgument("no decoder recognised the line");
  return DecodeAs(detected, line, ctx);
}

}  // namespace

Result<Format> ParseFormat(std::string_view name) {
  for (const auto& entry : kFormatNames) {
    if (entry.name == name) return entry.format;
  }
  std::string m = "unknown log format \"";
  m.append(name.substr(0, 64)).append("\"; expected one of");
  for (const auto& entry : kFormatNames) m.append(" ").append(entry.name);
  return InvalidArgument(std::move(m));
}

std::string_view FormatName(Format f) {
  for (const auto& entry : kFormatNames) {
    if (entry.format == f) return entry.name;
  }
  return "unknown";
}

Format DetectFormat(std::string_view line) {
  size_t p = line.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a BOM at the start of a JSON file
  while (p < line.size() && decode::IsBlank(line[p])) ++p;
  if (p < line.size() && line[p] == '{') return Format::kJson;  // JSON may be indented
  const std::string_view s = line;
  if (s.empty()) return Format::kRaw;
  const char c = s[0];
  if (c == '<') {
    size_t q = 1;
    while (q < s.size() && q < 4 && decode::IsDigit(s[q])) ++q;
    return q > 1 && q < s.size() && s[q] == '>' ? Format::kSyslog : Format::kRaw;
  }
  if (s.starts_with("CEF:")) return Format::kCef;
  if (decode::LooksLikeFortigate(s)) return Format::kFortigate;
  if (c == '[') return decode::LooksLikeApacheError(s) ? Format::kWebAccess : Format::kRaw;
  if (decode::IsDigit(c)) {
    if (decode::StartsWithIsoDateTime(s)) return Format::kSyslog;
    if (decode::LooksLikeNginxError(s)) return Format::kWebAccess;
  }
  if (decode::ParseBsdTimestamp(s)) return Format::kSyslog;
  if (decode::LooksLikeWebAccess(s)) return Format::kWebAccess;
  return Format::kRaw;
}

Event Decode(std::string_view line, Format format, const DecodeContext& ctx) {
  Result<Event> decoded = DecodeAs(format, line, ctx);
  if (decoded.ok()) return std::move(decoded).value();
  // A decoder never drops a line: what it could not read is kept raw with the reason.
  Event e = decode::StartEvent(line, ctx);
  e.dataset = "unknown";
  e.message.assign(line);
  e.flags |= kDecodeError;
  e.error = decoded.status().message();
  decode::FinishEvent(e, ctx);
  return e;
}

}  // namespace pantau
