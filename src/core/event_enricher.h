// EventEnricher: adds fields to decoded events before anything else sees them (detection, the
// store). The pipeline (ingest/pipeline.h) calls it on every decoded batch, whichever way the
// batch came in, and gives it a periodic maintenance call for its own state. It lives in core so
// that the pipeline and the enrichers (detect/anomaly/template_index.h) need not know each other.
//
// Thread-safety: Enrich may be called from several threads at once (the decoder thread and HTTP
// ingest threads); Maintain from the pipeline's maintenance thread and once more at Stop.
#pragma once

#include <span>

#include "core/event.h"
#include "core/status.h"

namespace pantau {

class EventEnricher {
 public:
  virtual ~EventEnricher() = default;
  // Adds or replaces fields of `events`, in place.
  virtual void Enrich(std::span<Event> events) = 0;
  // Persists what the enricher learned (called every maintenance tick and at Stop).
  virtual Status Maintain() = 0;
};

}  // namespace pantau
