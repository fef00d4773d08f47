#include "api/ingest_route.h"

#include "decode/decoder.h"

namespace pantau {

Result<size_t> HandleIngest(std::string_view body, std::string_view peer, const ApiContext& ctx) {
  DecodeContext dc;
  dc.received = ctx.clock.Now();
  dc.source_address = peer;
  dc.input = InputName(Input::kHttp);
  std::vector<Event> events;
  size_t line_no = 0;
  while (!body.empty()) {
    ++line_no;
    const size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    Event e = Decode(line, Format::kJson, dc);
    if (e.flags & kDecodeError) {
      return InvalidArgument("line " + std::to_string(line_no) + ": " + e.error +
                             "; nothing of this request was stored");
    }
    events.push_back(std::move(e));
  }
  if (events.empty()) return InvalidArgument("the body holds no events (expected NDJSON)");
  InputCounters& counters = ctx.pipeline.counters(Input::kHttp);
  const size_t n = events.size();
  uint64_t bytes = 0;
  for (const auto& e : events) bytes += e.raw.size();
  ASSIGN_OR_RETURN(auto durable, ctx.pipeline.SubmitDecoded(std::move(events), peer));
  counters.received->Add(n);
  counters.bytes->Add(bytes);
  RETURN_IF_ERROR(durable.get());
  return n;
}

}  // namespace pantau
