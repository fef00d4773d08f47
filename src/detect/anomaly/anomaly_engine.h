// AnomalyEngine: the anomaly detectors of issue 10 over the stream of ingested events. Fed each
// decoded batch (Observe) and a tick about every minute (Tick); yields Anomaly values that the
// server turns into alerts of dataset `anomaly`. Guide: docs/anomaly.md, section "Detectors".
//
// Detectors (each can be turned off, per detector and per source; see detector_config.h):
//   new_template  a log template (`log.template_id`) never seen from a source, after its learning
//   volume        counts per source, per (source, template), per (source, event.outcome) in
//                 buckets against a seasonal median/MAD band: spikes, and silences of a source
//   new_value     a user's successful login from a new source.ip (and /16, and country when a
//                 CountryLookup is given), a new process on a host, an account acting as
//                 administrator for the first time, a new user agent on an admin URL path
//   ratio         the share of failed logins per source, of 4xx and of 5xx responses per web
//                 server, per bucket against its own band
//
// Time: volume and ratio buckets are bucketed by the EVENT's timestamp, so a replayed stream of
// old logs is counted in the buckets it happened in. A bucket closes when the stream's event-time
// watermark (the newest event time seen, never ahead of the clock by more than `max_future`)
// passes its end plus `late_grace`; an event for a closed bucket is counted as late, in the
// oldest open bucket (a device whose clock is behind keeps its volume). When nothing arrives, Tick
// extrapolates the watermark by the clock time passed since the watermark last moved, so a source
// (or every source) that stops sending is still found silent. Learning periods are measured in
// event time too. The clock is read only for arrival times; the downtime of a restart is skipped
// (its buckets are unknown, not silent).
//
// Sources: host.name, else observer.name, else observer.hostname, else log.source.address (the
// sending peer), else "dataset:<dataset>". Source names are cut to 128 bytes, values to 256.
//
// Memory: every map has a cap (detector_config.h); past it the least recently seen eighth is
// evicted at once (amortised O(1) per insert). Known values are kept as 64-bit hashes.
//
// Thread-safety: all public methods are safe to call from any thread; one mutex guards the state.
// Observe is meant for the decoder thread (hash-map work per event, no I/O), Tick for a timer,
// Snapshot/Restore for whoever saves baselines (baseline_store.h does the SQL, off the lock).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/event.h"
#include "core/status.h"
#include "detect/anomaly/anomaly.h"
#include "detect/anomaly/country_lookup.h"
#include "detect/anomaly/detector_config.h"

namespace pantau::anomaly {

// The engine's learned state as rows (kind, key, bytes), for baseline_store.h.
struct BaselineRow {
  std::string kind;  // "meta", "known", "series"
  std::string key;
  std::string state;  // baseline.h's encoding
};
struct BaselineSnapshot {
  std::vector<BaselineRow> rows;
};

// Counters for /metrics and tests.
struct AnomalyEngineStats {
  uint64_t events = 0;
  uint64_t late_events = 0;   // for buckets already closed
  uint64_t suppressed = 0;    // anomalies over the per-hour limits
  uint64_t evicted_keys = 0;  // known sets, values and series dropped at a cap
  size_t known_sets = 0;      // sources of new_template and entities of new_value
  size_t known_values = 0;    // values in them
  size_t series = 0;          // volume and ratio series
};

class AnomalyEngine {
 public:
  // REQUIRES: config.Validate().ok(); `clock` outlives the engine.
  AnomalyEngine(AnomalyConfig config, const Clock& clock);
  ~AnomalyEngine();
  AnomalyEngine(const AnomalyEngine&) = delete;
  AnomalyEngine& operator=(const AnomalyEngine&) = delete;

  // Runs the per-event detectors on `batch` and counts it into the open buckets. Returns the
  // anomalies about single events (event_index set). Buckets that the batch's event time
  // closes are evaluated too; their anomalies are returned by the next Tick.
  std::vector<Anomaly> Observe(std::span<const Event> batch);

  // Closes the buckets that `now` (the clock; see "Time" above) has passed and returns the
  // volume and ratio anomalies found since the last Tick.
  std::vector<Anomaly> Tick(TimeNs now);

  // Teaches the baseline that an anomaly is expected: for new_template and new_value keys
  // `value` joins the known set; for a volume or ratio key the slot of `time` accepts values up
  // to `value` (a spike) or silence (a silence anomaly, value "0"). Takes an Anomaly's key, value
  // and time as they are. NotFound when the key is not (or no longer) known.
  Status MarkExpected(std::string_view key, std::string_view value, TimeNs time);

  BaselineSnapshot Snapshot() const;
  // Replaces the learned state; a damaged row is an error naming its key.
  Status Restore(const BaselineSnapshot& snapshot);

  // Gives login_ip the countries of addresses (nullptr: none, the default). Without it the
  // engine works as before; countries learned earlier stay in the known sets.
  void SetCountryLookup(std::shared_ptr<const CountryLookup> countries);

  AnomalyEngineStats stats() const;
  const AnomalyConfig& config() const { return config_; }

  struct State;  // the learned state; defined in anomaly_engine.cc

 private:
  const AnomalyConfig config_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::unique_ptr<State> state_;                    // GUARDED_BY(mu_)
  std::shared_ptr<const CountryLookup> countries_;  // GUARDED_BY(mu_)
};

}  // namespace pantau::anomaly
