// The attack reference library: GET /api/v1/attack and /api/v1/attack/{id} for everyone who reads
// the Security Log Analysis list (Permission::kReadEvents); PUT /api/v1/attack/{id} (change an
// entry, or add one) and DELETE /api/v1/attack/{id} (back to the built-in default) for admins
// (Permission::kManageSettings), each audited. A case's own entries are under
// /api/v1/cases/{id}/attack (case_workspace_route.h).
#pragma once

#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"

namespace pantau {

// {"items": [entry...], "next_cursor": null, "total": N}: incident types, then techniques.
Result<std::string> HandleAttackList(const ApiContext& ctx);
// The entry (AttackEntry::ToJson).
Result<std::string> HandleAttackGet(std::string_view id, const ApiContext& ctx);
// Body: any of {"name": {"id", "en"}, "description": {"id", "en"}, "indicators": {"id": [...],
// "en": [...]}, "mitigations": {...}, "url": "https://..."|null, "related": [...]}; the entry
// after the change. A new id needs name, description, indicators and mitigations.
Result<std::string> HandleAttackPut(const Caller& caller, std::string_view id,
                                    std::string_view body, const ApiContext& ctx);
// The built-in entry again, or an empty string when the entry was the admins' own and is gone.
Result<std::string> HandleAttackReset(const Caller& caller, std::string_view id,
                                      const ApiContext& ctx);

}  // namespace pantau
