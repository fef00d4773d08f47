#include "store/event_store.h"

#include "core/time.h"

namespace pantau {

std::string StoredEvent::ToJson() const {
  std::string out = "{\"id\":";
  AppendJsonString(out, id);
  out += ",\"@timestamp\":";
  AppendJsonString(out, FormatRfc3339(timestamp));
  out += ",\"received\":";
  AppendJsonString(out, FormatRfc3339(received));
  out += ",\"dataset\":";
  AppendJsonString(out, dataset);
  out += ",\"message\":";
  AppendJsonString(out, message);
  out += ",\"raw\":";
  AppendJsonString(out, raw);
  out += ",\"fields\":";
  out += fields_json;
  AppendFlagsJson(out, flags);
  if (!error.empty()) {
    out += ",\"error\":";
    AppendJsonString(out, error);
  }
  out.push_back('}');
  return out;
}

Result<std::vector<StoredEvent>> EventStore::GetMany(std::span<const std::string> ids) const {
  std::vector<StoredEvent> out;
  for (const std::string& id : ids) {
    auto e = Get(id);
    if (e.ok()) {
      out.push_back(std::move(*e));
    } else if (e.status().code() != StatusCode::kNotFound &&
               e.status().code() != StatusCode::kInvalidArgument) {
      return e.status();
    }
  }
  return out;
}

}  // namespace pantau
