// Vulnerability assessments of a case (assess/assessments.h): POST /api/v1/cases/{id}/assessments
// starts a run against a registered system (analysts and coordinators,
// Permission::kRunAssessments; 202, it runs in the background), GET lists the case's runs with
// their findings (everyone who works cases, Permission::kWorkCases), GET
// /api/v1/assessments/{run} one run (with its progress while it runs, polled by the page), POST
// /api/v1/assessments/{run}/cancel asks a run to stop, PATCH /api/v1/findings/{id} sets a
// finding's status. Targets pass the allow-list (assess/allow_list.h) or are refused.
//
// POST /api/v1/cases/{id}/assessments/import?system_id=&format= brings a scanner's report in as
// a run (the file is the body); GET /api/v1/cases/{id}/verdict-suggestion matches the case's
// alerts with its findings (assess/verdict_suggestion.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"
#include "assess/verdict_suggestion.h"

namespace pantau {

// Body: {"system_id", "kind": "nmap"|"web", "ports"?, "vuln"?, "target"?}; the run, running.
Result<std::string> HandleAssessmentStart(const Caller& caller, std::string_view case_id,
                                          std::string_view body, const ApiContext& ctx);
// {"items": [run with "findings"...], "next_cursor": null, "total": N}, newest first.
Result<std::string> HandleAssessmentsList(std::string_view case_id, const ApiContext& ctx);
// The run; "progress" while it is running.
Result<std::string> HandleAssessmentGet(std::string_view run_id, const ApiContext& ctx);
// The run, still running until it has stopped.
Result<std::string> HandleAssessmentCancel(const Caller& caller, std::string_view run_id,
                                           const ApiContext& ctx);
// Whether an import's body may be read: InvalidArgument for a form (the file itself is the
// body), TooLarge when the announced length is over `cap`.
Status CheckImportBody(std::string_view content_length, bool multipart, uint64_t cap);
// The file is the body; the run (ended) with "outside_registry".
Result<std::string> HandleAssessmentImport(const Caller& caller, std::string_view case_id,
                                           std::string_view system_id, std::string_view format,
                                           std::string_view file, const ApiContext& ctx);
// What the case's alerts and the findings of its runs suggest, now.
Result<VerdictSuggestion> CaseVerdictSuggestion(std::string_view case_id, const ApiContext& ctx);
// {"case_id", "suggestion", "verdict"|null, "reasons", "matches"}
Result<std::string> HandleVerdictSuggestion(std::string_view case_id, const ApiContext& ctx);
// Body: {"status": "open"|"confirmed"|"false_positive"|"fixed", "reason"?}; the finding.
Result<std::string> HandleFindingPatch(const Caller& caller, std::string_view finding_id,
                                       std::string_view body, const ApiContext& ctx);

}  // namespace pantau
