#include "decode/common.h"

#include <utility>

#include "decode/scan.h"

namespace pantau::decode {

Event StartEvent(std::string_view line, const DecodeContext& ctx) {
  Event e;
  e.raw.assign(line);
  // Most records carry 10 to 70 fields; growing the vector one by one costs several copies.
  e.fields.Reserve(32);
  e.received = ctx.received;
  e.timestamp = ctx.received;
  e.flags = kTimeFromReceipt;
  if (!IsValidUtf8(line)) e.flags |= kInvalidUtf8;
  return e;
}

void FinishEvent(Event& event, const DecodeContext& ctx) {
  if (!ctx.input.empty()) event.fields.Set("input.type", std::string(ctx.input));
  if (!ctx.source_address.empty()) {
    event.fields.Set("log.source.address", std::string(ctx.source_address));
  }
}

void SetTime(Event& event, TimeNs t) {
  event.timestamp = t;
  event.flags &= ~static_cast<uint32_t>(kTimeFromReceipt);
}

Status DecodeError(std::string_view format, std::string_view what, size_t offset) {
  std::string m;
  m.reserve(format.size() + what.size() + 24);
  m.append(format).append(": ").append(what).append(" at byte ").append(std::to_string(offset));
  return InvalidArgument(std::move(m));
}

Status DecodeError(std::string_view format, std::string_view what) {
  std::string m;
  m.append(format).append(": ").append(what);
  return InvalidArgument(std::move(m));
}

void SetIpOrDomain(Event& event, std::string_view prefix, std::string_view address) {
  if (address.empty() || address == "-") return;
  std::string name(prefix);
  name += IsIpAddress(address) ? ".ip" : ".domain";
  event.fields.Set(name, std::string(address));
}

void SetIntOrString(Event& event, std::string_view name, std::string_view text) {
  if (text.empty()) return;
  if (auto n = ParseInt64(text)) {
    event.fields.Set(name, *n);
  } else {
    event.fields.Set(name, std::string(text));
  }
}

}  // namespace pantau::decode
