// Website monitoring of a registered system (monitor/site_monitor.h):
// POST /api/v1/systems/{id}/check runs all its checks now and answers with their results;
// POST /api/v1/systems/{id}/baseline approves the pages as they are now as its baseline (audited);
// both for analysts, coordinators and admins (people only: each makes requests to the system, and
// a baseline is a person's judgement). GET /api/v1/systems/{id}/status, for everyone who reads
// alerts (Permission::kReadEvents), answers the last checks, response-time history, certificate
// and last content check of each URL. POST /api/v1/cases/{id}/evidence/monitor carries a page
// body or screenshot the monitor kept into a case's evidence; GET /api/v1/monitor/bodies/{sha256}
// downloads one, and GET /api/v1/monitor/diff shows what changed between two kept pages.
#pragma once

#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"
#include "monitor/site_monitor.h"

namespace pantau {

Result<std::string> HandleSystemCheck(std::string_view id, const ApiContext& ctx);
Result<std::string> HandleSystemBaseline(const Caller& caller, std::string_view id,
                                         const ApiContext& ctx);
Result<std::string> HandleSystemStatus(std::string_view id, const ApiContext& ctx);
// GET /api/v1/monitor/board: every monitored system's health in one answer, for the dashboard's
// panel and the war-room wall (Permission::kReadEvents).
Result<std::string> HandleMonitorBoard(const ApiContext& ctx);
// GET /api/v1/status/public: the systems an admin marked public_status, with only their name,
// up or down and response time (Permission::kReadPublicStatus: people, and API keys with the
// status scope, which grants nothing else).
Result<std::string> HandlePublicStatus(const ApiContext& ctx);
// GET /api/v1/monitor/bodies/{sha256}: a page body or screenshot the monitor kept (an alert names
// its hash), for everyone who reads alerts (Permission::kReadEvents). A screenshot (a PNG the
// monitor stored as image/png) goes out as image/png, shown inline (the alert's view shows it);
// anything else, a page as a site sent it, as a text/plain attachment: never as HTML.
struct MonitorDownload {
  std::string sha256, body, content_type, filename;
  bool inline_ok = false;  // false: Content-Disposition attachment
};
Result<MonitorDownload> HandleMonitorBody(std::string_view sha256, const ApiContext& ctx);
// GET /api/v1/monitor/diff?from={sha256}&to={sha256}: what changed from one kept page to another
// (an alert's monitor.baseline_sha256 to its monitor.body_sha256), as monitor/page_diff.h answers
// it, for everyone who reads alerts (Permission::kReadEvents). The pages are only read, as text.
Result<std::string> HandleMonitorDiff(std::string_view from, std::string_view to,
                                      const ApiContext& ctx);
// Whether a kept body is one of the monitor's screenshots: stored as image/png, and a PNG.
bool IsKeptScreenshot(const KeptBody& kept);
// POST /api/v1/cases/{id}/evidence/monitor {"sha256"}: a page body the monitor kept (an alert
// names it) added to the case's evidence as a file, with its custody note saying where it came
// from; for whoever may add evidence (Permission::kWorkCases). The item as an upload answers it.
Result<std::string> HandleEvidenceFromMonitor(const Caller& caller, std::string_view case_id,
                                              std::string_view body, std::string_view remote_addr,
                                              const ApiContext& ctx);

}  // namespace pantau
