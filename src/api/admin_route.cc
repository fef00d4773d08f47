#include "api/admin_route.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "api/list_json.h"
#include "core/time.h"

namespace pantau {
namespace {

std::string UserJson(const UserInfo& u) {
  std::string out = R"({"name":)";
  AppendJsonString(out, u.name);
  out += R"(,"role":)";
  AppendJsonString(out, RoleName(u.role));
  out += u.disabled ? R"(,"disabled":true)" : R"(,"disabled":false)";
  out += u.totp_enrolled ? R"(,"totp_enrolled":true)" : R"(,"totp_enrolled":false)";
  out += R"(,"created":)";
  AppendJsonString(out, FormatRfc3339(u.created));
  return out + "}";
}

// The listing's members, without the closing brace, so that a new key can add its secret.
std::string ApiKeyJsonOpen(const ApiKeyInfo& k) {
  std::string out = R"({"id":)";
  AppendJsonString(out, k.id);
  out += R"(,"name":)";
  AppendJsonString(out, k.name);
  out += R"(,"scopes":[)";
  for (size_t i = 0; i < k.scopes.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, k.scopes[i]);
  }
  out += R"(],"created":)";
  AppendJsonString(out, FormatRfc3339(k.created));
  out += k.disabled ? R"(,"disabled":true)" : R"(,"disabled":false)";
  return out;
}

Result<nlohmann::json> ObjectOf(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return InvalidArgument("body: expected a JSON object");
  return j;
}

Result<std::string> StringOf(const nlohmann::json& value, std::string_view key) {
  if (!value.is_string()) return InvalidArgument(std::string(key) + ": expected a string");
  return value.get<std::string>();
}

Result<bool> BoolOf(const nlohmann::json& value, std::string_view key) {
  if (!value.is_boolean()) return InvalidArgument(std::string(key) + ": expected true or false");
  return value.get<bool>();
}

Result<Role> RoleOf(const nlohmann::json& value) {
  ASSIGN_OR_RETURN(std::string name, StringOf(value, "role"));
  auto role = ParseRole(name);
  if (!role.ok()) return InvalidArgument("role: " + role.status().message());
  return *role;
}

}  // namespace

Result<std::string> HandleUsersList(const ApiContext& ctx) {
  ASSIGN_OR_RETURN(std::vector<UserInfo> users, ctx.users.List());
  return WholeListJson(users, UserJson);
}

Result<std::string> HandleUserAdd(const Caller& caller, std::string_view body,
                                  const ApiContext& ctx) {
  ASSIGN_OR_RETURN(nlohmann::json j, ObjectOf(body));
  std::optional<std::string> name, password;
  std::optional<Role> role;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (key == "name") {
      ASSIGN_OR_RETURN(name, StringOf(item.value(), key));
    } else if (key == "password") {
      ASSIGN_OR_RETURN(password, StringOf(item.value(), key));
    } else if (key == "role") {
      ASSIGN_OR_RETURN(role, RoleOf(item.value()));
    } else {
      return InvalidArgument("body: unknown key '" + key + "'");
    }
  }
  if (!name) return InvalidArgument("name: required");
  if (!role) return InvalidArgument("role: required (analyst, coordinator, head or admin)");
  if (!password) return InvalidArgument("password: required, at least 12 characters");
  RETURN_IF_ERROR(ctx.users.Add(*name, *role, *password, caller.name));
  ASSIGN_OR_RETURN(UserInfo user, ctx.users.Get(*name));
  return UserJson(user);
}

Result<std::string> HandleUserPatch(const Caller& caller, std::string_view name,
                                    std::string_view body, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(nlohmann::json j, ObjectOf(body));
  UserChange change;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (key == "role") {
      ASSIGN_OR_RETURN(change.role, RoleOf(item.value()));
    } else if (key == "disabled") {
      ASSIGN_OR_RETURN(change.disabled, BoolOf(item.value(), key));
    } else if (key == "password") {
      ASSIGN_OR_RETURN(change.password, StringOf(item.value(), key));
    } else if (key == "reset_totp") {
      ASSIGN_OR_RETURN(change.reset_totp, BoolOf(item.value(), key));
    } else {
      return InvalidArgument("body: unknown key '" + key + "'");
    }
  }
  if (change.empty()) {
    return InvalidArgument("nothing to change: give role, disabled, password or reset_totp");
  }
  // Users::Update keeps one enabled admin; this also keeps the one at the keyboard from locking
  // themselves out.
  if (caller.person && caller.name == name) {
    if (change.role && *change.role != Role::kAdmin) {
      return FailedPrecondition(
          "role: you cannot take the admin role from yourself; another admin must, so that "
          "there is always one");
    }
    if (change.disabled.value_or(false)) {
      return FailedPrecondition(
          "disabled: you cannot disable yourself; another admin must, so that there is always "
          "one");
    }
  }
  ASSIGN_OR_RETURN(UserInfo user, ctx.users.Update(name, change, caller.name));
  return UserJson(user);
}

Result<std::string> HandleApiKeysList(const ApiContext& ctx) {
  ASSIGN_OR_RETURN(std::vector<ApiKeyInfo> keys, ctx.keys.List());
  return WholeListJson(keys, [](const ApiKeyInfo& k) { return ApiKeyJsonOpen(k) + "}"; });
}

Result<std::string> HandleApiKeyCreate(const Caller& caller, std::string_view body,
                                       const ApiContext& ctx) {
  ASSIGN_OR_RETURN(nlohmann::json j, ObjectOf(body));
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> scopes;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (key == "name") {
      ASSIGN_OR_RETURN(name, StringOf(item.value(), key));
    } else if (key == "scopes") {
      const nlohmann::json& list = item.value();
      const bool strings =
          list.is_array() && std::all_of(list.begin(), list.end(),
                                         [](const nlohmann::json& s) { return s.is_string(); });
      if (!strings) {
        return InvalidArgument("scopes: expected a list of ingest, search, triage");
      }
      scopes.emplace();
      for (const auto& s : list) {
        std::string scope = s.get<std::string>();
        if (std::find(scopes->begin(), scopes->end(), scope) == scopes->end()) {
          scopes->push_back(std::move(scope));
        }
      }
    } else {
      return InvalidArgument("body: unknown key '" + key + "'");
    }
  }
  if (!name) return InvalidArgument("name: required");
  if (!scopes) return InvalidArgument("scopes: required (any of ingest, search, triage)");
  ASSIGN_OR_RETURN(NewApiKey key, ctx.keys.Create(*name, *scopes, caller.name));
  std::string out = ApiKeyJsonOpen(key.info) + R"(,"key":)";
  AppendJsonString(out, key.secret);
  return out + "}";
}

Result<std::string> HandleApiKeyDisable(const Caller& caller, std::string_view name,
                                        const ApiContext& ctx) {
  RETURN_IF_ERROR(ctx.keys.Disable(name, caller.name));
  ASSIGN_OR_RETURN(std::vector<ApiKeyInfo> keys, ctx.keys.List());
  for (const ApiKeyInfo& k : keys) {
    if (k.name == name) return ApiKeyJsonOpen(k) + "}";
  }
  return NotFound("no API key named '" + std::string(name) + "'");
}

}  // namespace pantau
