#include "api/events_route.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "api/export.h"
#include "api/request_input.h"
#include "core/time.h"
#include "query/aggregation.h"
#include "query/parser.h"
#include "query/sqlite_compiler.h"
#include "query/time_argument.h"

namespace pantau {
namespace {

constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kMaxLimit = 10'000;
constexpr size_t kFieldsSample = 500;
constexpr size_t kExportPage = 1000;
constexpr size_t kTopValues = 5;
constexpr size_t kMaxDistinctTracked = 1000;  // per field, so a sample cannot grow without end

// A cursor is "<time ns>_<event id>" of the last event of the page before.
std::string MakeCursor(const StoredEvent& e) { return std::to_string(e.timestamp) + "_" + e.id; }

Result<ReadRequest::Position> ParseCursor(std::string_view cursor) {
  const size_t sep = cursor.find('_');
  ReadRequest::Position p;
  if (sep != std::string_view::npos) {
    auto r = std::from_chars(cursor.data(), cursor.data() + sep, p.timestamp);
    if (r.ec == std::errc() && r.ptr == cursor.data() + sep) {
      p.id = std::string(cursor.substr(sep + 1));
      return p;
    }
  }
  return InvalidArgument("cursor: not a cursor this server gave out");
}

// The query, time range and deadline of a request, ready for the store. `from` and `to` apply
// when the request has none.
Result<ReadRequest> PrepareRead(const EventsRequest& request, const query::Query& parsed,
                                const ApiContext& ctx, TimeNs from, TimeNs to) {
  ReadRequest read;
  read.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(ctx.search_timeout_s);
  ASSIGN_OR_RETURN(read.filter, query::CompileForSqlite(parsed));
  const TimeNs now = ctx.clock.Now();
  read.from = from;
  read.to = to;
  if (!request.from.empty()) {
    ASSIGN_OR_RETURN(read.from, query::ParseTimeArgument(request.from, now, "from"));
  }
  if (!request.to.empty()) {
    ASSIGN_OR_RETURN(read.to, query::ParseTimeArgument(request.to, now, "to"));
  }
  if (read.from >= read.to) return InvalidArgument("from: must be before to");
  return read;
}

Result<query::Query> FilterOnly(std::string_view q) {
  ASSIGN_OR_RETURN(query::Query parsed, query::ParseQuery(q));
  if (!parsed.stages.empty()) {
    return InvalidArgument("q: this view takes a filter without '|' stages");
  }
  return parsed;
}

}  // namespace

Result<std::string> HandleEventsList(const EventsRequest& request, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(query::Query parsed, query::ParseQuery(request.q));
  ASSIGN_OR_RETURN(ReadRequest read, PrepareRead(request, parsed, ctx, INT64_MIN, INT64_MAX));
  ASSIGN_OR_RETURN(const int64_t limit_value,
                   WholeNumber(request.limit, 1, kMaxLimit, kDefaultLimit, "limit"));
  const auto limit = static_cast<size_t>(limit_value);
  if (!parsed.stages.empty()) {
    ASSIGN_OR_RETURN(query::Table table, query::RunStages(ctx.store, read, parsed.stages));
    return query::TableToJson(table);
  }
  ASSIGN_OR_RETURN(int64_t total, ctx.store.Count(read));
  if (!request.cursor.empty()) {
    ASSIGN_OR_RETURN(read.after, ParseCursor(request.cursor));
  }
  read.limit = limit + 1;  // one more tells whether there is a next page
  ASSIGN_OR_RETURN(std::vector<StoredEvent> events, ctx.store.Read(read));
  const bool more = events.size() > limit;
  if (more) events.resize(limit);
  std::string out = "{\"items\":[";
  for (size_t i = 0; i < events.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += events[i].ToJson();
  }
  out += "],\"next_cursor\":";
  if (more) {
    AppendJsonString(out, MakeCursor(events.back()));
  } else {
    out += "null";
  }
  out += ",\"total\":" + std::to_string(total) + "}";
  return out;
}

Result<std::string> HandleHistogram(const EventsRequest& request, std::string_view buckets_text,
                                    const ApiContext& ctx) {
  ASSIGN_OR_RETURN(query::Query parsed, FilterOnly(request.q));
  const TimeNs now = ctx.clock.Now();
  ASSIGN_OR_RETURN(ReadRequest read, PrepareRead(request, parsed, ctx, now - kNsPerDay, now));
  ASSIGN_OR_RETURN(const int64_t buckets, WholeNumber(buckets_text, 1, 1000, 60, "buckets"));
  // Whole seconds per bucket, so that bucket starts print cleanly.
  TimeNs range = read.to - read.from;
  TimeNs interval = std::max<TimeNs>(
      kNsPerSecond, (range / buckets + kNsPerSecond - 1) / kNsPerSecond * kNsPerSecond);
  constexpr TimeNs kMinute = 60 * kNsPerSecond;
  std::vector<int64_t> counts;
  if (!parsed.filter && interval >= kMinute) {
    // Every event, in buckets of whole minutes: the store's per-minute counts answer without
    // reading events. The range starts on its minute.
    interval = (interval + kMinute - 1) / kMinute * kMinute;
    read.from -= ((read.from % kMinute) + kMinute) % kMinute;
    range = read.to - read.from;
    counts.assign(static_cast<size_t>((range + interval - 1) / interval), 0);
    ASSIGN_OR_RETURN(auto minutes, ctx.store.MinuteCounts(read.from, read.to));
    for (const auto& [start, n] : minutes) {
      const TimeNs b = (start - read.from) / interval;
      if (start >= read.from && b < static_cast<TimeNs>(counts.size())) counts[b] += n;
    }
  } else {
    SqlScan scan;
    scan.columns = {"(e.ts - ?) / ?"};
    scan.column_params = {read.from, interval};
    counts.assign(static_cast<size_t>((range + interval - 1) / interval), 0);
    RETURN_IF_ERROR(ctx.store.Scan(read, scan, [&](const ScanRow& row) {
      const int64_t b = row.Int(0);
      if (b >= 0 && b < static_cast<int64_t>(counts.size())) ++counts[b];
      return Status::Ok();
    }));
  }
  std::string out = "{\"from\":";
  AppendJsonString(out, FormatRfc3339(read.from));
  out += ",\"to\":";
  AppendJsonString(out, FormatRfc3339(read.to));
  out += ",\"interval_s\":" + std::to_string(interval / kNsPerSecond) + ",\"buckets\":[";
  for (size_t i = 0; i < counts.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += "{\"start\":";
    AppendJsonString(out, FormatRfc3339(read.from + static_cast<TimeNs>(i) * interval));
    out += ",\"count\":" + std::to_string(counts[i]) + "}";
  }
  out += "]}";
  return out;
}

Result<std::string> HandleFields(const EventsRequest& request, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(query::Query parsed, FilterOnly(request.q));
  ASSIGN_OR_RETURN(ReadRequest read, PrepareRead(request, parsed, ctx, INT64_MIN, INT64_MAX));
  read.limit = kFieldsSample;
  ASSIGN_OR_RETURN(std::vector<StoredEvent> events, ctx.store.Read(read));
  struct FieldStats {
    int64_t count = 0;
    std::map<std::string, int64_t> values;  // the value as JSON text
  };
  std::map<std::string, FieldStats> fields;
  for (const auto& e : events) {
    // Stored fields are JSON this server wrote; a parse failure would be a bug, not input.
    const auto doc = nlohmann::json::parse(e.fields_json, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) continue;
    for (const auto& [name, value] : doc.items()) {
      FieldStats& f = fields[name];
      ++f.count;
      const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (f.values.size() < kMaxDistinctTracked || f.values.count(text)) ++f.values[text];
    }
  }
  std::vector<std::pair<std::string, const FieldStats*>> order;
  for (const auto& [name, f] : fields) order.emplace_back(name, &f);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.second->count > b.second->count; });
  std::string out = "{\"sample\":" + std::to_string(events.size()) + ",\"fields\":[";
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& [name, f] = order[i];
    std::vector<std::pair<std::string, int64_t>> top(f->values.begin(), f->values.end());
    std::stable_sort(top.begin(), top.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (top.size() > kTopValues) top.resize(kTopValues);
    if (i > 0) out.push_back(',');
    out += "{\"name\":";
    AppendJsonString(out, name);
    out += ",\"count\":" + std::to_string(f->count) + ",\"top\":[";
    for (size_t j = 0; j < top.size(); ++j) {
      if (j > 0) out.push_back(',');
      out += "{\"value\":" + top[j].first + ",\"count\":" + std::to_string(top[j].second) + "}";
    }
    out += "]}";
  }
  out += "]}";
  return out;
}

