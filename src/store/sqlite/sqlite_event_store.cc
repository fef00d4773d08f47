// The embedded event store: one SQLite file per UTC day under DIR/events/, in WAL mode.
//
// Write path, chosen by measurement (docs/store.md): a row table whose rowid is the arrival order,
// one B-tree index on time (appends land at its right edge, so it is cheap), and a contentless
// FTS5 index over the message with detail=none and no column sizes. Field indexes ((host, ts),
// (source_ip, ts), ...) cost 2-4x the insert rate when maintained row by row, so they are built in
// one pass when a day has closed; the open day is scanned through the time index.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>

#include "core/time.h"
#include "store/event_store.h"
#include "store/sqlite/db.h"
#include "store/sqlite/postings.h"
#include "store/sqlite/schema.h"

namespace pantau {
namespace {

namespace fs = std::filesystem;
using sqlite::Db;
using sqlite::Stmt;

// Migrations of a partition file; index i moves schema version i to i+1. Append only.
const std::vector<std::string_view> kPartitionMigrations = {
    R"sql(
CREATE TABLE events(
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  received INTEGER NOT NULL,
  dataset TEXT NOT NULL,
  host TEXT,
  source_ip TEXT,
  destination_ip TEXT,
  user_name TEXT,
  action TEXT,
  outcome TEXT,
  flags INTEGER NOT NULL
);
-- The bulky part of each event, apart, so that filters and aggregations over the columns above
-- read tens of bytes a row rather than kilobytes.
CREATE TABLE bodies(
  id INTEGER PRIMARY KEY,  -- = events.id
  raw BLOB NOT NULL,       -- the bytes as received
  message_at INTEGER,      -- the message is substr(raw, message_at + 1) when set (syslog's tail)
  message BLOB,            -- ... else this
  fields TEXT NOT NULL,
  error TEXT
);
CREATE INDEX events_ts ON events(ts);
CREATE VIRTUAL TABLE events_text USING fts5(message, content='', detail=none, columnsize=0);
-- Events per minute of their own time and dataset, kept as rows are written: histograms and
-- unfiltered timecharts read this instead of counting rows.
CREATE TABLE counts(
  minute INTEGER NOT NULL,  -- floor(ts / 60 s)
  dataset TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (minute, dataset)
) WITHOUT ROWID;
)sql",
};

// The columns of EventRow::hot, in kHotFields order; with dataset, they get (column, ts) indexes
// once the day has closed.
constexpr const char* kIndexedColumns[] = {"dataset",        "host",      "source_ip",
                                           "destination_ip", "user_name", "action"};
// EventRow::hot as the compiler addresses it, in kHotFields order.
constexpr std::string_view kHotColumnSql[kHotFieldCount] = {
    "e.host", "e.source_ip", "e.destination_ip", "e.user_name", "e.action", "e.outcome"};

constexpr size_t kMaxOpenPartitions = 8;
constexpr TimeNs kNsPerMinute = 60 * kNsPerSecond;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
// Today and yesterday take writes; older days are closed and indexed by Maintain, and events
// that arrive late for them are filed under the day they are received.
constexpr int64_t kOpenDays = 2;

// What RowToEvent reads, in its order.
const std::string kColumns = "e.id, e.ts, e.received, e.dataset, " +
                             std::string(sqlite::kMessageSql) +
                             ", b.raw, b.fields, e.flags, b.error";
constexpr const char* kFromBoth = " FROM events e JOIN bodies b ON b.id = e.id ";
// FROM the events (and their bodies, when `body`); `not_indexed`: rows only by id, never through
// the time index (see Narrowing).
std::string FromEvents(bool body, bool not_indexed) {
  std::string from = not_indexed ? " FROM events e NOT INDEXED " : " FROM events e ";
  if (body) from += "JOIN bodies b ON b.id = e.id ";
  return from;
}
// Candidate rows of a day from its postings past which a read does better without them. For the
// newest few events, walking the time index finds a frequent value quickly, while fetching
// candidates by id costs about 2 us each; for every matching row (counts, aggregations), the
// alternative is reading the whole day.
constexpr size_t kMaxCandidatesNewest = 5'000;
constexpr size_t kMaxCandidatesAll = 50'000;

// A statement's current row, as a Scan visitor reads it.
class StmtRow final : public ScanRow {
 public:
  explicit StmtRow(const Stmt& stmt) : stmt_(stmt) {}
  ValueKind KindAt(int column) const override { return stmt_.KindAt(column); }
  int64_t Int(int column) const override { return stmt_.Int(column); }
  double Real(int column) const override { return stmt_.Real(column); }
  std::string_view Text(int column) const override { return stmt_.Text(column); }

