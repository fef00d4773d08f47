// Cases: POST and GET /api/v1/cases, GET and PATCH /api/v1/cases/{id},
// POST /api/v1/cases/{id}/verdict, POST /api/v1/cases/{id}/actions/{action},
// GET /api/v1/cases/{id}/history (its audit entries), and the time standards, GET and PUT
// /api/v1/sla. The case routes need Permission::kWorkCases (people only); which workflow action
// a role may take is decided by the workflow table (cases/workflow.h), not here. {id} is the
// case's id or its number (INS-2026-0042).
#pragma once

#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"

namespace pantau {

// The person behind a request, as the case routes see them: API keys do not work cases.
Result<Actor> ActorOf(const Caller& caller);

struct CasesRequest {
  std::string state, assignee, overdue, limit, cursor;  // as given
};

// {"items": [case...], "next_cursor": "..."|null, "total": N}, newest first; a case as in
// Case::ToJson without history.
Result<std::string> HandleCasesList(const CasesRequest& request, const ApiContext& ctx);
// Body: {"title", "alert_ids"?, "system_ids"?, "incident_type"?, "description"?, "source"?,
// "risk_level"?, "classification"?, "assignee"?, "tags"?, "techniques"?, "observables"?}; the
// new case in full.
Result<std::string> HandleCaseCreate(const Caller& caller, std::string_view body,
                                     const ApiContext& ctx);
// The case in full: its fields, "history", "sla" with its steps, and "actions", the workflow
// actions the caller may take now.
Result<std::string> HandleCaseGet(const Caller& caller, std::string_view id, const ApiContext& ctx);
// Body: any of the fields of a create; the case after the change.
Result<std::string> HandleCasePatch(const Caller& caller, std::string_view id,
                                    std::string_view body, const ApiContext& ctx);
// Body: {"verdict": "false_positive"|"confirmed", "justification"}; the case after.
Result<std::string> HandleCaseVerdict(const Caller& caller, std::string_view id,
                                      std::string_view body, const ApiContext& ctx);
// Body: {"comment"?} or empty; the case after the action.
Result<std::string> HandleCaseAction(const Caller& caller, std::string_view id,
                                     std::string_view action, std::string_view body,
                                     const ApiContext& ctx);
// {"items": [audit entry...], "next_cursor": null, "total": N}, oldest first.
Result<std::string> HandleCaseHistory(std::string_view id, const ApiContext& ctx);

// {"items": [{"state", "minutes", "default_minutes", "updated_by", "updated"}], ...}
Result<std::string> HandleSlaGet(const ApiContext& ctx);
// Body: {"<state>": minutes, ...} for the states to change; the standards after.
// GET /api/v1/sla/compliance?from=&to= (default: the last 30 days): per state with a time
// standard, {"state", "steps", "on_time", "share_on_time"|null, "median_seconds"|null,
// "open_overdue"} of the steps that ended in the period, and those running late now.
Result<std::string> HandleSlaCompliance(std::string_view from, std::string_view to,
                                        const ApiContext& ctx);
Result<std::string> HandleSlaPut(const Caller& caller, std::string_view body,
                                 const ApiContext& ctx);

}  // namespace pantau