Result<std::unique_ptr<EventExport>> EventExport::Prepare(const EventsRequest& request,
                                                          std::string_view format,
                                                          std::string_view fields,
                                                          const ApiContext& ctx) {
  if (format != "ndjson" && format != "csv" && !format.empty()) {
    return InvalidArgument("format: must be ndjson or csv");
  }
  ASSIGN_OR_RETURN(query::Query parsed, FilterOnly(request.q));
  ASSIGN_OR_RETURN(ReadRequest read, PrepareRead(request, parsed, ctx, INT64_MIN, INT64_MAX));
  ASSIGN_OR_RETURN(std::vector<std::string> columns, ParseCsvColumns(fields));
  read.limit = kExportPage;
  return std::unique_ptr<EventExport>(
      new EventExport(std::move(read), format == "csv", std::move(columns), ctx));
}

Result<std::string> EventExport::NextChunk() {
  std::string out;
  if (csv_ && !header_sent_) out = CsvHeader(columns_);
  header_sent_ = true;
  if (done_) return out;
  // Each page gets the search time limit of its own: an export may be long, a page may not.
  read_.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(ctx_.search_timeout_s);
  ASSIGN_OR_RETURN(std::vector<StoredEvent> events, ctx_.store.Read(read_));
  done_ = events.size() < read_.limit;
  for (const auto& e : events) {
    if (csv_) {
      out += CsvRow(e, columns_);
    } else {
      out += e.ToJson();
      out.push_back('\n');
    }
  }
  if (!events.empty())
    read_.after = ReadRequest::Position{events.back().timestamp, events.back().id};
  return out;
}

Result<std::string> HandleEventGet(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(StoredEvent e, ctx.store.Get(id));
  return e.ToJson();
}

}  // namespace pantau
