#include "api/assessments_route.h"

#include <fmt/format.h>

#include <charconv>

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

Result<std::string> HandleAssessmentGet(std::string_view run_id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const AssessmentRun run, ctx.assessments.Get(run_id));
  return run.ToJson();
}

Result<std::string> HandleAssessmentCancel(const Caller& caller, std::string_view run_id,
                                           const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(const AssessmentRun run, ctx.assessments.Cancel(run_id, actor));
  return run.ToJson();
}

Status CheckImportBody(std::string_view content_length, bool multipart, uint64_t cap) {
  if (multipart) return InvalidArgument("send the report file itself as the body, not a form");
  uint64_t length = 0;
  const auto [end, ec] =
      std::from_chars(content_length.data(), content_length.data() + content_length.size(), length);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && length > cap)) {
    return TooLarge(fmt::format("the file is larger than {} bytes: import it in parts", cap));
  }
  return Status::Ok();
}

Result<std::string> HandleAssessmentImport(const Caller& caller, std::string_view case_id,
                                           std::string_view system_id, std::string_view format,
                                           std::string_view file, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const Actor actor, ActorOf(caller));
  if (system_id.empty()) return InvalidArgument("system_id: required (a system of the registry)");
  if (format.empty()) return InvalidArgument("format: required, openvas, nessus, nuclei or zap");
  ImportAssessment r;
  r.case_id = std::string(case_id);
  r.system_id = std::string(system_id);
  r.format = std::string(format);
  ASSIGN_OR_RETURN(const ImportedRun run, ctx.assessments.Import(r, file, actor));
  return run.ToJson();
}

Result<VerdictSuggestion> CaseVerdictSuggestion(std::string_view case_id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const Case c, ctx.cases.Get(case_id));
  std::vector<AlertFacts> alerts;
  for (const std::string& id : c.alert_ids) {
    auto alert = ctx.alerts.Get(id);
    if (!alert.ok()) {
      if (alert.status().code() == StatusCode::kNotFound) continue;
      return alert.status();
    }
    alerts.push_back(FactsOfAlert(*alert));
  }
  ASSIGN_OR_RETURN(const std::vector<AssessmentRun> runs, ctx.assessments.List(c.id));
  return SuggestVerdict(alerts, runs);
}

Result<std::string> HandleVerdictSuggestion(std::string_view case_id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const Case c, ctx.cases.Get(case_id));
  ASSIGN_OR_RETURN(const VerdictSuggestion s, CaseVerdictSuggestion(c.id, ctx));
  std::string out = R"({"case_id":)";
  AppendJsonString(out, c.id);
  out += ',';
  out += std::string_view(s.ToJson()).substr(1);
  return out;
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
