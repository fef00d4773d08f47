// The rules detection runs (api/rule_catalog.h): GET /api/v1/rules and GET /api/v1/rules/{id},
// the latter with the rule's YAML document as written.
#pragma once

#include <string>
#include <string_view>

#include "api/http_server.h"

namespace pantau {

// {"items": [{"id", "title", "kind", "level", "status", "tags", "attack", "description",
// "standalone", "source"}...], "next_cursor": null, "total": N}
Result<std::string> HandleRulesList(const ApiContext& ctx);
// The rule as listed, plus "text"; NotFound for an unknown id.
Result<std::string> HandleRuleGet(std::string_view id, const ApiContext& ctx);

}  // namespace pantau
