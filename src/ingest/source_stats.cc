#include "ingest/source_stats.h"

#include <algorithm>

namespace pantau {

SourceTally SourceStats::Count(std::string_view input, std::string_view peer,
                               std::span<const Event> events) {
  SourceTally tally;
  std::vector<size_t> last_event;  // per row: the index of its latest event
  size_t current = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    // Runs of one dataset are the rule: compare with the row of the event before first.
    if (current >= tally.rows.size() || tally.rows[current].dataset != e.dataset) {
      auto it = std::find_if(tally.rows.begin(), tally.rows.end(),
                             [&](const SourceRow& r) { return r.dataset == e.dataset; });
      if (it == tally.rows.end()) {
        SourceRow row;
        row.input = input;
        row.peer = peer;
        row.dataset = e.dataset;
        row.first_seen = row.last_seen = e.received;
        tally.rows.push_back(std::move(row));
        last_event.push_back(i);
        it = tally.rows.end() - 1;
      }
      current = static_cast<size_t>(it - tally.rows.begin());
    }
    SourceRow& row = tally.rows[current];
    ++row.events;
    row.bytes += e.raw.size();
    if (e.flags & kDecodeError) ++row.errors;
    row.first_seen = std::min(row.first_seen, e.received);
    row.last_seen = std::max(row.last_seen, e.received);
    last_event[current] = i;
  }
  // The host of each row's latest event: one field lookup per row, not per event.
  for (size_t r = 0; r < tally.rows.size(); ++r) {
    tally.rows[r].host = events[last_event[r]].fields.GetString("host.name");
  }
  return tally;
}

void SourceStats::Merge(SourceRow& into, const SourceRow& from) {
  if (into.events == 0) {
    into.first_seen = from.first_seen;
    into.last_seen = from.last_seen;
  } else {
    into.first_seen = std::min(into.first_seen, from.first_seen);
    into.last_seen = std::max(into.last_seen, from.last_seen);
  }
  into.events += from.events;
  into.bytes += from.bytes;
  into.errors += from.errors;
  if (!from.host.empty()) into.host = from.host;
}

void SourceStats::Add(const SourceTally& tally) {
  std::lock_guard lock(mu_);
  for (const SourceRow& row : tally.rows) {
    Key key{row.input, row.peer, row.dataset};
    auto it = rows_.find(key);
    if (it == rows_.end()) {
      if (rows_.size() >= max_rows_) {
        Merge(other_, row);
        continue;
      }
      SourceRow fresh;
      fresh.input = row.input;
      fresh.peer = row.peer;
      fresh.dataset = row.dataset;
      it = rows_.emplace(std::move(key), std::move(fresh)).first;
    }
    Merge(it->second, row);
  }
}

std::vector<SourceRow> SourceStats::Rows() const {
  std::lock_guard lock(mu_);
  std::vector<SourceRow> out;
  out.reserve(rows_.size() + 1);
  for (const auto& [key, row] : rows_) out.push_back(row);
  if (other_.events > 0) {
    SourceRow other = other_;
    other.input = other.peer = other.dataset = std::string(kOther);
    other.host.clear();  // many hosts
    out.push_back(std::move(other));
  }
  return out;
}

}  // namespace pantau
