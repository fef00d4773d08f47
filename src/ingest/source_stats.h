// SourceStats: who sends what, since the server started. One row per (input, sender address,
// dataset) with counts of events, bytes and decode errors, the host name last seen and when
// events came first and last, for the log sources page (GET /api/v1/sources).
//
// The pipeline counts a batch at a time: SourceStats::Count tallies a batch without a lock (one
// batch comes from one input and peer, and has few datasets), Add takes the lock once to merge
// it. Rows are bounded: past max_rows, new keys are merged into one row whose input, peer and
// dataset are "other", so a flood of spoofed UDP senders cannot grow memory.
//
// Thread-safety: Add and Rows may be called from any thread; Count is a pure function.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/clock.h"
#include "core/event.h"

namespace pantau {

struct SourceRow {
  std::string input;    // InputName(): "syslog-udp", "syslog-tcp", "http", "demo", ...
  std::string peer;     // the sender's address, as the listener saw it
  std::string dataset;  // "linux.auth", ... ("unknown" when nothing decoded the line)
  std::string host;     // host.name of the latest event that had one; may be empty
  uint64_t events = 0;
  uint64_t bytes = 0;                    // of the raw lines
  uint64_t errors = 0;                   // lines no decoder understood (kept raw)
  TimeNs first_seen = 0, last_seen = 0;  // when Pantau received them
};

// The rows of one batch, before they are merged.
struct SourceTally {
  std::vector<SourceRow> rows;
};

class SourceStats {
 public:
  static constexpr size_t kDefaultMaxRows = 10'000;
  static constexpr std::string_view kOther = "other";

  explicit SourceStats(size_t max_rows = kDefaultMaxRows) : max_rows_(max_rows) {}

  // The rows of a batch of decoded events that came from one input and peer.
  static SourceTally Count(std::string_view input, std::string_view peer,
                           std::span<const Event> events);
  void Add(const SourceTally& tally);
  // Every row, ordered by input, peer and dataset; the "other" row, when there is one, last.
  std::vector<SourceRow> Rows() const;

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // input, peer, dataset
  static void Merge(SourceRow& into, const SourceRow& from);

  const size_t max_rows_;
  mutable std::mutex mu_;
  std::map<Key, SourceRow> rows_;  // GUARDED_BY(mu_)
  SourceRow other_;                // GUARDED_BY(mu_); counts nothing while events == 0
};

}  // namespace pantau
