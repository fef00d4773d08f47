// Runs a query's stages (stats, top, timechart, then sort and head) over the matching events:
// each partition is grouped by the store, and the partial rows are merged here, so counts, sums,
// minima, maxima and distinct counts come out right across days.
//
// Thread-safety: stateless; the store is only read.
#pragma once

#include <string>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "query/query.h"
#include "store/event_store.h"

namespace pantau::query {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

// {"columns": [...], "rows": [[...], ...], "total": N}
std::string TableToJson(const Table& table);
// {"column": value, ...} for one row.
std::string RowToJson(const Table& table, size_t row);

// REQUIRES: !stages.empty(); the first stage aggregates (the parser ensures it). `request`
// carries the time range and the compiled filter.
Result<Table> RunStages(const EventStore& store, const ReadRequest& request,
                        const std::vector<Stage>& stages);

}  // namespace pantau::query
