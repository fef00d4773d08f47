// EventRow: the storage form of an Event — fields serialised, the most-filtered fields pulled out,
// the message kept as an offset into the raw line when it is its tail (as in syslog). Encoding is
// done by the pipeline's decoder thread so the single store writer only inserts.
//
// Thread-safety: plain values; EncodeEvent is pure.
#pragma once

#include <cstdint>
#include <string>

#include "core/event.h"

namespace pantau {

// The fields promoted to their own columns, in this order, for filtering and indexes.
inline constexpr const char* kHotFields[] = {"host.name", "source.ip",    "destination.ip",
                                             "user.name", "event.action", "event.outcome"};
inline constexpr int kHotFieldCount = 6;

struct EventRow {
  // Set by the store's single writer, increasing: makes a retried EventStore::Append idempotent.
  uint64_t seq = 0;
  TimeNs timestamp = 0;
  TimeNs received = 0;
  std::string dataset;
  std::string raw;
  // The message is raw.substr(message_offset) when message_offset >= 0, else `message`.
  int64_t message_offset = -1;
  std::string message;
  std::string hot[kHotFieldCount];  // empty when the event lacks the field
  std::string fields_json;
  uint32_t flags = 0;
  std::string error;

  std::string_view Message() const {
    return message_offset >= 0 ? std::string_view(raw).substr(message_offset)
                               : std::string_view(message);
  }
};

EventRow EncodeEvent(Event&& event);

}  // namespace pantau
