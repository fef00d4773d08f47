// The anomaly engine's learned state (anomaly_engine.h): the known values of each entity, the
// volume and ratio series with their seasonal slots, the sources' first events and the event-time
// watermark; and its saved form, the rows of a BaselineSnapshot in baseline.h's encoding. Shared
// by the detectors (anomaly_engine.cc), which change it, and the codec (anomaly_state.cc), which
// writes and reads it.
//
// Thread-safety: plain data, guarded by the engine's mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "detect/anomaly/anomaly.h"
#include "detect/anomaly/anomaly_engine.h"
#include "detect/anomaly/baseline.h"

namespace pantau::anomaly {

inline constexpr size_t kRecentPoints = 36;  // the chart: 6 hours of 10-minute buckets
inline constexpr int64_t kNoBucket = std::numeric_limits<int64_t>::min();

// A set of known values of one entity (a source's templates, a user's login addresses).
struct KnownSet {
  std::string key;
  std::string kind;    // new_template, login_ip, process, admin_user, admin_user_agent
  std::string entity;  // the source or user
  TimeNs first_seen = 0;
  TimeNs last_seen = 0;
  std::unordered_map<uint64_t, TimeNs> values;  // value hash -> last seen
  // The per-hour alert limit (not saved: a restart may report a few more).
  TimeNs window_start = 0;
  int alerts_in_window = 0;
  bool flood_reported = false;
};

struct OpenBucket {
  int64_t bucket = 0;
  double count = 0;  // events, or failures of a ratio
  double total = 0;  // ratio: events with an outcome
};

struct Series {
  std::string key;
  std::string kind;  // volume, ratio
  std::string source;
  bool source_is_host = true;
  // volume: "" (all events), "template=<id>", "outcome=<o>"; ratio: login, http_4xx, http_5xx
  std::string what;
  int64_t first_bucket = 0;
  TimeNs last_seen = 0;
  std::vector<OpenBucket> open;
  std::vector<ValueRing> slots;      // kSeasonalSlots for volume, 1 for ratio
  std::vector<float> accepted_high;  // per slot; values up to it were marked expected
  uint64_t silence_ok = 0;           // bit per slot: silence was marked expected
  // The current run of empty buckets: its first bucket (kNoBucket: none), the sums of the
  // medians, lows and highs of its buckets, and whether it was reported.
  int64_t silent_since = std::numeric_limits<int64_t>::min();
  double silent_expected = 0, silent_low = 0, silent_high = 0;
  bool in_silence = false;
  std::deque<SeriesPoint> recent;
};

struct SourceSeen {
  std::string name;
  TimeNs first_seen = 0;
  TimeNs last_seen = 0;
};

struct AnomalyEngine::State {
  // Every source's first event: learning periods of per-source detectors start there.
  std::unordered_map<uint64_t, SourceSeen> sources;
  std::unordered_map<uint64_t, KnownSet> templates;  // new_template, by source
  std::unordered_map<uint64_t, KnownSet> values;     // new_value, by kind and entity
  std::unordered_map<uint64_t, Series> volume;
  std::unordered_map<uint64_t, Series> ratio;
  TimeNs watermark = std::numeric_limits<TimeNs>::min();  // newest event time; min: none yet
  TimeNs watermark_arrival = 0;                           // clock time it last moved
  int64_t next_close = kNoBucket;                         // first bucket not closed yet
  bool skip_gap = false;                                  // restored: skip the downtime
  std::vector<Anomaly> pending;                           // for the next Tick
  AnomalyEngineStats stats;
  std::string scratch;  // key being built, reused to spare allocations per event
};

// One known set or series as a snapshot row's state, and back; false for a damaged row.
void EncodeKnown(const KnownSet& k, std::string& out);
bool DecodeKnown(std::string_view in, KnownSet& k);
void EncodeSeries(const Series& s, std::string& out);
bool DecodeSeries(std::string_view in, Series& s);

}  // namespace pantau::anomaly
