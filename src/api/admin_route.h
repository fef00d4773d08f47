// Accounts, for admins: people (GET and POST /api/v1/users, PATCH /api/v1/users/{name}) and
// machines (GET and POST /api/v1/apikeys, DELETE /api/v1/apikeys/{name}). The routes need
// Permission::kManageAccounts, which only the admin role has and no API key scope grants; the
// caller is the actor of each change's audit entry.
#pragma once

#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"

namespace pantau {

// {"items": [user...], "next_cursor": null, "total": N}; a user is {"name", "role", "disabled",
// "totp_enrolled", "created"}.
Result<std::string> HandleUsersList(const ApiContext& ctx);
// Body {"name", "role", "password"} (at least 12 characters); the new user.
Result<std::string> HandleUserAdd(const Caller& caller, std::string_view body,
                                  const ApiContext& ctx);
// Body {"role"?, "disabled"?, "password"?, "reset_totp"?}; the user after the change. An admin
// may neither disable nor demote themselves (FailedPrecondition): another admin must, so that
// there is always one.
Result<std::string> HandleUserPatch(const Caller& caller, std::string_view name,
                                    std::string_view body, const ApiContext& ctx);

// {"items": [key...], "next_cursor": null, "total": N}; a key is {"id", "name", "scopes",
// "created", "disabled"}, never its secret.
Result<std::string> HandleApiKeysList(const ApiContext& ctx);
// Body {"name", "scopes": ["ingest"|"search"|"triage"...]}; the key as listed plus "key", the
// secret, shown this once.
Result<std::string> HandleApiKeyCreate(const Caller& caller, std::string_view body,
                                       const ApiContext& ctx);
// Disables the key for good; the key as listed.
Result<std::string> HandleApiKeyDisable(const Caller& caller, std::string_view name,
                                        const ApiContext& ctx);

}  // namespace pantau
