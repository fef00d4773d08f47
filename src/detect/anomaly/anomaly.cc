#include "detect/anomaly/anomaly.h"

#include <cmath>

#include "core/event.h"
#include "core/time.h"
#include "fmt/format.h"

namespace pantau::anomaly {
namespace {

void AppendNumber(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
  } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
    out += std::to_string(static_cast<int64_t>(v));
  } else {
    out += fmt::format("{:.4g}", v);
  }
}

}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
  }
  return "medium";
}

std::string Anomaly::ToJson() const {
  std::string out = "{\"detector\":";
  AppendJsonString(out, detector);
  AppendJsonMember(out, "kind", kind);
  AppendJsonMember(out, "key", key);
  AppendJsonMember(out, "source", source);
  AppendJsonMember(out, "value", value);
  AppendJsonMember(out, "severity", SeverityName(severity));
  out += ",\"score\":";
  AppendNumber(out, score);
  AppendJsonMember(out, "time", FormatRfc3339(time));
  out += ",\"explanation\":{\"id\":";
  AppendJsonString(out, explanation_id);
  AppendJsonMember(out, "en", explanation_en);
  out += '}';
  if (!country.empty()) AppendJsonMember(out, "country", country);
  if (event_index) out += ",\"event_index\":" + std::to_string(*event_index);
  out += ",\"series\":[";
  for (size_t i = 0; i < series.size(); ++i) {
    const SeriesPoint& p = series[i];
    if (i > 0) out += ',';
    out += "{\"time\":";
    AppendJsonString(out, FormatRfc3339(p.time));
    out += ",\"value\":";
    AppendNumber(out, p.value);
    out += ",\"low\":";
    AppendNumber(out, p.low);
    out += ",\"high\":";
    AppendNumber(out, p.high);
    out += '}';
  }
  out += "]}";
  return out;
}

}  // namespace pantau::anomaly
