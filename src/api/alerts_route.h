// The alerts of the Security Log Analysis list: GET /api/v1/alerts (filters: status, level,
// rule, host, from, to; cursor paging), GET and PATCH /api/v1/alerts/{id}, POST
// /api/v1/alerts/bulk for one change to many alerts, POST /api/v1/alerts/{id}/expected for an
// anomaly that is normal, and GET /api/v1/alerts/stats for the dashboard.
#pragma once

#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"

namespace pantau {

struct AlertsRequest {
  std::string status, level, rule, host, from, to, limit, cursor;  // as given
};

// {"items": [alert...], "next_cursor": "..."|null, "total": N}
Result<std::string> HandleAlertsList(const AlertsRequest& request, const ApiContext& ctx);
Result<std::string> HandleAlertGet(std::string_view id, const ApiContext& ctx);
// Body: {"status"?, "assignee"?, "false_positive"?, "false_positive_reason"?}; the alert after.
Result<std::string> HandleAlertPatch(const Caller& caller, std::string_view id,
                                     std::string_view body, const ApiContext& ctx);
// Body: {"ids": [...], and the fields of a PATCH}; {"items": [alert...]}. All or none.
Result<std::string> HandleAlertsBulk(const Caller& caller, std::string_view body,
                                     const ApiContext& ctx);

// Body: {"reason": "..."} (required): the anomaly of alert `id` is expected; the detectors'
// baseline learns it and the alert closes (false positive, reason "Diharapkan / expected: ...").
// The alert after. 400 for an alert that is no anomaly, 503 when anomaly detection is off.
Result<std::string> HandleAlertExpected(const Caller& caller, std::string_view id,
                                        std::string_view body, const ApiContext& ctx);

// The dashboard's figures over alerts last seen in [from, to) (default the last 24 hours), in
// `buckets` buckets of whole seconds (default 48, at most 1000); every figure sums the alerts'
// counts: {"from", "to", "interval_s", "buckets": [{"time", "counts": {"informational", "low",
// "medium", "high", "critical"}}...], "by_status": {"new", "acknowledged", "closed"},
// "top_rules": [{"rule_id", "rule_title", "level", "count"}...], "top_hosts": [{"host",
// "count"}...], "alerts", "events"}.
Result<std::string> HandleAlertStats(std::string_view from, std::string_view to,
                                     std::string_view buckets, const ApiContext& ctx);

}  // namespace pantau
