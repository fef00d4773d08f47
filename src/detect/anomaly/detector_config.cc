#include "detect/anomaly/detector_config.h"

#include <string>

namespace pantau::anomaly {
namespace {

Status Positive(double v, std::string_view name) {
  if (v > 0) return Status::Ok();
  return InvalidArgument("anomaly." + std::string(name) + " must be > 0, got " + std::to_string(v));
}

bool KnownDetector(std::string_view name) {
  return name == kNewTemplate || name == kVolume || name == kNewValue || name == kRatio;
}

}  // namespace

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
