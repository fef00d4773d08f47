// EventStore: where decoded events are kept. One interface, one factory per backend (the embedded
// SQLite store here; ClickHouse for scale-out later), one conformance suite for all of them.
//
// Thread-safety: all methods may be called from any thread. Append is meant for one writer
// thread (batching is what makes it fast); Maintain runs beside it from a maintenance thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "core/event.h"
#include "core/status.h"
#include "store/event_row.h"

namespace pantau {

// An event as read back. `fields_json` is the JSON object of fields exactly as stored, so the API
// can serve it without re-encoding.
struct StoredEvent {
  std::string id;  // stable and unique: "<yyyymmdd>-<row>"
  TimeNs timestamp = 0;
  TimeNs received = 0;
  std::string dataset;
  std::string message;
  std::string raw;
  std::string fields_json;
  uint32_t flags = 0;
  std::string error;

  // {"id", "@timestamp", "dataset", "message", "raw", "fields", "flags"?, "error"?}
  std::string ToJson() const;
};

// A condition over the events table (aliased `e`) with `?` placeholders, and their values in
// order: how a compiled query reaches an SQL backend. User input only ever travels in params.
using SqlParam = std::variant<int64_t, double, std::string>;
struct SqlFilter {
  std::string where;  // empty: no condition
  std::vector<SqlParam> params;
  bool needs_body = false;  // the condition reads the raw line, message or fields
  // When the condition has full-text terms: the same condition (same parameters) with each
  // term's candidates looked up row by row instead of collected first. Collecting is cheap for a
  // rare word and costs seconds for a word in millions of events; a lookup per row wins when
  // the newest rows already hold enough matches.
  std::string where_probe;
  // The FTS5 query of one of those terms: how many rows hold its words tells which way is faster.
  std::string text_match;
  // Equalities every match meets (terms ANDed at the top of the query) on columns of the
  // events table, {column, value}, compared ignoring ASCII case: a backend may look candidates
  // up by them where it keeps no index.
  std::vector<std::pair<std::string, std::string>> lookups;
};

struct ReadRequest {
  TimeNs from = INT64_MIN;  // inclusive
  TimeNs to = INT64_MAX;    // exclusive
  size_t limit = 100;
  // Only events that also match this, compiled from a query for this backend.
  SqlFilter filter;
  // Only events after this one in the newest-first order (ties on time broken by id): paging
  // that stays stable while new events arrive.
  struct Position {
    TimeNs timestamp = 0;
    std::string id;
  };
  std::optional<Position> after;
  // A runaway search is stopped at this time (steady clock) with DeadlineExceeded.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

// A scan for aggregations: SELECT <columns> FROM events e WHERE <time range and filter>, every
// matching row of every partition handed to a visitor, in no particular order. Column
// expressions may hold `?`, bound from column_params first. Grouping is the caller's: a hash
// table beats SQL's GROUP BY, which sorts, by several times on millions of groups.
struct SqlScan {
  std::vector<std::string> columns;
  std::vector<SqlParam> column_params;
  bool needs_body = false;  // a column reads the fields (see SqlFilter)
};

// One row of a Scan, read column by column. Valid only during the visit, text included.
class ScanRow {
 public:
  virtual ValueKind KindAt(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual double Real(int column) const = 0;
  virtual std::string_view Text(int column) const = 0;

 protected:
  ~ScanRow() = default;
};

struct PartitionInfo {
  std::string day;  // "2026-11-27"
  int64_t events = 0;
  TimeNs min_ts = 0, max_ts = 0;
  bool indexed = false;  // field indexes built (closed days)
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Stores `rows`; when it returns OK they are durable (to the configured sync level). Rows of
  // one partition (a day) commit in one transaction, all or none. A failed Append may have
  // committed some partitions; calling it again with the same rows stores each row once, as
  // long as every row has a `seq` above those of all earlier calls. `ids`, when given, is sized
  // to the rows and receives each stored row's event id; pass the same vector to a retry, so
  // that rows an earlier attempt stored keep theirs.
  Status Append(std::span<const EventRow> rows, std::vector<std::string>* ids = nullptr) {
    return DoAppend(rows, ids);
  }
  // Housekeeping, run every few minutes: removes whole partitions older than the retention and
  // builds the field indexes of days that have closed.
  virtual Status Maintain() = 0;

  // Newest first; at most request.limit.
  virtual Result<std::vector<StoredEvent>> Read(const ReadRequest& request) const = 0;
  // Events per minute of event time (start of the minute, count) in [from, to) rounded out to
  // whole minutes, from counts kept at write time: fast whatever the number of events.
  virtual Result<std::vector<std::pair<TimeNs, int64_t>>> MinuteCounts(TimeNs from,
                                                                       TimeNs to) const = 0;
  // True when MinuteCounts answers [from, to) exactly: each end open or on a whole minute.
  static bool OnWholeMinutes(TimeNs from, TimeNs to) {
    constexpr TimeNs kMinute = 60 * kNsPerSecond;
    return (from == INT64_MIN || from % kMinute == 0) && (to == INT64_MAX || to % kMinute == 0);
  }
  // How many events match (time range and filter; limit and `after` are ignored).
  virtual Result<int64_t> Count(const ReadRequest& request) const = 0;
  // Visits the rows of `scan` (time range and filter of `request` apply; limit and `after` are
  // ignored). Stops with the visitor's first error.
  virtual Status Scan(const ReadRequest& request, const SqlScan& scan,
                      const std::function<Status(const ScanRow&)>& visit) const = 0;
  virtual Result<StoredEvent> Get(std::string_view id) const = 0;
  // The events of `ids` that the store has, in the order of `ids`: ids that are malformed,
  // unknown or whose day retention removed are left out. For many ids at once (a case's
  // timeline): a backend reads each day's events in one go instead of one Get per id.
  virtual Result<std::vector<StoredEvent>> GetMany(std::span<const std::string> ids) const;
  virtual Result<std::vector<PartitionInfo>> Partitions() const = 0;

 protected:
  virtual Status DoAppend(std::span<const EventRow> rows, std::vector<std::string>* ids) = 0;
};

struct SqliteStoreOptions {
  std::string dir;  // the partitions live in DIR/events/
  int retention_days = 90;
  bool sync_full = true;
  const Clock* clock = nullptr;  // defaults to the system clock
};

Result<std::unique_ptr<EventStore>> OpenSqliteEventStore(const SqliteStoreOptions& options);

}  // namespace pantau