 private:
  const Stmt& stmt_;
};

// NOCASE, because the query compiler compares text fields case-insensitively; an index in
// another collation could not serve those comparisons.
std::string IndexSql(const char* column) {
  return std::string("CREATE INDEX IF NOT EXISTS events_") + column + " ON events(" + column +
         " COLLATE NOCASE, ts)";
}

// "2026-11-27" -> days since the epoch, or nullopt when the name is not a day.
std::optional<int64_t> ParseDayName(std::string_view name) {
  auto t = ParseRfc3339(std::string(name) + "T00:00:00Z");
  if (!t) return std::nullopt;
  return *t / kNsPerDay;
}

// An event id, "<yyyymmdd>-<row>", taken apart.
struct EventId {
  int64_t day = 0;
  int64_t row = 0;
};

Result<EventId> ParseEventId(std::string_view id) {
  const auto bad = InvalidArgument("event id '" + std::string(id.substr(0, 64)) +
                                   "' is malformed (expected yyyymmdd-N)");
  if (id.size() < 10 || id[8] != '-') return bad;
  const std::string d(id.substr(0, 8));
  auto day = ParseDayName(d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2));
  EventId out;
  const auto rest = id.substr(9);
  auto r = std::from_chars(rest.data(), rest.data() + rest.size(), out.row);
  if (!day || r.ec != std::errc() || r.ptr != rest.data() + rest.size() || out.row <= 0) return bad;
  out.day = *day;
  return out;
}

void Bind(Stmt& stmt, int i, const SqlParam& p) {
  if (const auto* n = std::get_if<int64_t>(&p)) {
    stmt.BindInt(i, *n);
  } else if (const auto* d = std::get_if<double>(&p)) {
    stmt.BindDouble(i, *d);
  } else {
    stmt.BindText(i, std::get<std::string>(p));
  }
}

// A partition open for writing, with its prepared statements.
struct WritablePartition {
  Db db;
  Stmt insert_event;
  Stmt insert_body;
  Stmt insert_text;
  Stmt add_count;
  uint64_t last_used = 0;
};

class SqliteEventStore final : public EventStore {
 public:
  explicit SqliteEventStore(SqliteStoreOptions options)
      : options_(std::move(options)),
        clock_(options_.clock ? *options_.clock : SystemClock::Get()),
        dir_(fs::path(options_.dir) / "events") {}

  Status Init() {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) return Internal("cannot create " + dir_.string() + ": " + ec.message());
    return Status::Ok();
  }

  Status DoAppend(std::span<const EventRow> rows, std::vector<std::string>* ids) override {
    if (rows.empty()) return Status::Ok();
    if (ids != nullptr && ids->size() != rows.size()) ids->resize(rows.size());
    std::lock_guard lock(mu_);
    // Group by partition, keeping arrival order within each, and leaving out rows that an
    // earlier, partly failed call already committed.
    std::map<int64_t, std::vector<const EventRow*>> by_day;
    const TimeNs now = clock_.Now();
    for (const EventRow& r : rows) {
      const int64_t day = PartitionDay(r, now);
      if (r.seq != 0 && r.seq <= committed_seq_[day]) continue;
      by_day[day].push_back(&r);
    }
    for (auto& [day, list] : by_day) {
      auto p = OpenForWrite(day);
      std::vector<int64_t> row_ids;
      Status s = p.ok() ? WriteBatch(**p, list, row_ids) : p.status();
      if (!s.ok()) {
        // Start the next attempt on a fresh connection, whatever state this one is in.
        open_.erase(day);
        return s;
      }
      committed_seq_[day] = std::max(committed_seq_[day], list.back()->seq);
      if (ids != nullptr) {
        const std::string prefix = DayId(day);
        for (size_t i = 0; i < list.size(); ++i) {
          (*ids)[list[i] - rows.data()] = prefix + std::to_string(row_ids[i]);
        }
      }
    }
    return Status::Ok();
  }

  Status Maintain() override {
    const int64_t today = FloorDay(clock_.Now());
    ASSIGN_OR_RETURN(auto days, ListDays());
    // One day's trouble does not stop the others; the first problem is reported.
    Status first;
    for (int64_t day : days) {
      Status s;
      if (day < today - options_.retention_days) {
        s = RemovePartition(day);
      } else if (day < today - kOpenDays + 1) {
        s = CloseDay(day);
      } else {
        s = UpdatePostings(day);
      }
      if (first.ok() && !s.ok()) first = s;
    }
    return first;
  }

