#include "api/attack_route.h"

#include <nlohmann/json.hpp>

#include "api/list_json.h"
#include "api/request_input.h"
#include "cases/attack_library.h"

namespace pantau {
namespace {

Result<LocalizedText> TextOf(const std::string& key, const nlohmann::json& v) {
  const std::string shape = key + R"(: expected {"id": "...", "en": "..."})";
  if (!v.is_object() || v.size() != 2 || !v.contains("id") || !v.contains("en") ||
      !v["id"].is_string() || !v["en"].is_string()) {
    return InvalidArgument(shape);
  }
  return LocalizedText{v["id"].get<std::string>(), v["en"].get<std::string>()};
}

Result<LocalizedList> ListOf(const std::string& key, const nlohmann::json& v) {
  if (!v.is_object() || v.size() != 2 || !v.contains("id") || !v.contains("en")) {
    return InvalidArgument(key + R"(: expected {"id": [...], "en": [...]})");
  }
  LocalizedList out;
  ASSIGN_OR_RETURN(out.id, StringList(key + ".id", v["id"]));
  ASSIGN_OR_RETURN(out.en, StringList(key + ".en", v["en"]));
  return out;
}

Result<AttackEntryPatch> PatchOf(std::string_view body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return InvalidArgument("body: expected a JSON object");
  AttackEntryPatch p;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    const nlohmann::json& v = item.value();
    if (key == "name") {
      ASSIGN_OR_RETURN(p.name, TextOf(key, v));
    } else if (key == "description") {
      ASSIGN_OR_RETURN(p.description, TextOf(key, v));
    } else if (key == "indicators") {
      ASSIGN_OR_RETURN(p.indicators, ListOf(key, v));
    } else if (key == "mitigations") {
      ASSIGN_OR_RETURN(p.mitigations, ListOf(key, v));
    } else if (key == "url") {
      if (!v.is_null() && !v.is_string()) return InvalidArgument("url: expected a string or null");
      p.url = v.is_null() ? std::string() : v.get<std::string>();
    } else if (key == "related") {
      ASSIGN_OR_RETURN(p.related, StringList(key, v));
    } else {
      return InvalidArgument("body: unknown key '" + key + "'");
    }
  }
  return p;
}

}  // namespace

Result<std::string> HandleAttackList(const ApiContext& ctx) {
  ASSIGN_OR_RETURN(std::vector<AttackEntry> entries, ctx.attack.List());
  return WholeListJson(entries);
}

Result<std::string> HandleAttackGet(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(AttackEntry e, ctx.attack.Get(id));
  return e.ToJson();
}

Result<std::string> HandleAttackPut(const Caller& caller, std::string_view id,
                                    std::string_view body, const ApiContext& ctx) {
  if (!caller.role) return PermissionDenied("the attack library is edited by admins (log in)");
  ASSIGN_OR_RETURN(AttackEntryPatch patch, PatchOf(body));
  ASSIGN_OR_RETURN(AttackEntry e, ctx.attack.Put(id, patch, Actor{caller.name, *caller.role}));
  return e.ToJson();
}

Result<std::string> HandleAttackReset(const Caller& caller, std::string_view id,
                                      const ApiContext& ctx) {
  if (!caller.role) return PermissionDenied("the attack library is edited by admins (log in)");
  ASSIGN_OR_RETURN(std::optional<AttackEntry> e,
                   ctx.attack.Reset(id, Actor{caller.name, *caller.role}));
  return e ? e->ToJson() : std::string();
}

}  // namespace pantau
