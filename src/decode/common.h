// Pieces every decoder uses to build its Event: the start (raw, receipt time, UTF-8 check), the
// end (input metadata), the decoded time, the error text, and the cap on how many of a line's
// own fields are kept.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/event.h"
#include "core/status.h"
#include "decode/decoder.h"

namespace pantau::decode {

// A line may carry any number of key=value pairs or JSON keys; Fields::Set is linear, so an
// event keeps at most this many of the source's own fields (the raw line keeps the rest), and a
// hostile 16 MiB line of "a=1 a=1 ..." costs milliseconds, not hours.
constexpr size_t kMaxSourceFields = 1000;

// A new event for `line`: raw, received, kInvalidUtf8, and the receipt time marked with
// kTimeFromReceipt until the decoder finds the line's own time.
Event StartEvent(std::string_view line, const DecodeContext& ctx);
// Adds input.type and log.source.address from `ctx` last, so that they win over a field of the
// same name inside a JSON line: they describe how Pantau received the line.
void FinishEvent(Event& event, const DecodeContext& ctx);
void SetTime(Event& event, TimeNs t);

// "fortigate: expected '=' after the key at byte 17" (offset counted in the whole line).
Status DecodeError(std::string_view format, std::string_view what, size_t offset);
Status DecodeError(std::string_view format, std::string_view what);

// Sets `<prefix>.ip` when `address` is an IP address, `<prefix>.domain` otherwise (PAM rhost,
// web client names when HostnameLookups is on). Nothing for an empty address or "-".
void SetIpOrDomain(Event& event, std::string_view prefix, std::string_view address);
// Sets `name` to the number in `text` when it is one, to the text otherwise; nothing when empty.
void SetIntOrString(Event& event, std::string_view name, std::string_view text);

}  // namespace pantau::decode
