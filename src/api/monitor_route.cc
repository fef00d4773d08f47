#include "api/monitor_route.h"

#include "api/cases_route.h"
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

}  // namespace pantau
