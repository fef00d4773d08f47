// GET /api/v1/sources: who sent what since the server started, one row per input, sender address
// and dataset (ingest/source_stats.h), for the log sources page. Counters live in memory: a
// restart starts them again.
#pragma once

#include <string>

#include "api/http_server.h"

namespace pantau {

// {"items": [{"input", "peer", "dataset", "host", "events", "bytes", "errors", "first_seen",
// "last_seen"}...], "next_cursor": null, "total": N}, ordered by input, peer and dataset; past the
// bound the rest are one row whose input, peer and dataset are "other".
Result<std::string> HandleSourcesList(const ApiContext& ctx);

}  // namespace pantau
