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

}  // namespace pantau
