#include "api/sources_route.h"

#include "core/time.h"

namespace pantau {

Result<std::string> HandleSourcesList(const ApiContext& ctx) {
  const std::vector<SourceRow> rows = ctx.pipeline.sources().Rows();
  std::string out = R"({"items":[)";
  for (size_t i = 0; i < rows.size(); ++i) {
    const SourceRow& r = rows[i];
    if (i > 0) out += ',';
    out += R"({"input":)";
    AppendJsonString(out, r.input);
    out += R"(,"peer":)";
    AppendJsonString(out, r.peer);
    out += R"(,"dataset":)";
    AppendJsonString(out, r.dataset);
    out += R"(,"host":)";
    AppendJsonString(out, r.host);
    out += R"(,"events":)" + std::to_string(r.events) + R"(,"bytes":)" + std::to_string(r.bytes) +
           R"(,"errors":)" + std::to_string(r.errors) + R"(,"first_seen":)";
    AppendJsonString(out, FormatRfc3339(r.first_seen));
    out += R"(,"last_seen":)";
    AppendJsonString(out, FormatRfc3339(r.last_seen));
    out += '}';
  }
  return out + R"(],"next_cursor":null,"total":)" + std::to_string(rows.size()) + "}";
}

}  // namespace pantau
