// Anomaly: what a detector of anomaly_engine.h found, explained in plain Indonesian and English,
// with the stable key of the series or entity it concerns (the alert desk groups repeats by it,
// and MarkExpected takes it back), the event it concerns when there is one, and for series
// detectors the recent buckets with their expected band, for the UI's chart.
//
// Thread-safety: a plain value.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace pantau::anomaly {

enum class Severity { kLow, kMedium, kHigh };
std::string_view SeverityName(Severity s);  // "low", "medium", "high"

// One bucket of a series: its start, its value (a count or a share 0..1) and the expected band
// at that time; low and high are NaN while the series was still learning.
struct SeriesPoint {
  TimeNs time = 0;
  double value = 0;
  double low = 0;
  double high = 0;
};

struct Anomaly {
  std::string detector;  // new_template, volume, new_value, ratio
  std::string kind;      // new_template, spike, silence, login_ip, process, admin_user, ...
  // Which series or entity: "volume|web1|template=0123456789abcdef", "new_value|login_ip|alice".
  // Stable across runs; the alert desk groups repeats by it.
  std::string key;
  std::string source;  // host.name, else observer.name, log.source.address, dataset:<dataset>
  // What MarkExpected(key, value, time) accepts: the new value (template id, IP, process,
  // account, user agent), or the bucket's value as a decimal number for series.
  std::string value;
  Severity severity = Severity::kMedium;
  double score = 0;  // how far past the threshold: sigmas for series, 1 for a first-seen value
  TimeNs time = 0;   // the event's time, or the bucket's start
  std::string explanation_id;  // Bahasa Indonesia
  std::string explanation_en;
  // login_ip: source.ip's country (ISO 3166 code) when a country database is given and knows
  // it; the alert carries it as source.geo.country_iso_code. The stored event is not changed.
  std::string country;
  // Index into the batch given to Observe, for anomalies about one event.
  std::optional<size_t> event_index;
  std::vector<SeriesPoint> series;  // oldest first; empty for per-event detectors

  // {"detector","kind","key","source","value","severity","score","time" (RFC 3339),
  //  "explanation":{"id","en"},"country"?,"event_index"?,"series":[{"time","value","low","high"}]}
  std::string ToJson() const;
};

}  // namespace pantau::anomaly
