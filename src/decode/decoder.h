// Decoders: one pure function per log format, bytes in, Event out; no I/O, no globals.
// Decode() picks the format per line (or takes the one it is told) and never fails: a line no
// decoder understands becomes an event of dataset "unknown" with kDecodeError and the reason,
// and is stored and searchable like any other.
//
// Thread-safety: every function here is pure and may run on any thread.
#pragma once

#include <string_view>

#include "core/clock.h"
#include "core/event.h"
#include "core/status.h"

namespace pantau {

enum class Format {
  kAuto,       // detect per line
  kSyslog,     // RFC 3164 or RFC 5424, then the payload is decoded by content
  kJson,       // one JSON object per line, nested objects flattened to dotted names
  kFortigate,  // FortiGate key=value (with or without a syslog header)
  kCef,        // ArcSight Common Event Format (with or without a syslog header)
  kWebAccess,  // Apache/Nginx combined and common access logs
  kSuricata,   // Suricata EVE JSON
  kRaw,        // no decoding: the line is the message
};

// "auto", "syslog", "json", "fortigate", "cef", "web", "suricata", "raw".
Result<Format> ParseFormat(std::string_view name);
std::string_view FormatName(Format f);

struct DecodeContext {
  TimeNs received = 0;              // when Pantau accepted the line; fills a missing time and
                                    // gives the year to RFC 3164 timestamps that have none
  std::string_view source_address;  // the sending peer ("10.0.0.5"), empty for files
  std::string_view input;           // "syslog-udp", "syslog-tcp", "syslog-tls", "http", "file"
};

// Decodes one line (without its line terminator). Sets raw to the line byte-exact, the
// kInvalidUtf8 flag when it is not valid UTF-8, received and the input fields from `ctx`.
Event Decode(std::string_view line, Format format, const DecodeContext& ctx);

// The format of one line, by cheap inspection of its first bytes.
Format DetectFormat(std::string_view line);

}  // namespace pantau
