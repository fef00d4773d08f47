#include "api/saved_searches_route.h"

#include <nlohmann/json.hpp>

#include "query/parser.h"
#include "query/time_argument.h"

namespace pantau {
namespace {

Status PersonOnly(const Caller& caller) {
  if (caller.person) return Status::Ok();
  return PermissionDenied("saved searches belong to people: log in to keep one");
}

}  // namespace

Result<std::string> HandleSavedSearchList(const Caller& caller, const ApiContext& ctx) {
  RETURN_IF_ERROR(PersonOnly(caller));
  ASSIGN_OR_RETURN(std::vector<SavedSearch> list, ctx.searches.List(caller.name));
  std::string out = R"({"items":[)";
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ',';
    out += list[i].ToJson();
  }
  return out + "]}";
}

Result<std::string> HandleSavedSearchAdd(const Caller& caller, std::string_view body,
                                         const ApiContext& ctx) {
  RETURN_IF_ERROR(PersonOnly(caller));
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return InvalidArgument("body: expected a JSON object");
  SavedSearch s;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (!item.value().is_string()) return InvalidArgument(key + ": expected a string");
    const std::string value = item.value().get<std::string>();
    if (key == "name") {
      s.name = value;
    } else if (key == "q") {
      s.query = value;
    } else if (key == "from") {
      s.from = value;
    } else if (key == "to") {
      s.to = value;
    } else {
      return InvalidArgument("body: unknown key '" + key + "'");
    }
  }
  // Kept only when it would run: the same errors a search gives, now rather than later.
  auto parsed = query::ParseQuery(s.query);
  if (!parsed.ok()) return InvalidArgument("q: " + parsed.status().message());
  const TimeNs now = ctx.clock.Now();
  if (!s.from.empty()) RETURN_IF_ERROR(query::ParseTimeArgument(s.from, now, "from").status());
  if (!s.to.empty()) RETURN_IF_ERROR(query::ParseTimeArgument(s.to, now, "to").status());
  ASSIGN_OR_RETURN(SavedSearch saved, ctx.searches.Add(caller.name, s));
  return saved.ToJson();
}

Status HandleSavedSearchRemove(const Caller& caller, std::string_view id, const ApiContext& ctx) {
  RETURN_IF_ERROR(PersonOnly(caller));
  return ctx.searches.Remove(caller.name, id);
}

}  // namespace pantau
