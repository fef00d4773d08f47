#include "api/monitor_route.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "api/cases_route.h"
#include "cases/evidence.h"
#include "core/time.h"
#include "monitor/site_monitor.h"

namespace pantau {
namespace {

Result<SiteMonitor*> MonitorOf(const ApiContext& ctx) {
  if (ctx.monitor == nullptr) return Unavailable("website monitoring is not running");
  return ctx.monitor;
}

}  // namespace

Result<std::string> HandleSystemCheck(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(SiteMonitor * monitor, MonitorOf(ctx));
  ASSIGN_OR_RETURN(const SystemCheck check, monitor->CheckNow(id));
  return check.ToJson();
}

Result<std::string> HandleSystemBaseline(const Caller& caller, std::string_view id,
                                         const ApiContext& ctx) {
  ASSIGN_OR_RETURN(SiteMonitor * monitor, MonitorOf(ctx));
  ASSIGN_OR_RETURN(const Actor actor, ActorOf(caller));
  return monitor->ApproveBaseline(id, actor);
}

Result<std::string> HandleSystemStatus(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(SiteMonitor * monitor, MonitorOf(ctx));
  return monitor->StatusJson(id);
}

Result<std::string> HandleMonitorBoard(const ApiContext& ctx) {
  ASSIGN_OR_RETURN(SiteMonitor * monitor, MonitorOf(ctx));
  return monitor->BoardJson();
}

Result<std::string> HandlePublicStatus(const ApiContext& ctx) {
  ASSIGN_OR_RETURN(SiteMonitor * monitor, MonitorOf(ctx));
  return monitor->PublicStatusJson();
}

Result<std::string> HandleEvidenceFromMonitor(const Caller& caller, std::string_view case_id,
                                              std::string_view body, std::string_view remote_addr,
                                              const ApiContext& ctx) {
  ASSIGN_OR_RETURN(SiteMonitor * monitor, MonitorOf(ctx));
  ASSIGN_OR_RETURN(const Actor actor, ActorOf(caller));
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("sha256") || !j["sha256"].is_string() || j.size() != 1) {
    return InvalidArgument(
        R"(expected {"sha256": "<the page's SHA-256>"}, as an alert's monitor.body_sha256 )"
        "or monitor.crawler_sha256 names it");
  }
  ASSIGN_OR_RETURN(const KeptBody kept, monitor->Body(j["sha256"].get<std::string>()));
  const bool html = kept.content_type.find("html") != std::string::npos;
  NewEvidence e;
  e.case_id = std::string(case_id);
  e.kind = "file";
  e.name = fmt::format("halaman-{}.{}", kept.sha256.substr(0, 12), html ? "html" : "txt");
  e.description = fmt::format(
      "Halaman yang disimpan pemantauan situs / Page body kept by website monitoring "
      "(SHA-256 {}, {})",
      kept.sha256, kept.content_type.empty() ? "no content type" : kept.content_type);
  e.note = fmt::format("from website monitoring's kept page bodies (first seen {}), {}",
                       FormatRfc3339(kept.first_seen),
                       remote_addr.empty()
                           ? std::string("over the HTTP API")
                           : fmt::format("asked from {} over the HTTP API", remote_addr));
  ASSIGN_OR_RETURN(const EvidenceItem item, ctx.evidence.Add(e, kept.body, actor));
  return item.ToJson(true);
}

}  // namespace pantau
