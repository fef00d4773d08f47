#include "detect/anomaly/detector_config.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <string>
#include <unordered_map>

namespace pantau::anomaly {
namespace {

Status Positive(double v, std::string_view name) {
  if (v > 0) return Status::Ok();
  return InvalidArgument("anomaly." + std::string(name) + " must be > 0, got " + std::to_string(v));
}

bool KnownDetector(std::string_view name) {
  return name == kNewTemplate || name == kVolume || name == kNewValue || name == kRatio;
}

// Readers of one setting's value; `bad` builds the error that names where and which key.
using Bad = std::function<Status(std::string_view why)>;

Status ReadBool(const ConfigSetting& s, const Bad& bad, bool& out) {
  if (s.is_list || (s.value != "true" && s.value != "false")) return bad("must be true or false");
  out = s.value == "true";
  return Status::Ok();
}

Status ReadDouble(const ConfigSetting& s, const Bad& bad, double min, double max, double& out) {
  double v = 0;
  auto r = std::from_chars(s.value.data(), s.value.data() + s.value.size(), v);
  if (s.is_list || r.ec != std::errc() || r.ptr != s.value.data() + s.value.size() ||
      !std::isfinite(v)) {
    return bad("must be a number");
  }
  if (v < min || v > max) {
    return bad("must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  out = v;
  return Status::Ok();
}

template <typename T>
Status ReadWhole(const ConfigSetting& s, const Bad& bad, int64_t min, int64_t max, T& out) {
  int64_t v = 0;
  auto r = std::from_chars(s.value.data(), s.value.data() + s.value.size(), v);
  if (s.is_list || r.ec != std::errc() || r.ptr != s.value.data() + s.value.size()) {
    return bad("must be a whole number");
  }
  if (v < min || v > max) {
    return bad("must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  out = static_cast<T>(v);
  return Status::Ok();
}

Status ReadList(const ConfigSetting& s, std::vector<std::string>& out) {
  if (s.is_list) {
    out = s.list;
  } else {
    out = {s.value};
  }
  return Status::Ok();
}

Status ReadDuration(const ConfigSetting& s, const Bad& bad, TimeNs unit, double max_units,
                    TimeNs& out) {
  double v = 0;
  RETURN_IF_ERROR(ReadDouble(s, bad, 0, max_units, v));
  out = static_cast<TimeNs>(v * static_cast<double>(unit));
  return Status::Ok();
}

using Setter = std::function<Status(const ConfigSetting&, const Bad&, AnomalyConfig&)>;

// Every key of the section but sources.<name>.*, by its dotted path.
const std::unordered_map<std::string, Setter>& Setters() {
  using C = AnomalyConfig;
  using S = const ConfigSetting&;
  using B = const Bad&;
  constexpr int64_t kMaxCap = 10'000'000;
  static const auto* table = new std::unordered_map<std::string, Setter>{
      {"enabled", [](S s, B b, C& c) { return ReadBool(s, b, c.enabled); }},
      {"bucket_minutes",
       [](S s, B b, C& c) { return ReadDuration(s, b, kNsPerMinute, 60, c.bucket); }},
      {"late_grace_s",
       [](S s, B b, C& c) { return ReadDuration(s, b, kNsPerSecond, 3600, c.late_grace); }},
      {"utc_offset_minutes",
       [](S s, B b, C& c) { return ReadWhole(s, b, -720, 840, c.utc_offset_minutes); }},
      {"split_weekend", [](S s, B b, C& c) { return ReadBool(s, b, c.split_weekend); }},
      {"exclude_sources", [](S s, B, C& c) { return ReadList(s, c.exclude_sources); }},
      {"max_sources", [](S s, B b, C& c) { return ReadWhole(s, b, 1, kMaxCap, c.max_sources); }},
      {"new_template.enabled",
       [](S s, B b, C& c) { return ReadBool(s, b, c.new_template.enabled); }},
      {"new_template.learning_days",
       [](S s, B b, C& c) { return ReadDuration(s, b, kNsPerDay, 365, c.new_template.learning); }},
      {"new_template.max_alerts_per_hour",
       [](S s, B b, C& c) {
         return ReadWhole(s, b, 1, 100'000, c.new_template.max_alerts_per_hour);
       }},
      {"new_template.max_sources",
       [](S s, B b, C& c) { return ReadWhole(s, b, 1, kMaxCap, c.new_template.max_sources); }},
      {"new_template.max_templates_per_source",
       [](S s, B b, C& c) {
         return ReadWhole(s, b, 1, kMaxCap, c.new_template.max_templates_per_source);
       }},
      {"new_template.exclude_sources",
       [](S s, B, C& c) { return ReadList(s, c.new_template.exclude_sources); }},
      {"volume.enabled", [](S s, B b, C& c) { return ReadBool(s, b, c.volume.enabled); }},
      {"volume.per_template", [](S s, B b, C& c) { return ReadBool(s, b, c.volume.per_template); }},
      {"volume.per_outcome", [](S s, B b, C& c) { return ReadBool(s, b, c.volume.per_outcome); }},
      {"volume.min_history",
       [](S s, B b, C& c) { return ReadWhole(s, b, 1, 1000, c.volume.min_history); }},
      {"volume.history_per_slot",
       [](S s, B b, C& c) { return ReadWhole(s, b, 1, 1000, c.volume.history_per_slot); }},
      {"volume.spike_sigmas",
       [](S s, B b, C& c) { return ReadDouble(s, b, 0.5, 100, c.volume.spike_sigmas); }},
      {"volume.spike_min_ratio",
       [](S s, B b, C& c) { return ReadDouble(s, b, 1, 1000, c.volume.spike_min_ratio); }},
      {"volume.spike_min_events",
       [](S s, B b, C& c) { return ReadDouble(s, b, 1, 1e9, c.volume.spike_min_events); }},
      {"volume.silence_min_expected",
       [](S s, B b, C& c) { return ReadDouble(s, b, 1, 1e9, c.volume.silence_min_expected); }},
      {"volume.max_series",
       [](S s, B b, C& c) { return ReadWhole(s, b, 1, kMaxCap, c.volume.max_series); }},
      {"volume.exclude_sources",
       [](S s, B, C& c) { return ReadList(s, c.volume.exclude_sources); }},
      {"new_value.enabled", [](S s, B b, C& c) { return ReadBool(s, b, c.new_value.enabled); }},
      {"new_value.learning_days",
       [](S s, B b, C& c) { return ReadDuration(s, b, kNsPerDay, 365, c.new_value.learning); }},
      {"new_value.login_ip", [](S s, B b, C& c) { return ReadBool(s, b, c.new_value.login_ip); }},
      {"new_value.geoip_dir",
       [](S s, B b, C& c) {
         if (s.is_list) return b("must be a directory (or empty: no countries)");
         c.new_value.geoip_dir = s.value;
         return Status::Ok();
       }},
      {"new_value.process", [](S s, B b, C& c) { return ReadBool(s, b, c.new_value.process); }},
      {"new_value.admin_user",
       [](S s, B b, C& c) { return ReadBool(s, b, c.new_value.admin_user); }},
      {"new_value.admin_user_agent",
       [](S s, B b, C& c) { return ReadBool(s, b, c.new_value.admin_user_agent); }},
      {"new_value.admin_paths", [](S s, B, C& c) { return ReadList(s, c.new_value.admin_paths); }},
      {"new_value.admin_groups",
       [](S s, B, C& c) { return ReadList(s, c.new_value.admin_groups); }},
      {"new_value.max_alerts_per_hour",
       [](S s, B b, C& c) { return ReadWhole(s, b, 1, 100'000, c.new_value.max_alerts_per_hour); }},
      {"new_value.max_entities",
       [](S s, B b, C& c) { return ReadWhole(s, b, 1, kMaxCap, c.new_value.max_entities); }},
      {"new_value.max_values_per_entity",
       [](S s, B b,
          C& c) { return ReadWhole(s, b, 1, kMaxCap, c.new_value.max_values_per_entity); }},
      {"new_value.exclude_sources",
       [](S s, B, C& c) { return ReadList(s, c.new_value.exclude_sources); }},
      {"ratio.enabled", [](S s, B b, C& c) { return ReadBool(s, b, c.ratio.enabled); }},
      {"ratio.min_total",
       [](S s, B b, C& c) { return ReadWhole(s, b, 1, 1'000'000, c.ratio.min_total); }},
      {"ratio.min_failures",
       [](S s, B b, C& c) { return ReadWhole(s, b, 0, 1'000'000, c.ratio.min_failures); }},
      {"ratio.min_history",
       [](S s, B b, C& c) { return ReadWhole(s, b, 1, 1000, c.ratio.min_history); }},
      {"ratio.history", [](S s, B b, C& c) { return ReadWhole(s, b, 1, 1000, c.ratio.history); }},
      {"ratio.sigmas", [](S s, B b, C& c) { return ReadDouble(s, b, 0.5, 100, c.ratio.sigmas); }},
      {"ratio.min_delta", [](S s, B b, C& c) { return ReadDouble(s, b, 0, 1, c.ratio.min_delta); }},
      {"ratio.max_series",
       [](S s, B b, C& c) { return ReadWhole(s, b, 1, kMaxCap, c.ratio.max_series); }},
      {"ratio.exclude_sources", [](S s, B, C& c) { return ReadList(s, c.ratio.exclude_sources); }},
  };
  return *table;
}

}  // namespace

Status ApplyAnomalySettings(const std::vector<ConfigSetting>& settings, AnomalyConfig& config) {
  for (const ConfigSetting& s : settings) {
    std::string key;
    for (const std::string& p : s.path) key += (key.empty() ? "" : ".") + p;
    const Bad bad = [&](std::string_view why) {
      return InvalidArgument(s.where + ": anomaly." + key + ": " + std::string(why));
    };
    if (!s.path.empty() && s.path[0] == "sources") {
      if (s.path.size() != 3) return bad("unknown setting (sources.<name>.<setting>)");
      AnomalyConfig::SourceTuning& t = config.sources[s.path[1]];
      const std::string& what = s.path[2];
      if (what == "disabled") {
        RETURN_IF_ERROR(ReadList(s, t.disabled));
        for (const std::string& d : t.disabled) {
          if (!KnownDetector(d)) {
            return bad("unknown detector '" + d + "' (new_template, volume, new_value, ratio)");
          }
        }
      } else if (what == "sensitivity") {
        RETURN_IF_ERROR(ReadDouble(s, bad, 0.01, 100, t.sensitivity));
      } else if (what == "learning_days") {
        TimeNs learning = 0;
        RETURN_IF_ERROR(ReadDuration(s, bad, kNsPerDay, 365, learning));
        t.learning = learning;
      } else {
        return bad("unknown setting (disabled, sensitivity, learning_days)");
      }
      continue;
    }
    auto it = Setters().find(key);
    if (it == Setters().end()) return bad("unknown setting");
    RETURN_IF_ERROR(it->second(s, bad, config));
  }
  return config.Validate();
}

bool SourceMatches(const std::vector<std::string>& patterns, std::string_view source) {
  for (const std::string& p : patterns) {
    if (!p.empty() && p.back() == '*') {
      if (source.substr(0, p.size() - 1) == std::string_view(p).substr(0, p.size() - 1)) {
        return true;
      }
    } else if (source == p) {
      return true;
    }
  }
  return false;
}

Status AnomalyConfig::Validate() const {
  RETURN_IF_ERROR(Positive(static_cast<double>(bucket), "bucket"));
  if (bucket < kNsPerMinute || kNsPerHour % bucket != 0) {
    return InvalidArgument(
        "anomaly.bucket must divide an hour and be at least a minute (1m, 5m, 10m, 15m, 30m, "
        "1h)");
  }
  if (late_grace < 0 || late_grace > bucket) {
    return InvalidArgument("anomaly.late_grace must be between 0 and the bucket size");
  }
  if (utc_offset_minutes < -12 * 60 || utc_offset_minutes > 14 * 60) {
    return InvalidArgument("anomaly.utc_offset_minutes must be between -720 and 840");
  }
  RETURN_IF_ERROR(Positive(static_cast<double>(max_sources), "max_sources"));
  if (new_template.learning < 0 || new_value.learning < 0) {
    return InvalidArgument("anomaly: learning periods must not be negative");
  }
  RETURN_IF_ERROR(Positive(new_template.max_alerts_per_hour, "new_template.max_alerts_per_hour"));
  RETURN_IF_ERROR(
      Positive(static_cast<double>(new_template.max_sources), "new_template.max_sources"));
  RETURN_IF_ERROR(Positive(static_cast<double>(new_template.max_templates_per_source),
                           "new_template.max_templates_per_source"));
  RETURN_IF_ERROR(Positive(volume.min_history, "volume.min_history"));
  RETURN_IF_ERROR(Positive(volume.history_per_slot, "volume.history_per_slot"));
  if (volume.history_per_slot < volume.min_history || volume.history_per_slot > 1000) {
    return InvalidArgument(
        "anomaly.volume.history_per_slot must be between volume.min_history and 1000");
  }
  RETURN_IF_ERROR(Positive(volume.spike_sigmas, "volume.spike_sigmas"));
  RETURN_IF_ERROR(Positive(volume.spike_min_ratio, "volume.spike_min_ratio"));
  RETURN_IF_ERROR(Positive(volume.silence_min_expected, "volume.silence_min_expected"));
  RETURN_IF_ERROR(Positive(static_cast<double>(volume.max_series), "volume.max_series"));
  RETURN_IF_ERROR(Positive(new_value.max_alerts_per_hour, "new_value.max_alerts_per_hour"));
  RETURN_IF_ERROR(Positive(static_cast<double>(new_value.max_entities), "new_value.max_entities"));
  RETURN_IF_ERROR(Positive(static_cast<double>(new_value.max_values_per_entity),
                           "new_value.max_values_per_entity"));
  for (const std::string& p : new_value.admin_paths) {
    if (p.empty() || p[0] != '/') {
      return InvalidArgument("anomaly.new_value.admin_paths: '" + p + "' must start with '/'");
    }
  }
  RETURN_IF_ERROR(Positive(ratio.min_total, "ratio.min_total"));
  RETURN_IF_ERROR(Positive(ratio.min_history, "ratio.min_history"));
  if (ratio.history < ratio.min_history || ratio.history > 1000) {
    return InvalidArgument("anomaly.ratio.history must be between ratio.min_history and 1000");
  }
  RETURN_IF_ERROR(Positive(ratio.sigmas, "ratio.sigmas"));
  RETURN_IF_ERROR(Positive(static_cast<double>(ratio.max_series), "ratio.max_series"));
  for (const auto& [source, tuning] : sources) {
    for (const std::string& d : tuning.disabled) {
      if (!KnownDetector(d)) {
        return InvalidArgument("anomaly.sources." + source + ".disabled: unknown detector '" + d +
                               "' (new_template, volume, new_value, ratio)");
      }
    }
    if (!(tuning.sensitivity > 0)) {
      return InvalidArgument("anomaly.sources." + source + ".sensitivity must be > 0");
    }
    if (tuning.learning && *tuning.learning < 0) {
      return InvalidArgument("anomaly.sources." + source + ".learning must not be negative");
    }
  }
  return Status::Ok();
}

}  // namespace pantau::anomaly
