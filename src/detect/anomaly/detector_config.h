// AnomalyConfig: the settings of the anomaly detectors (anomaly_engine.h) with their defaults:
// bucket size, learning periods, thresholds, caps on remembered keys, and exclusions and
// overrides per detector and per source. Guide: docs/anomaly.md, section "Detectors".
//
// Thread-safety: a plain value; the engine keeps its own copy.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"

namespace pantau::anomaly {

constexpr TimeNs kNsPerMinute = 60 * kNsPerSecond;
constexpr TimeNs kNsPerHour = 60 * kNsPerMinute;

// Detector names as used in config, exclusions and Anomaly::detector.
inline constexpr std::string_view kNewTemplate = "new_template";
inline constexpr std::string_view kVolume = "volume";
inline constexpr std::string_view kNewValue = "new_value";
inline constexpr std::string_view kRatio = "ratio";

// Exclusion lists hold source names; a name ending in '*' matches every source starting with the
// rest ("10.0.*", "test-*").
bool SourceMatches(const std::vector<std::string>& patterns, std::string_view source);

struct AnomalyConfig {
  bool enabled = true;
  TimeNs bucket = 10 * kNsPerMinute;     // volume and ratio buckets
  TimeNs late_grace = 2 * kNsPerMinute;  // a bucket closes this long after its end
  // An event stamped further ahead of the clock is counted at the clock's time, so that a forged
  // future timestamp cannot close every open bucket.
  TimeNs max_future = 5 * kNsPerMinute;
  // The hour of day of the seasonal baseline is local time: UTC+8 (WITA) by default.
  int utc_offset_minutes = 8 * 60;
  // Saturdays and Sundays get baselines of their own (a government office is quiet then).
  bool split_weekend = true;
  std::vector<std::string> exclude_sources;  // no detector looks at these sources
  size_t max_sources = 10'000;  // sources whose first event is remembered (learning periods)

  struct NewTemplate {
    bool enabled = true;
    TimeNs learning = 3 * kNsPerDay;  // per source, from its first event
    int max_alerts_per_hour = 10;     // per source; the rest make one "flood" anomaly
    size_t max_sources = 5'000;
    size_t max_templates_per_source = 20'000;
    std::vector<std::string> exclude_sources;
  } new_template;

  struct Volume {
    bool enabled = true;
    bool per_template = true;      // series per (source, template)
    bool per_outcome = true;       // series per (source, event.outcome)
    int min_history = 12;          // same-slot buckets seen before a series may alert
    int history_per_slot = 24;     // buckets kept per slot (hour of day x weekday/weekend)
    double spike_sigmas = 6;       // high = median + spike_sigmas * sigma ...
    double spike_min_ratio = 3;    // ... and above median * spike_min_ratio ...
    double spike_min_events = 30;  // ... and at least this many events
    // A source is silent when a run of empty buckets should have held this many events (the
    // sum of their medians): e^-20 is the chance of that by Poisson noise alone.
    double silence_min_expected = 20;
    size_t max_series = 20'000;
    std::vector<std::string> exclude_sources;
  } volume;

  struct NewValue {
    bool enabled = true;
    TimeNs learning = 7 * kNsPerDay;  // per entity (user, host), from its first value
    bool login_ip = true;             // a user's successful login from a new source.ip (/16)
    bool process = true;              // a new process name or executable on a host
    bool admin_user = true;           // an account acting as administrator for the first time
    bool admin_user_agent = true;     // a new user agent on an admin URL path
    // Where GeoIP.dat (and GeoIPv6.dat) are, for login_ip's "a country never seen for this
    // user"; empty turns countries off. A missing database turns them off too, with a warning.
    std::string geoip_dir = "/usr/share/GeoIP";
    std::vector<std::string> admin_paths = {"/wp-admin", "/wp-login.php", "/administrator",
                                            "/admin"};
    std::vector<std::string> admin_groups = {
        "sudo",           "wheel",         "admin", "root",
        "administrators", "domain admins", "adm",   "enterprise admins"};
    int max_alerts_per_hour = 10;  // per entity
    size_t max_entities = 20'000;
    size_t max_values_per_entity = 1'000;
    std::vector<std::string> exclude_sources;
  } new_value;

  struct Ratio {
    bool enabled = true;
    int min_total = 20;       // events in a bucket before its share counts
    int min_failures = 10;    // failures (or error responses) in a bucket before it alerts
    int min_history = 12;     // evaluated buckets before a series may alert
    int history = 48;         // evaluated buckets kept (no seasonality: a share is a share)
    double sigmas = 6;        // over the larger of MAD and the binomial noise of the bucket
    double min_delta = 0.25;  // the share must exceed the median by this much
    size_t max_series = 10'000;
    std::vector<std::string> exclude_sources;
  } ratio;

  // Per-source tuning, by exact source name.
  struct SourceTuning {
    std::vector<std::string> disabled;  // detector names off for this source
    // Sigmas and the silence threshold are divided by it (2: twice as sensitive).
    double sensitivity = 1;
    std::optional<TimeNs> learning;  // replaces the learning periods for this source
  };
  std::map<std::string, SourceTuning, std::less<>> sources;

  // Says what is wrong and where ("anomaly.volume.spike_sigmas must be > 0").
  Status Validate() const;
};

// Applies the `anomaly:` section of the config file (Config::anomaly) over `config`, then
// validates it. Errors name the file, line and key ("pantau.yaml:14: anomaly.volume.spike_sigmas:
// must be a number"); an unknown key is an error. Durations are written in the unit their name
// says: bucket_minutes, late_grace_s, learning_days.
Status ApplyAnomalySettings(const std::vector<ConfigSetting>& settings, AnomalyConfig& config);

}  // namespace pantau::anomaly
