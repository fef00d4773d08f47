#include "store/event_row.h"

namespace pantau {

EventRow EncodeEvent(Event&& e) {
  EventRow row;
  row.timestamp = e.timestamp;
  row.received = e.received;
  row.dataset = std::move(e.dataset);
  row.fields_json = FieldsToJson(e.fields);
  for (int i = 0; i < kHotFieldCount; ++i) row.hot[i] = e.fields.GetString(kHotFields[i]);
  if (e.raw.size() >= e.message.size() && std::string_view(e.raw).ends_with(e.message)) {
    row.message_offset = static_cast<int64_t>(e.raw.size() - e.message.size());
  } else {
    row.message = std::move(e.message);
  }
  row.raw = std::move(e.raw);
  row.flags = e.flags;
  row.error = std::move(e.error);
  return row;
}

}  // namespace pantau
