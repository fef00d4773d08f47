// The registry of electronic systems: GET /api/v1/systems, GET /api/v1/systems/{id} and
// GET /api/v1/systems.csv for everyone who reads the Security Log Analysis list
// (Permission::kReadEvents: every role, and API keys with the search scope); POST
// /api/v1/systems, PUT and DELETE /api/v1/systems/{id} and POST /api/v1/systems/import for admins
// (Permission::kManageSettings, people only). Every change is audited (monitor/registry.h).
#pragma once

#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"

namespace pantau {

// {"items": [system...], "next_cursor": null, "total": N}, by name.
Result<std::string> HandleSystemsList(const ApiContext& ctx);
Result<std::string> HandleSystemGet(std::string_view id, const ApiContext& ctx);
// Body: {"name", "operator": {"agency", "head_name"?, "head_title"?, "emails"?, "phones"?,
// "chat"?}, "urls"?, "hosts"?, "ips"?, "technology"?: {"cms", "cms_version", "server"},
// "criticality"?, "status"?, "check_interval_s"?}; the new system.
Result<std::string> HandleSystemCreate(const Caller& caller, std::string_view body,
                                       const ApiContext& ctx);
// The same body, replacing every field it sets (left out: empty, or the default); the system.
Result<std::string> HandleSystemPut(const Caller& caller, std::string_view id,
                                    std::string_view body, const ApiContext& ctx);
Status HandleSystemDelete(const Caller& caller, std::string_view id, const ApiContext& ctx);

// text/csv with a header row (monitor/registry.h CsvHeader).
Result<std::string> HandleSystemsExport(const ApiContext& ctx);

struct SystemsImportAnswer {
  int status = 200;  // 200 imported; 400 with the problems of each line, nothing imported
  std::string body;  // {"created": N, "updated": N, "items": [system...]}, or
                     // {"error": {"code", "message", "lines": [{"line", "message"}]}}
};
// The body is the CSV file.
Result<SystemsImportAnswer> HandleSystemsImport(const Caller& caller, std::string_view csv,
                                                const ApiContext& ctx);

}  // namespace pantau
