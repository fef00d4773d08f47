#include "api/auth_route.h"

#include <nlohmann/json.hpp>

#include "auth/secrets.h"
#include "auth/totp.h"

namespace pantau {
namespace {

std::string UserJson(const UserInfo& u) {
  std::string out = R"({"name":)";
  AppendJsonString(out, u.name);
  out += R"(,"role":)";
  AppendJsonString(out, RoleName(u.role));
  return out + "}";
}

// Session cookies: no Max-Age (they end with the browser and with the server-side expiry),
// SameSite=Strict, the session token out of scripts' reach, and Secure when the browser reached
// us over HTTPS (through a TLS proxy, which says so in X-Forwarded-Proto).
std::vector<std::string> SessionCookies(std::string_view token, std::string_view csrf,
                                        bool secure) {
  const std::string attributes =
      secure ? "; Path=/; SameSite=Strict; Secure" : "; Path=/; SameSite=Strict";
  return {std::string(kSessionCookie) + "=" + std::string(token) + attributes + "; HttpOnly",
          std::string(kCsrfCookie) + "=" + std::string(csrf) + attributes};
}

}  // namespace

std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

Result<Caller> AuthorizeRequest(const RequestAuth& r, Permission permission,
                                const ApiContext& ctx) {
  constexpr std::string_view kBearer = "Bearer ";
  if (!r.authorization.empty()) {
    if (!r.authorization.starts_with(kBearer) || r.authorization.size() == kBearer.size()) {
      return Unauthenticated("send an API key as 'Authorization: Bearer <key>'");
    }
    const std::string_view secret = std::string_view(r.authorization).substr(kBearer.size());
    const std::string_view scope = ScopeFor(permission);
    if (scope.empty()) {
      // A wrong key is still told apart (401) from a good one that may not do this (403).
      RETURN_IF_ERROR(ctx.keys.Verify(secret).status());
      return PermissionDenied("API keys may not do this: log in as a person whose role may");
    }
    ASSIGN_OR_RETURN(ApiKeyInfo key, ctx.keys.Authenticate(secret, scope));
    return Caller{key.name, false, std::nullopt};
  }
  const std::string token = CookieValue(r.cookies, kSessionCookie);
  if (token.empty()) {
    return Unauthenticated("log in (POST /api/v1/auth/login) or send an API key");
  }
  ASSIGN_OR_RETURN(Session s, ctx.users.Resume(token));
  if (s.must_enrol_totp && permission != Permission::kOwnAccount) {
    return PermissionDenied(
        "your role needs a second factor: enrol one first "
        "(POST /api/v1/auth/totp/enrol)");
  }
  if (!RoleAllows(s.user.role, permission)) {
    return PermissionDenied("the role '" + std::string(RoleName(s.user.role)) +
                            "' may not do this");
  }
  if (r.changes_state && !SameSecret(r.csrf, s.csrf)) {
    return PermissionDenied("missing or wrong X-CSRF-Token (send the pantau_csrf cookie's value)");
  }
  return Caller{s.user.name, true, s.user.role};
}

Result<LoginResult> HandleLogin(std::string_view body, bool secure, const ApiContext& ctx) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("username") || !j["username"].is_string() ||
      !j.contains("password") || !j["password"].is_string()) {
    return InvalidArgument("body: expected {\"username\": \"...\", \"password\": \"...\"}");
  }
  // A new session every time: a token planted before the login is never taken over.
  std::string code;
  if (j.contains("totp")) {
    if (!j["totp"].is_string()) return InvalidArgument("totp: expected a string");
    code = j["totp"].get<std::string>();
  }
  ASSIGN_OR_RETURN(NewSession s, ctx.users.Login(j["username"].get<std::string>(),
                                                 j["password"].get<std::string>(), code));
  return LoginResult{R"({"user":)" + UserJson(s.user) + "}",
                     SessionCookies(s.token, s.csrf, secure)};
}

std::vector<std::string> HandleLogout(const RequestAuth& r, const ApiContext& ctx) {
  const std::string token = CookieValue(r.cookies, kSessionCookie);
  if (!token.empty()) ctx.users.Logout(token);
  return {std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
          std::string(kCsrfCookie) + "=; Path=/; SameSite=Strict; Max-Age=0"};
}

Result<std::string> HandleTotpEnrol(const Caller& caller, const ApiContext& ctx) {
  if (!caller.person) return PermissionDenied("a second factor is for people, not API keys");
  ASSIGN_OR_RETURN(TotpEnrolment e, ctx.users.BeginTotp(caller.name));
  ASSIGN_OR_RETURN(std::string svg, QrSvg(e.uri));
  std::string out = R"({"secret":)";
  AppendJsonString(out, e.secret);
  out += R"(,"uri":)";
  AppendJsonString(out, e.uri);
  out += R"(,"qr_svg":)";
  AppendJsonString(out, svg);
  return out + "}";
}

Result<std::string> HandleTotpConfirm(const Caller& caller, std::string_view body,
                                      const ApiContext& ctx) {
  if (!caller.person) return PermissionDenied("a second factor is for people, not API keys");
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("code") || !j["code"].is_string()) {
    return InvalidArgument("body: expected {\"code\": \"123456\"}");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> codes,
                   ctx.users.ConfirmTotp(caller.name, j["code"].get<std::string>()));
  std::string out = R"({"recovery_codes":[)";
  for (size_t i = 0; i < codes.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, codes[i]);
  }
  return out + "]}";
}

Result<std::string> HandleMe(const RequestAuth& r, const ApiContext& ctx) {
  const std::string token = CookieValue(r.cookies, kSessionCookie);
  if (token.empty()) return Unauthenticated("not logged in");
  ASSIGN_OR_RETURN(Session s, ctx.users.Resume(token));
  std::string out = UserJson(s.user);
  out.pop_back();
  return out + (s.must_enrol_totp ? R"(,"must_enrol_totp":true})" : R"(,"must_enrol_totp":false})");
}

}  // namespace pantau
