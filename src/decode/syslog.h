// Syslog: RFC 3164 (with or without <PRI>, with a BSD or an RFC 3339 timestamp, as rsyslog
// writes files) and RFC 5424 (structured data, BOM, NILVALUE). The message is then decoded by
// content or program: FortiGate key=value, CEF, JSON/Suricata, web access lines, Linux auth.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "core/event.h"
#include "core/status.h"
#include "decode/decoder.h"

namespace pantau {

Result<Event> DecodeSyslog(std::string_view line, const DecodeContext& ctx);

// What must follow the syslog header. kAny decodes the message by content and keeps it as plain
// text when no payload decoder takes it; the others fail when their decoder fails, which is what
// a forced --format fortigate (cef, json, ...) means for a line with a syslog header.
enum class SyslogPayload { kAny, kFortigate, kCef, kJson, kSuricata, kWebAccess };
Result<Event> DecodeSyslogWithPayload(std::string_view line, const DecodeContext& ctx,
                                      SyslogPayload payload);

// The entry point of a payload format (FortiGate, CEF, access log): the line bare, or behind a
// syslog header whose fields are kept. `payload` is that format's Decode...Payload.
using PayloadDecoder = Status (*)(std::string_view text, size_t offset, Event& event);
Result<Event> DecodeBareOrBehindSyslog(std::string_view line, const DecodeContext& ctx,
                                       SyslogPayload kind, PayloadDecoder payload);

// True when `line` starts like a syslog header: "<digits>", "Mmm dd hh:mm:ss " or an RFC 3339
// date-time.
bool HasSyslogHeader(std::string_view line);

}  // namespace pantau
