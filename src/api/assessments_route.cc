#include "api/assessments_route.h"

#include <fmt/format.h>

#include "api/cases_route.h"
#include "api/list_json.h"
#include "api/request_input.h"
#include "assess/assessments.h"

namespace pantau {

Result<std::string> HandleAssessmentStart(const Caller& caller, std::string_view case_id,
                                          std::string_view body, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(const nlohmann::json j, ParseObject(body));
  StartAssessment r;
  r.case_id = std::string(case_id);
  bool has_system = false, has_kind = false;
  for (const auto& [key, value] : j.items()) {
    if (key == "system_id") {
      // An id as the registry gives it ("3"), or the number.
      if (value.is_number_integer()) {
        r.system_id = std::to_string(value.get<int64_t>());
      } else {
        ASSIGN_OR_RETURN(r.system_id, TextMember(key, value));
      }
      has_system = true;
    } else if (key == "kind") {
      ASSIGN_OR_RETURN(r.kind, TextMember(key, value));
      has_kind = true;
    } else if (key == "ports") {
      ASSIGN_OR_RETURN(r.ports, TextMember(key, value, true));
    } else if (key == "target") {
      ASSIGN_OR_RETURN(r.target, TextMember(key, value, true));
    } else if (key == "vuln") {
      if (!value.is_boolean()) return InvalidArgument("vuln: expected true or false");
      r.vuln = value.get<bool>();
    } else {
      return InvalidArgument(fmt::format("body: unknown member '{}'", key));
    }
  }
  if (!has_system) return InvalidArgument("system_id: required (a system of the registry)");
  if (!has_kind) return InvalidArgument("kind: required, nmap or web");
  ASSIGN_OR_RETURN(const AssessmentRun run, ctx.assessments.Start(r, actor));
  return run.ToJson();
}

Result<std::string> HandleAssessmentsList(std::string_view case_id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const std::vector<AssessmentRun> runs, ctx.assessments.List(case_id));
  return WholeListJson(runs);
}

Result<std::string> HandleAssessmentCancel(const Caller& caller, std::string_view run_id,
                                           const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(const AssessmentRun run, ctx.assessments.Cancel(run_id, actor));
  return run.ToJson();
}

Result<std::string> HandleFindingPatch(const Caller& caller, std::string_view finding_id,
                                       std::string_view body, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(const nlohmann::json j, ParseObject(body));
  std::string status, reason;
  bool has_status = false;
  for (const auto& [key, value] : j.items()) {
    if (key == "status") {
      ASSIGN_OR_RETURN(status, TextMember(key, value));
      has_status = true;
    } else if (key == "reason") {
      ASSIGN_OR_RETURN(reason, TextMember(key, value, true));
    } else {
      return InvalidArgument(fmt::format("body: unknown member '{}'", key));
    }
  }
  if (!has_status)
    return InvalidArgument("status: required (open, confirmed, false_positive, fixed)");
  ASSIGN_OR_RETURN(const Finding f,
                   ctx.assessments.UpdateFinding(finding_id, status, reason, actor));
  return f.ToJson();
}

}  // namespace pantau
