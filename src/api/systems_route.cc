#include "api/systems_route.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "api/list_json.h"
#include "monitor/registry.h"

namespace pantau {
namespace {

Result<Actor> AdminOf(const Caller& caller) {
  if (!caller.role) return PermissionDenied("the registry is changed by admins (log in)");
  return Actor{caller.name, *caller.role};
}

}  // namespace

Result<std::string> HandleSystemsList(const ApiContext& ctx) {
  ASSIGN_OR_RETURN(std::vector<ElectronicSystem> systems, ctx.systems.List());
  return WholeListJson(systems);
}

Result<std::string> HandleSystemGet(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(ElectronicSystem s, ctx.systems.Get(id));
  return s.ToJson();
}

Result<std::string> HandleSystemCreate(const Caller& caller, std::string_view body,
                                       const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, AdminOf(caller));
  ASSIGN_OR_RETURN(ElectronicSystem input, SystemFromJson(body));
  ASSIGN_OR_RETURN(ElectronicSystem s, ctx.systems.Create(input, actor));
  return s.ToJson();
}

Result<std::string> HandleSystemPut(const Caller& caller, std::string_view id,
                                    std::string_view body, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, AdminOf(caller));
  ASSIGN_OR_RETURN(ElectronicSystem input, SystemFromJson(body));
  ASSIGN_OR_RETURN(ElectronicSystem s, ctx.systems.Update(id, input, actor));
  return s.ToJson();
}

Status HandleSystemDelete(const Caller& caller, std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, AdminOf(caller));
  return ctx.systems.Delete(id, actor);
}

Result<std::string> HandleSystemsExport(const ApiContext& ctx) { return ctx.systems.ExportCsv(); }

Result<SystemsImportAnswer> HandleSystemsImport(const Caller& caller, std::string_view csv,
                                                const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, AdminOf(caller));
  ASSIGN_OR_RETURN(ImportResult r, ctx.systems.ImportCsv(csv, actor));
  SystemsImportAnswer answer;
  if (!r.problems.empty()) {
    nlohmann::json lines = nlohmann::json::array();
    std::string first;
    for (const ImportProblem& p : r.problems) {
      lines.push_back({{"line", p.line}, {"message", p.message}});
      if (first.empty()) first = fmt::format("line {}: {}", p.line, p.message);
    }
    answer.status = 400;
    answer.body = nlohmann::json{
        {"error",
         {{"code", "invalid_argument"},
          {"message", fmt::format("{} line{} of the file cannot be "
                                  "used, so nothing was imported; {}",
                                  r.problems.size(), r.problems.size() == 1 ? "" : "s", first)},
          {"lines",
           lines}}}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return answer;
  }
  std::vector<ElectronicSystem> items = r.created;
  items.insert(items.end(), r.updated.begin(), r.updated.end());
  std::string list = WholeListJson(items);
  answer.body = fmt::format(R"({{"created":{},"updated":{},)", r.created.size(), r.updated.size()) +
                list.substr(1);
  return answer;
}

}  // namespace pantau
