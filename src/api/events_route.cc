#include "api/events_route.h"

#include <charconv>

#include "query/aggregation.h"
#include "query/parser.h"
#include "query/sqlite_compiler.h"
#include "query/time_argument.h"

namespace pantau {
namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 10'000;

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

}  // namespace

Result<std::string> HandleEventsList(const EventsRequest& request, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(query::Query parsed, query::ParseQuery(request.q));
  ReadRequest read;
  read.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(ctx.search_timeout_s);
  ASSIGN_OR_RETURN(read.filter, query::CompileForSqlite(parsed));
  const TimeNs now = ctx.clock.Now();
  if (!request.from.empty()) {
    ASSIGN_OR_RETURN(read.from, query::ParseTimeArgument(request.from, now, "from"));
  }
  if (!request.to.empty()) {
    ASSIGN_OR_RETURN(read.to, query::ParseTimeArgument(request.to, now, "to"));
  }
  size_t limit = kDefaultLimit;
  if (!request.limit.empty()) {
    auto r =
        std::from_chars(request.limit.data(), request.limit.data() + request.limit.size(), limit);
    if (r.ec != std::errc() || r.ptr != request.limit.data() + request.limit.size() || limit == 0 ||
        limit > kMaxLimit) {
      return InvalidArgument("limit: must be a whole number from 1 to " +
                             std::to_string(kMaxLimit));
    }
  }
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

Result<std::string> HandleEventGet(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(StoredEvent e, ctx.store.Get(id));
  return e.ToJson();
}

}  // namespace pantau
