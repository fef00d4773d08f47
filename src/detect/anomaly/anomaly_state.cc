#include "detect/anomaly/anomaly_state.h"

#include <memory>
#include <mutex>
#include <utility>

#include "core/hash.h"
#include "detect/anomaly/detector_config.h"

namespace pantau::anomaly {

void EncodeKnown(const KnownSet& k, std::string& out) {
  PutString(out, k.kind);
  PutString(out, k.entity);
  PutI64(out, k.first_seen);
  PutI64(out, k.last_seen);
  PutU64(out, k.values.size());
  for (const auto& [h, last] : k.values) {
    PutU64(out, h);
    PutI64(out, last);
  }
}

bool DecodeKnown(std::string_view in, KnownSet& k) {
  uint64_t n = 0;
  if (!GetString(in, k.kind) || !GetString(in, k.entity) || !GetI64(in, k.first_seen) ||
      !GetI64(in, k.last_seen) || !GetU64(in, n) || n > in.size() / 16) {
    return false;
  }
  k.values.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t h = 0;
    int64_t last = 0;
    if (!GetU64(in, h) || !GetI64(in, last)) return false;
    k.values[h] = last;
  }
  return in.empty();
}

void EncodeSeries(const Series& s, std::string& out) {
  PutString(out, s.kind);
  PutString(out, s.source);
  PutU64(out, s.source_is_host);
  PutString(out, s.what);
  PutI64(out, s.first_bucket);
  PutI64(out, s.last_seen);
  PutU64(out, s.open.size());
  for (const OpenBucket& o : s.open) {
    PutI64(out, o.bucket);
    PutF64(out, o.count);
    PutF64(out, o.total);
  }
  PutU64(out, s.slots.size());
  for (const ValueRing& r : s.slots) r.Encode(out);
  PutU64(out, s.accepted_high.size());
  for (float f : s.accepted_high) PutF64(out, f);
  PutU64(out, s.silence_ok);
  PutI64(out, s.silent_since);
  PutF64(out, s.silent_expected);
  PutF64(out, s.silent_low);
  PutF64(out, s.silent_high);
  PutU64(out, s.in_silence);
  PutU64(out, s.recent.size());
  for (const SeriesPoint& p : s.recent) {
    PutI64(out, p.time);
    PutF64(out, p.value);
    PutF64(out, p.low);
    PutF64(out, p.high);
  }
}

bool DecodeSeries(std::string_view in, Series& s) {
  uint64_t host = 0, n = 0;
  if (!GetString(in, s.kind) || !GetString(in, s.source) || !GetU64(in, host) ||
      !GetString(in, s.what) || !GetI64(in, s.first_bucket) || !GetI64(in, s.last_seen) ||
      !GetU64(in, n) || n > 64) {
    return false;
  }
  s.source_is_host = host != 0;
  for (uint64_t i = 0; i < n; ++i) {
    OpenBucket o;
    if (!GetI64(in, o.bucket) || !GetF64(in, o.count) || !GetF64(in, o.total)) return false;
    s.open.push_back(o);
  }
  if (s.kind != kVolume && s.kind != kRatio) return false;
  if (!GetU64(in, n) || n != (s.kind == kRatio ? 1u : static_cast<uint64_t>(kSeasonalSlots))) {
    return false;
  }
  s.slots.resize(n);
  for (ValueRing& r : s.slots) {
    if (!r.Decode(in)) return false;
  }
  if (!GetU64(in, n) || n > kSeasonalSlots) return false;
  for (uint64_t i = 0; i < n; ++i) {
    double f = 0;
    if (!GetF64(in, f)) return false;
    s.accepted_high.push_back(static_cast<float>(f));
  }
  uint64_t silence = 0;
  if (!GetU64(in, s.silence_ok) || !GetI64(in, s.silent_since) || !GetF64(in, s.silent_expected) ||
      !GetF64(in, s.silent_low) || !GetF64(in, s.silent_high) || !GetU64(in, silence) ||
      !GetU64(in, n) || n > kRecentPoints) {
    return false;
  }
  s.in_silence = silence != 0;
  for (uint64_t i = 0; i < n; ++i) {
    SeriesPoint p;
    if (!GetI64(in, p.time) || !GetF64(in, p.value) || !GetF64(in, p.low) || !GetF64(in, p.high)) {
      return false;
    }
    s.recent.push_back(p);
  }
  return in.empty();
}

BaselineSnapshot AnomalyEngine::Snapshot() const {
  std::lock_guard lock(mu_);
  const State& s = *state_;
  BaselineSnapshot snap;
  std::string meta;
  PutI64(meta, s.watermark);
  PutI64(meta, s.next_close);
  snap.rows.push_back({"meta", "engine", std::move(meta)});
  for (const auto& [h, src] : s.sources) {
    BaselineRow row{"source", src.name, {}};
    PutI64(row.state, src.first_seen);
    PutI64(row.state, src.last_seen);
    snap.rows.push_back(std::move(row));
  }
  for (const auto* map : {&s.templates, &s.values}) {
    for (const auto& [h, k] : *map) {
      BaselineRow row{"known", k.key, {}};
      EncodeKnown(k, row.state);
      snap.rows.push_back(std::move(row));
    }
  }
  for (const auto* map : {&s.volume, &s.ratio}) {
    for (const auto& [h, series] : *map) {
      BaselineRow row{"series", series.key, {}};
      EncodeSeries(series, row.state);
      snap.rows.push_back(std::move(row));
    }
  }
  return snap;
}

Status AnomalyEngine::Restore(const BaselineSnapshot& snapshot) {
  auto fresh = std::make_unique<State>();
  for (const BaselineRow& row : snapshot.rows) {
    const auto damaged = [&row] {
      return InvalidArgument("anomaly baseline row '" + row.key + "' (" + row.kind +
                             ") is damaged; delete it or the baseline file to relearn");
    };
    std::string_view in = row.state;
    if (row.kind == "meta") {
      if (!GetI64(in, fresh->watermark) || !GetI64(in, fresh->next_close)) return damaged();
    } else if (row.kind == "source") {
      SourceSeen src{row.key, 0, 0};
      if (!GetI64(in, src.first_seen) || !GetI64(in, src.last_seen) || !in.empty()) {
        return damaged();
      }
      fresh->sources.emplace(Fnv1a64(src.name), std::move(src));
    } else if (row.kind == "known") {
      KnownSet k;
      k.key = row.key;
      if (!DecodeKnown(in, k)) return damaged();
      auto& map = k.kind == "new_template" ? fresh->templates : fresh->values;
      map.emplace(Fnv1a64(k.key), std::move(k));
    } else if (row.kind == "series") {
      Series series;
      series.key = row.key;
      if (!DecodeSeries(in, series)) return damaged();
      auto& map = series.kind == kRatio ? fresh->ratio : fresh->volume;
      map.emplace(Fnv1a64(series.key), std::move(series));
    } else {
      return damaged();
    }
  }
  fresh->skip_gap = fresh->next_close != kNoBucket;
  fresh->watermark_arrival = clock_.Now();
  std::lock_guard lock(mu_);
  fresh->stats = state_->stats;
  state_ = std::move(fresh);
  return Status::Ok();
}

}  // namespace pantau::anomaly
