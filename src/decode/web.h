// Web server logs: Apache/Nginx access logs (combined and common; dataset web.access), Apache
// httpd and nginx error logs (dataset web.error). Access lines may come inside syslog (nginx's
// access_log syslog:...).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/event.h"
#include "core/status.h"
#include "decode/decoder.h"

namespace pantau {

// Any of the web formats above, told apart by their first bytes.
Result<Event> DecodeWebAccess(std::string_view line, const DecodeContext& ctx);
// "[Sun Dec 04 04:47:44 2005] [notice] text", Apache 2.4's "[core:error] [pid 1:tid 2]
// [client 1.2.3.4:5]" parts, and nginx's "2026/11/27 10:00:00 [error] 12#0: text".
Result<Event> DecodeWebError(std::string_view line, const DecodeContext& ctx);

// Decodes an access-log `text` (`offset` bytes into the line) into `event`, which may already
// hold a syslog header's fields. Leaves `event` unchanged when it fails.
Status DecodeWebAccessPayload(std::string_view text, size_t offset, Event& event);

}  // namespace pantau
