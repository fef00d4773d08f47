// POST /api/v1/ingest: NDJSON in, events out. Every line is decoded before any is accepted, so a
// malformed line rejects the whole request (400 naming the line) and nothing of it is stored;
// an accepted request is stored in one transaction and answered only once it is durable.
#pragma once

#include <string_view>

#include "api/http_server.h"

namespace pantau {

// The number of events stored, or why none were.
Result<size_t> HandleIngest(std::string_view body, std::string_view peer, const ApiContext& ctx);

}  // namespace pantau
