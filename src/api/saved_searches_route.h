// A person's saved searches: GET /api/v1/searches (theirs), POST /api/v1/searches {"name", "q",
// "from"?, "to"?} (the query and times are checked as a search would check them), DELETE
// /api/v1/searches/{id}. People only: an API key has no person to save for.
#pragma once

#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"

namespace pantau {

// {"items": [{"id", "name", "q", "from", "to", "created"}...]}
Result<std::string> HandleSavedSearchList(const Caller& caller, const ApiContext& ctx);
Result<std::string> HandleSavedSearchAdd(const Caller& caller, std::string_view body,
                                         const ApiContext& ctx);
Status HandleSavedSearchRemove(const Caller& caller, std::string_view id, const ApiContext& ctx);

}  // namespace pantau
