// GET /api/v1/events and /api/v1/events/{id}: the stored events, newest first, filtered by a
// query (docs/query-language.md), paged with a cursor that stays stable while events arrive.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_server.h"

namespace pantau {

struct EventsRequest {
  std::string q, from, to, limit, cursor;  // as given; empty when absent
};

// {"items": [event...], "next_cursor": "..."|null, "total": N}; for a query with stages
// (| stats ...), {"columns": [...], "rows": [[...]], "total": N}.
Result<std::string> HandleEventsList(const EventsRequest& request, const ApiContext& ctx);
// {"from", "to", "interval_s", "buckets": [{"start", "count"}...]}: how the matching events
// spread over the time range (default the last 24 hours) in `buckets` (default 60) equal steps.
Result<std::string> HandleHistogram(const EventsRequest& request, std::string_view buckets,
                                    const ApiContext& ctx);
// {"sample": N, "fields": [{"name", "count", "top": [{"value", "count"}]}]}: the fields of the
// newest matching events (up to 500) and their most frequent values, as Kibana's field list.
Result<std::string> HandleFields(const EventsRequest& request, const ApiContext& ctx);
// An export of every matching event, newest first, as NDJSON or CSV, produced a page at a time
// so that no result size is held in memory. Prepare checks the request (errors before any byte
// is sent); NextChunk gives the next piece, empty at the end.
class EventExport {
 public:
  static Result<std::unique_ptr<EventExport>> Prepare(const EventsRequest& request,
                                                      std::string_view format,
                                                      std::string_view fields,
                                                      const ApiContext& ctx);
  const char* content_type() const { return csv_ ? "text/csv" : "application/x-ndjson"; }
  Result<std::string> NextChunk();

 private:
  EventExport(ReadRequest read, bool csv, std::vector<std::string> columns, const ApiContext& ctx)
      : read_(std::move(read)), csv_(csv), columns_(std::move(columns)), ctx_(ctx) {}

  ReadRequest read_;
  const bool csv_;
  const std::vector<std::string> columns_;
  const ApiContext& ctx_;
  bool header_sent_ = false;
  bool done_ = false;
};

// One event, raw and decoded.
Result<std::string> HandleEventGet(std::string_view id, const ApiContext& ctx);

}  // namespace pantau
