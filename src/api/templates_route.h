// GET /api/v1/templates and /api/v1/templates/{id}: the log templates the ingest miners made
// (detect/anomaly/template_index.h), with counts, first and last seen, for the templates page.
// Template text and examples come from log lines: the UI escapes them.
#pragma once

#include <string>
#include <string_view>

#include "api/http_server.h"

namespace pantau {

struct TemplatesRequest {
  std::string dataset, q, sort, limit, offset;
};

// {"items": [template...], "next_cursor": null, "total": N, "offset": O, "limit": L}; `total`
// counts every template matching dataset= and q=, whatever limit= and offset=.
Result<std::string> HandleTemplatesList(const TemplatesRequest& request, const ApiContext& ctx);
// One template: {"id", "dataset", "template", "count", "first_seen", "last_seen", "example",
// "query"}.
Result<std::string> HandleTemplateGet(std::string_view id, const ApiContext& ctx);

}  // namespace pantau
