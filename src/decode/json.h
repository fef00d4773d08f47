// JSON lines (one object per line) and Suricata EVE JSON, parsed with simdjson's DOM parser.
// Nested objects are flattened to dotted names ({"a":{"b":1}} -> a.b), arrays are kept as their
// JSON text, numbers as int64 or double.
//
// Thread-safety: pure functions; each thread keeps its own parser (thread_local) so that its
// buffers are reused from line to line.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/event.h"
#include "core/status.h"
#include "decode/decoder.h"

namespace pantau {

// A JSON object; a Suricata EVE record (event_type, timestamp, and flow_id, src_ip or in_iface)
// is decoded as DecodeSuricata does, because EVE is a JSON dialect.
Result<Event> DecodeJson(std::string_view line, const DecodeContext& ctx);
// A Suricata EVE record; fails when the line is not JSON or has no event_type.
Result<Event> DecodeSuricata(std::string_view line, const DecodeContext& ctx);

enum class JsonDialect {
  kAny,       // plain JSON or Suricata EVE, by content
  kSuricata,  // Suricata EVE only
};

// Decodes the JSON `text` (`offset` bytes into the line) into `event`, which may already hold a
// syslog header's fields. Leaves `event` unchanged when it fails.
Status DecodeJsonPayload(std::string_view text, size_t offset, JsonDialect dialect, Event& event);

}  // namespace pantau