  Result<std::vector<StoredEvent>> Read(const ReadRequest& req) const override {
    ASSIGN_OR_RETURN(auto days, ListDays());
    std::optional<EventId> after;
    if (req.after) {
      ASSIGN_OR_RETURN(after, ParseEventId(req.after->id));
    }
    std::vector<StoredEvent> out;
    ReadRequest window = req;
    // Newest days first; a day's file may also hold events of other times (see PartitionDay), so
    // every file is asked, through its time index, and the results are merged. The order is
    // (time, day, row) descending, which is what `after` continues from.
    for (auto it = days.rbegin(); it != days.rend(); ++it) {
      const int64_t day = *it;
      std::string after_sql;
      std::vector<SqlParam> after_params;
      if (after) {
        const TimeNs t = req.after->timestamp;
        if (day < after->day) {
          after_sql = "AND e.ts <= ? ";
          after_params = {t};
        } else if (day == after->day) {
          after_sql = "AND (e.ts < ? OR (e.ts = ? AND e.id < ?)) ";
          after_params = {t, t, after->row};
        } else {
          after_sql = "AND e.ts < ? ";
          after_params = {t};
        }
      }
      ASSIGN_OR_RETURN(std::vector<StoredEvent> found,
                       ReadDay(day, window, after_sql, after_params));
      out.insert(out.end(), std::make_move_iterator(found.begin()),
                 std::make_move_iterator(found.end()));
      if (out.size() >= req.limit) {
        // What an older file adds must be newer than the limit-th event in hand: on equal times
        // the newer day comes first.
        std::vector<TimeNs> times;
        times.reserve(out.size());
        for (const StoredEvent& e : out) times.push_back(e.timestamp);
        std::nth_element(times.begin(), times.begin() + static_cast<ptrdiff_t>(req.limit - 1),
                         times.end(), std::greater<>());
        window.from = std::max(window.from, times[req.limit - 1] + 1);
      }
    }
    std::stable_sort(out.begin(), out.end(), [](const StoredEvent& a, const StoredEvent& b) {
      return a.timestamp > b.timestamp;
    });
    if (out.size() > req.limit) out.resize(req.limit);
    return out;
  }

  // The newest `req.limit` events of one day's file in the window, newest first.
  Result<std::vector<StoredEvent>> ReadDay(int64_t day, const ReadRequest& req,
                                           const std::string& after_sql,
                                           const std::vector<SqlParam>& after_params) const {
    ASSIGN_OR_RETURN(Narrowing narrowing, Narrow(day, req.filter, kMaxCandidatesNewest));
    const bool narrowed = !narrowing.sql.empty();
    const std::string window_sql = "SELECT " + kColumns + FromEvents(true, narrowed) +
                                   "WHERE e.ts >= ? AND e.ts < ? " + after_sql;
    auto run = [&](const std::string& where,
                   std::optional<TimeNs> min_ts) -> Result<std::vector<StoredEvent>> {
      std::string sql = window_sql;
      std::vector<SqlParam> extra = after_params;
      if (min_ts) {
        sql += "AND e.ts >= ? ";
        extra.emplace_back(*min_ts);
      }
      sql += narrowing.sql;
      extra.insert(extra.end(), narrowing.params.begin(), narrowing.params.end());
      if (!where.empty()) sql += "AND (" + where + ") ";
      sql += "ORDER BY e.ts DESC, e.id DESC LIMIT ?";
      std::vector<StoredEvent> found;
      ASSIGN_OR_RETURN(auto search, PrepareSearch(day, req, sql, {}, extra));
      if (!search) return found;
      search->stmt.BindInt(search->next_param, static_cast<int64_t>(req.limit));
      const std::string prefix = DayId(day);
      while (true) {
        ASSIGN_OR_RETURN(bool row, search->Step());
        if (!row) break;
        found.push_back(RowToEvent(search->stmt, prefix));
      }
      return found;
    };
    if (req.filter.where_probe.empty() || narrowed) return run(req.filter.where, std::nullopt);

    // Full text. Few candidates in the file: collect them. Many: first look the words up row by
    // row in the newest kProbeRows rows of the window (the time of the kProbeRows-th bounds the
    // scan); enough matches there, or no older rows, answer; otherwise collect.
    ReadRequest unfiltered = req;
    unfiltered.filter = SqlFilter();
    if (!req.filter.text_match.empty()) {
      ASSIGN_OR_RETURN(Db db, OpenForRead(day));
      if (!db.is_open()) return std::vector<StoredEvent>();
      ASSIGN_OR_RETURN(Stmt many, db.Prepare("SELECT count(*) FROM (SELECT 1 FROM events_text "
                                             "WHERE events_text MATCH ? LIMIT ?)"));
      many.BindText(1, req.filter.text_match);
      many.BindInt(2, kProbeRows);
      ASSIGN_OR_RETURN(bool row, many.Step());
      if (row && many.Int(0) < kProbeRows) return run(req.filter.where, std::nullopt);
    }
    std::vector<SqlParam> bound_params = after_params;
    bound_params.emplace_back(kProbeRows - 1);
    ASSIGN_OR_RETURN(auto bound,
                     PrepareSearch(day, unfiltered,
                                   "SELECT e.ts FROM events e WHERE e.ts >= ? AND e.ts < ? " +
                                       after_sql + "ORDER BY e.ts DESC, e.id DESC LIMIT 1 OFFSET ?",
                                   {}, bound_params));
    if (!bound) return std::vector<StoredEvent>();
    ASSIGN_OR_RETURN(bool more_rows, bound->Step());
    if (!more_rows) return run(req.filter.where_probe, std::nullopt);
    const TimeNs oldest_probed = bound->stmt.Int(0);
    ASSIGN_OR_RETURN(std::vector<StoredEvent> found, run(req.filter.where_probe, oldest_probed));
    if (found.size() >= req.limit) return found;
    return run(req.filter.where, std::nullopt);
  }

