// Who is calling: a machine with an API key (Authorization: Bearer), or a person with a session
// cookie from POST /api/v1/auth/login. Every route names the permission it needs; a person's
// role and a key's scopes decide (auth/roles.h). A state-changing request made with a session
// cookie must carry the session's CSRF token in X-CSRF-Token (the value of the pantau_csrf
// cookie), so that another site cannot make a logged-in browser act.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/http_server.h"
#include "auth/roles.h"

namespace pantau {

inline constexpr std::string_view kSessionCookie = "pantau_session";
inline constexpr std::string_view kCsrfCookie = "pantau_csrf";

struct Caller {
  std::string name;  // the user, or the API key's name
  bool person = false;
  std::optional<Role> role;  // a person's; none for an API key
};

// What the HTTP layer knows of a request.
struct RequestAuth {
  std::string authorization;   // the Authorization header
  std::string cookies;         // the Cookie header
  std::string csrf;            // the X-CSRF-Token header
  bool changes_state = false;  // POST, PUT, PATCH, DELETE
};

Result<Caller> AuthorizeRequest(const RequestAuth& request, Permission permission,
                                const ApiContext& ctx);

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view header, std::string_view name);

struct LoginResult {
  std::string body;                      // {"user": {"name", "role"}}
  std::vector<std::string> set_cookies;  // Set-Cookie values
};
// Body: {"username", "password", "totp"?} (the current code, or a recovery code). `secure`: the
// browser came over HTTPS, so the cookies are marked Secure.
Result<LoginResult> HandleLogin(std::string_view body, bool secure, const ApiContext& ctx);
// Ends the session of the cookie (when there is one); the Set-Cookie values that clear both.
std::vector<std::string> HandleLogout(const RequestAuth& request, const ApiContext& ctx);
// Second factor enrolment: {"secret", "uri", "qr_svg"} of a new secret, then its confirmation
// with a current code, body {"code"}: {"recovery_codes": [...]}, shown once.
Result<std::string> HandleTotpEnrol(const Caller& caller, const ApiContext& ctx);
Result<std::string> HandleTotpConfirm(const Caller& caller, std::string_view body,
                                      const ApiContext& ctx);
// {"name", "role"} of the session's user.
Result<std::string> HandleMe(const RequestAuth& request, const ApiContext& ctx);

}  // namespace pantau