  Status Scan(const ReadRequest& req, const SqlScan& scan,
              const std::function<Status(const ScanRow&)>& visit) const override {
    ASSIGN_OR_RETURN(auto days, ListDays());
    std::string columns = scan.columns.empty() ? "1" : "";
    for (size_t i = 0; i < scan.columns.size(); ++i) {
      if (i > 0) columns += ", ";
      columns += scan.columns[i];
    }
    for (int64_t day : days) {
      ASSIGN_OR_RETURN(Db db, OpenForRead(day));
      if (!db.is_open()) continue;
      ASSIGN_OR_RETURN(const DayWhere where,
                       WhereFor(db, day, req, scan.needs_body || req.filter.needs_body));
      ASSIGN_OR_RETURN(SearchStatement search,
                       PrepareSearchOn(std::move(db), req, "SELECT " + columns + where.sql,
                                       scan.column_params, where.params));
      const StmtRow row(search.stmt);
      while (true) {
        ASSIGN_OR_RETURN(bool more, search.Step());
        if (!more) break;
        RETURN_IF_ERROR(visit(row));
      }
    }
    return Status::Ok();
  }

  Result<std::vector<std::pair<TimeNs, int64_t>>> MinuteCounts(TimeNs from,
                                                               TimeNs to) const override {
    ASSIGN_OR_RETURN(auto days, ListDays());
    const int64_t first = FloorDiv(from, kNsPerMinute);
    const int64_t last = FloorDiv(to - 1, kNsPerMinute);  // `to` is exclusive
    std::map<int64_t, int64_t> sums;
    for (int64_t day : days) {
      ASSIGN_OR_RETURN(Db db, OpenForRead(day));
      if (!db.is_open()) continue;
      ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT minute, sum(n) FROM counts WHERE minute >= ? "
                                             "AND minute <= ? GROUP BY minute"));
      stmt.BindInt(1, first);
      stmt.BindInt(2, last);
      while (true) {
        ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        sums[stmt.Int(0)] += stmt.Int(1);
      }
    }
    std::vector<std::pair<TimeNs, int64_t>> out;
    out.reserve(sums.size());
    for (const auto& [minute, n] : sums) out.emplace_back(minute * kNsPerMinute, n);
    return out;
  }

  Result<int64_t> Count(const ReadRequest& req) const override {
    // Every event in a range of whole minutes: the per-minute counts know, without a scan.
    if (req.filter.where.empty() && OnWholeMinutes(req.from, req.to)) {
      ASSIGN_OR_RETURN(auto minutes, MinuteCounts(req.from, req.to));
      int64_t total = 0;
      for (const auto& [start, n] : minutes) total += n;
      return total;
    }
    ASSIGN_OR_RETURN(auto days, ListDays());
    int64_t total = 0;
    for (int64_t day : days) {
      ASSIGN_OR_RETURN(Db db, OpenForRead(day));
      if (!db.is_open()) continue;
      ASSIGN_OR_RETURN(const DayWhere where, WhereFor(db, day, req, req.filter.needs_body));
      ASSIGN_OR_RETURN(
          SearchStatement search,
          PrepareSearchOn(std::move(db), req, "SELECT count(*)" + where.sql, {}, where.params));
      ASSIGN_OR_RETURN(bool row, search.Step());
      if (row) total += search.stmt.Int(0);
    }
    return total;
  }

  Result<StoredEvent> Get(std::string_view id) const override {
    ASSIGN_OR_RETURN(EventId parsed, ParseEventId(id));
    ASSIGN_OR_RETURN(Db db, OpenForRead(parsed.day));
    if (!db.is_open()) return NotFound("no event " + std::string(id));
    ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT " + kColumns + kFromBoth + "WHERE e.id = ?"));
    stmt.BindInt(1, parsed.row);
    ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) return NotFound("no event " + std::string(id));
    return RowToEvent(stmt, DayId(parsed.day));
  }

  Result<std::vector<StoredEvent>> GetMany(std::span<const std::string> ids) const override {
    // Grouped by day, so that each day's file is opened and the statement prepared once.
    std::map<int64_t, std::vector<std::pair<size_t, int64_t>>> by_day;  // day -> (index, row)
    for (size_t i = 0; i < ids.size(); ++i) {
      auto parsed = ParseEventId(ids[i]);
      if (parsed.ok()) by_day[parsed->day].emplace_back(i, parsed->row);
    }
    std::vector<std::optional<StoredEvent>> found(ids.size());
    for (const auto& [day, rows] : by_day) {
      ASSIGN_OR_RETURN(Db db, OpenForRead(day));
      if (!db.is_open()) continue;  // removed by retention
      ASSIGN_OR_RETURN(Stmt stmt, db.Prepare("SELECT " + kColumns + kFromBoth + "WHERE e.id = ?"));
      const std::string prefix = DayId(day);
      for (const auto& [index, row] : rows) {
        stmt.BindInt(1, row);
        ASSIGN_OR_RETURN(bool hit, stmt.Step());
        if (hit) found[index] = RowToEvent(stmt, prefix);
        stmt.Reset();
      }
    }
    std::vector<StoredEvent> out;
    for (auto& e : found) {
      if (e) out.push_back(std::move(*e));
    }
    return out;
  }

  Result<std::vector<PartitionInfo>> Partitions() const override {
    ASSIGN_OR_RETURN(auto days, ListDays());
    std::vector<PartitionInfo> out;
    for (int64_t day : days) {
      ASSIGN_OR_RETURN(Db db, OpenForRead(day));
      if (!db.is_open()) continue;
      ASSIGN_OR_RETURN(
          Stmt stmt,
          db.Prepare(
              "SELECT count(*), min(ts), max(ts), "
              "(SELECT count(*) FROM sqlite_master WHERE name = 'events_action') FROM events"));
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      PartitionInfo info;
      info.day = FormatDay(day * kNsPerDay);
      if (row) {
        info.events = stmt.Int(0);
        info.min_ts = stmt.Int(1);
        info.max_ts = stmt.Int(2);
        info.indexed = stmt.Int(3) > 0;
      }
      out.push_back(info);
    }
    return out;
  }

 private:
  // The day an event is filed under: its own, unless its time lies outside what retention keeps
  // (or more than a day ahead), in which case the day it was received. So a forged or broken
  // timestamp can neither make an event expire at once nor keep it forever.
  // REQUIRES: mu_ held.
  int64_t PartitionDay(const EventRow& e, TimeNs now) const {
    const TimeNs oldest = now - static_cast<TimeNs>(options_.retention_days) * kNsPerDay;
    if (e.timestamp < oldest || e.timestamp > now + kNsPerDay) return FloorDay(e.received);
    const int64_t day = FloorDay(e.timestamp);
    return closed_.count(day) ? FloorDay(e.received) : day;
  }

  static int64_t FloorDay(TimeNs t) {
    return t >= 0 ? t / kNsPerDay : (t - kNsPerDay + 1) / kNsPerDay;
  }

  // A statement of a search on one day file. Its SQL has, in order: `leading` parameters, the
  // time range, `extra` ones, the filter's; next_param is the first one after those.
  // Rows a full-text read looks up one by one before it collects the candidates instead.
  static constexpr int64_t kProbeRows = 20'000;

  struct SearchStatement {
    Db db;  // before stmt: the statement is finalized first
    Stmt stmt;
    int next_param = 1;
    // A step, with the search's deadline reported as such.
    Result<bool> Step() {
      auto step = stmt.Step();
      if (!step.ok() && db.DeadlinePassed()) {
        return DeadlineExceeded(
            "the search ran past its time limit and was stopped; narrow the time range or the "
            "query");
      }
      return step;
    }
  };

  // nullopt when the day has no file (any more).
  Result<std::optional<SearchStatement>> PrepareSearch(int64_t day, const ReadRequest& req,
                                                       const std::string& sql,
                                                       std::span<const SqlParam> leading,
                                                       std::span<const SqlParam> extra) const {
    ASSIGN_OR_RETURN(Db db, OpenForRead(day));
    if (!db.is_open()) return std::optional<SearchStatement>();
    ASSIGN_OR_RETURN(SearchStatement search,
                     PrepareSearchOn(std::move(db), req, sql, leading, extra));
    return std::optional<SearchStatement>(std::move(search));
  }
  // The same on a day file already open. REQUIRES: db.is_open().
  Result<SearchStatement> PrepareSearchOn(Db db, const ReadRequest& req, const std::string& sql,
                                          std::span<const SqlParam> leading,
                                          std::span<const SqlParam> extra) const {
    if (req.deadline) db.SetDeadline(*req.deadline);
    ASSIGN_OR_RETURN(Stmt stmt, db.Prepare(sql));
    int i = 0;
    for (const SqlParam& p : leading) Bind(stmt, ++i, p);
    stmt.BindInt(++i, req.from);
    stmt.BindInt(++i, req.to);
    for (const SqlParam& p : extra) Bind(stmt, ++i, p);
    for (const SqlParam& p : req.filter.params) Bind(stmt, ++i, p);
    return SearchStatement{std::move(db), std::move(stmt), i + 1};
  }

  // For a day without field indexes, the filter's candidates from the day's postings, as a
  // condition on e.id and its parameters; none when the postings cannot narrow the read. SQLite
  // must then be kept off the time index (NOT INDEXED), or it walks the whole day through it
  // rather than fetch the candidates by id.
  struct Narrowing {
    std::string sql;  // empty: no narrowing
    std::vector<SqlParam> params;
  };
  Result<Narrowing> Narrow(int64_t day, const SqlFilter& filter, size_t max_candidates) const {
    Narrowing n;
    if (filter.lookups.empty()) return n;
    ASSIGN_OR_RETURN(auto candidates,
                     sqlite::LookUp(PostingsPath(day).string(), filter.lookups, max_candidates));
    if (!candidates) return n;
    std::string ids = "[";
    for (size_t i = 0; i < candidates->ids.size(); ++i) {
      if (i > 0) ids += ',';
      ids += std::to_string(candidates->ids[i]);
    }
    ids += ']';
    n.sql = "AND (e.id > ? OR e.id IN (SELECT value FROM json_each(?))) ";
    n.params = {candidates->watermark, std::move(ids)};
    return n;
  }

  // FROM and WHERE of a read of every matching row of a day's file: the time range (the first
  // two parameters), then `params`, then the filter's. When the range spans most of the file's
  // times, the time index is kept out of it (`+e.ts`): a table scan reads the rows in order,
  // three times faster than visiting them through the index, which SQLite would otherwise pick.
  struct DayWhere {
    std::string sql;
    std::vector<SqlParam> params;
  };
  // `db` is the day's file, open.
  Result<DayWhere> WhereFor(Db& db, int64_t day, const ReadRequest& req, bool body) const {
    ASSIGN_OR_RETURN(Narrowing narrowing, Narrow(day, req.filter, kMaxCandidatesAll));
    bool scan = false;
    if (req.from != INT64_MIN || req.to != INT64_MAX) {
      // Two subqueries: SQLite answers min() or max() alone from the index, both at once by a
      // scan.
      ASSIGN_OR_RETURN(Stmt span, db.Prepare("SELECT (SELECT min(ts) FROM events), "
                                             "(SELECT max(ts) FROM events)"));
      ASSIGN_OR_RETURN(bool row, span.Step());
      if (row && span.KindAt(0) == ValueKind::kInt) {
        const double first = static_cast<double>(span.Int(0));
        const double last = static_cast<double>(span.Int(1)) + 1;
        const double covered = std::min<double>(last, static_cast<double>(req.to)) -
                               std::max<double>(first, static_cast<double>(req.from));
        scan = covered >= kScanShare * (last - first);
      }
    } else {
      scan = true;
    }
    DayWhere out;
    out.sql = FromEvents(body, !narrowing.sql.empty());
    out.sql += scan ? "WHERE +e.ts >= ? AND +e.ts < ? " : "WHERE e.ts >= ? AND e.ts < ? ";
    out.sql += narrowing.sql;
    if (!req.filter.where.empty()) out.sql += "AND (" + req.filter.where + ")";
    out.params = std::move(narrowing.params);
    return out;
  }
  // The share of a file's time span above which a read of all matching rows scans the table.
  static constexpr double kScanShare = 0.25;

  // A partition for reading; not open (and no error) when it does not exist (yet, or any more)
  // or the writer has created the file but not its schema.
  Result<Db> OpenForRead(int64_t day, bool writable = false) const {
    const fs::path path = PathOf(day);
    std::error_code ec;
    if (!fs::exists(path, ec)) return Db();
    auto db = Db::Open(path.string(), /*read_only=*/!writable);
    if (!db.ok()) {
      if (!fs::exists(path, ec)) return Db();  // removed by retention meanwhile
      return db.status();
    }
    ASSIGN_OR_RETURN(int version, db->UserVersion());
    if (version == 0) return Db();
    return db;
  }

  fs::path PathOf(int64_t day) const { return dir_ / (FormatDay(day * kNsPerDay) + ".db"); }
  fs::path PostingsPath(int64_t day) const {
    return dir_ / (FormatDay(day * kNsPerDay) + ".postings");
  }
  static Status RemoveFiles(const fs::path& path) {
    const std::string base = path.string();
    for (const char* suffix : {"-wal", "-shm", ""}) {
      std::error_code ec;
      fs::remove(base + suffix, ec);
      if (ec) return Internal("cannot remove " + base + suffix + ": " + ec.message());
    }
    return Status::Ok();
  }

  static std::string DayId(int64_t day) {
    std::string d = FormatDay(day * kNsPerDay);
    d.erase(std::remove(d.begin(), d.end(), '-'), d.end());
    return d + "-";
  }

  static StoredEvent RowToEvent(const Stmt& s, const std::string& id_prefix) {
    StoredEvent e;
    e.id = id_prefix + std::to_string(s.Int(0));
    e.timestamp = s.Int(1);
    e.received = s.Int(2);
    e.dataset = s.Text(3);
    e.message = s.Text(4);
    e.raw = s.Text(5);
    e.fields_json = s.Text(6);
    e.flags = static_cast<uint32_t>(s.Int(7));
    e.error = s.Text(8);
    return e;
  }

  Result<std::vector<int64_t>> ListDays() const {
    std::vector<int64_t> days;
    std::error_code ec;
    // Iterated with error codes throughout: a range-for would throw from operator++.
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      if (p.extension() != ".db") continue;
      if (auto d = ParseDayName(p.stem().string())) days.push_back(*d);
    }
    if (ec) return Internal("cannot list " + dir_.string() + ": " + ec.message());
    std::sort(days.begin(), days.end());
    return days;
  }

  // REQUIRES: mu_ held.
  Result<WritablePartition*> OpenForWrite(int64_t day) {
    auto it = open_.find(day);
    if (it == open_.end()) {
      if (open_.size() >= kMaxOpenPartitions) {
        auto lru = std::min_element(open_.begin(), open_.end(), [](const auto& a, const auto& b) {
          return a.second->last_used < b.second->last_used;
        });
        open_.erase(lru);
      }
      auto p = std::make_unique<WritablePartition>();
      ASSIGN_OR_RETURN(p->db, Db::Open(PathOf(day).string(), false));
      RETURN_IF_ERROR(p->db.Exec("PRAGMA page_size=65536"));
      RETURN_IF_ERROR(p->db.Exec("PRAGMA journal_mode=WAL"));
      RETURN_IF_ERROR(
          p->db.Exec(options_.sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
      RETURN_IF_ERROR(p->db.Exec("PRAGMA cache_size=-32768"));
      RETURN_IF_ERROR(sqlite::Migrate(p->db, kPartitionMigrations));
      ASSIGN_OR_RETURN(p->insert_event,
                       p->db.Prepare("INSERT INTO events(ts, received, dataset, host, source_ip, "
                                     "destination_ip, user_name, action, outcome, flags) "
                                     "VALUES (?,?,?,?,?,?,?,?,?,?)",
                                     /*long_lived=*/true));
      ASSIGN_OR_RETURN(p->insert_body,
                       p->db.Prepare("INSERT INTO bodies(id, raw, message_at, message, fields, "
                                     "error) VALUES (?,?,?,?,?,?)",
                                     /*long_lived=*/true));
      ASSIGN_OR_RETURN(
          p->add_count,
          p->db.Prepare("INSERT INTO counts(minute, dataset, n) VALUES (?, ?, ?) "
                        "ON CONFLICT(minute, dataset) DO UPDATE SET n = n + excluded.n",
                        /*long_lived=*/true));
      ASSIGN_OR_RETURN(p->insert_text,
                       p->db.Prepare("INSERT INTO events_text(rowid, message) VALUES (?, ?)",
                                     /*long_lived=*/true));
      it = open_.emplace(day, std::move(p)).first;
    }
    it->second->last_used = ++use_counter_;
    return it->second.get();
  }

  static Status WriteBatch(WritablePartition& p, const std::vector<const EventRow*>& rows,
                           std::vector<int64_t>& ids) {
    RETURN_IF_ERROR(p.db.Exec("BEGIN"));
    Status s = WriteRows(p, rows, ids);
    if (s.ok()) s = p.db.Exec("COMMIT");
    // A failed COMMIT can leave the transaction open; rolling back is what SQLite advises.
    if (!s.ok()) (void)p.db.Exec("ROLLBACK");
    return s;
  }

  static Status WriteRows(WritablePartition& p, const std::vector<const EventRow*>& rows,
                          std::vector<int64_t>& ids) {
    Stmt& ins = p.insert_event;
    ids.clear();
    ids.reserve(rows.size());
    std::map<std::pair<int64_t, std::string_view>, int64_t> per_minute;
    for (const EventRow* r : rows) {
      ++per_minute[{FloorDiv(r->timestamp, kNsPerMinute), r->dataset}];
      ins.BindInt(1, r->timestamp);
      ins.BindInt(2, r->received);
      ins.BindTextRef(3, r->dataset);
      for (int i = 0; i < kHotFieldCount; ++i) {
        if (r->hot[i].empty()) {
          ins.BindNull(4 + i);
        } else {
          ins.BindTextRef(4 + i, r->hot[i]);
        }
      }
      ins.BindInt(10, r->flags);
      RETURN_IF_ERROR(ins.Run());
      const int64_t id = p.db.LastInsertRowid();
      ids.push_back(id);
      Stmt& body = p.insert_body;
      body.BindInt(1, id);
      // Raw bytes and messages are blobs: kept byte-exact even when not valid UTF-8.
      body.BindBlobRef(2, r->raw);
      if (r->message_offset >= 0) {
        body.BindInt(3, r->message_offset);
        body.BindNull(4);
      } else {
        body.BindNull(3);
        body.BindBlobRef(4, r->message);
      }
      body.BindTextRef(5, r->fields_json);
      if (r->error.empty()) {
        body.BindNull(6);
      } else {
        body.BindTextRef(6, r->error);
      }
      RETURN_IF_ERROR(body.Run());
      p.insert_text.BindInt(1, id);
      p.insert_text.BindTextRef(2, r->Message());
      RETURN_IF_ERROR(p.insert_text.Run());
    }
    for (const auto& [key, n] : per_minute) {
      p.add_count.BindInt(1, key.first);
      p.add_count.BindTextRef(2, key.second);
      p.add_count.BindInt(3, n);
      RETURN_IF_ERROR(p.add_count.Run());
    }
    return Status::Ok();
  }

  Status RemovePartition(int64_t day) {
    std::lock_guard lock(mu_);
    open_.erase(day);
    closed_.erase(day);
    committed_seq_.erase(day);
    RETURN_IF_ERROR(RemoveFiles(PostingsPath(day)));
    if (Status s = RemoveFiles(PathOf(day)); !s.ok()) return Internal("retention: " + s.message());
    return Status::Ok();
  }

  Status UpdatePostings(int64_t day) {
    ASSIGN_OR_RETURN(Db db, OpenForRead(day));
    if (!db.is_open()) return Status::Ok();
    return sqlite::UpdatePostings(db, PostingsPath(day).string());
  }

  // A closed day takes no more writes (late events for it go to the day they are received, see
  // PartitionDay), so its indexes are built on a connection of their own, outside mu_, without
  // holding up ingest.
  Status CloseDay(int64_t day) {
    {
      std::lock_guard lock(mu_);
      if (!closed_.insert(day).second) return Status::Ok();
      open_.erase(day);
    }
    ASSIGN_OR_RETURN(Db db, OpenForRead(day, /*writable=*/true));
    if (!db.is_open()) return Status::Ok();
    for (const char* column : kIndexedColumns) {
      if (Status s = db.Exec(IndexSql(column)); !s.ok()) {
        std::lock_guard lock(mu_);
        closed_.erase(day);  // try again at the next maintenance
        return s;
      }
    }
    return RemoveFiles(PostingsPath(day));  // the indexes serve instead
  }

  const SqliteStoreOptions options_;
  const Clock& clock_;
  const fs::path dir_;
  std::mutex mu_;
  std::map<int64_t, std::unique_ptr<WritablePartition>> open_;  // GUARDED_BY(mu_)
  std::map<int64_t, uint64_t> committed_seq_;  // GUARDED_BY(mu_): highest seq committed per day
  std::set<int64_t> closed_;                   // GUARDED_BY(mu_): days that take no more writes
  uint64_t use_counter_ = 0;                   // GUARDED_BY(mu_)
};

}  // namespace

namespace sqlite {

std::optional<std::string_view> ColumnFor(std::string_view field) {
  if (field == "@timestamp") return "e.ts";
  if (field == "dataset" || field == "event.dataset") return "e.dataset";
  for (int i = 0; i < kHotFieldCount; ++i) {
    if (field == kHotFields[i]) return kHotColumnSql[i];
  }
  return std::nullopt;
}

}  // namespace sqlite

Result<std::unique_ptr<EventStore>> OpenSqliteEventStore(const SqliteStoreOptions& options) {
  auto store = std::make_unique<SqliteEventStore>(options);
  RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<EventStore>(std::move(store));
}

}  // namespace pantau
