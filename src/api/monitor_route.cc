#include "api/monitor_route.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "api/cases_route.h"
#include "cases/evidence.h"
#include "core/time.h"
#include "monitor/html_summary.h"
#include "monitor/page_diff.h"
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

bool IsKeptScreenshot(const KeptBody& kept) {
  static constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
  return kept.content_type == "image/png" && kept.body.starts_with(kPngSignature);
}

Result<MonitorDownload> HandleMonitorBody(std::string_view sha256, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(SiteMonitor * monitor, MonitorOf(ctx));
  ASSIGN_OR_RETURN(KeptBody kept, monitor->Body(sha256));
  MonitorDownload out;
  if (IsKeptScreenshot(kept)) {
    out.content_type = "image/png";
    out.filename = fmt::format("tangkapan-layar-{}.png", kept.sha256.substr(0, 12));
    out.inline_ok = true;
  } else {
    // What a site sent, as text whatever it claimed to be: the content is attacker-controlled.
    out.content_type = "text/plain; charset=utf-8";
    out.filename = fmt::format("halaman-{}.txt", kept.sha256.substr(0, 12));
  }
  out.sha256 = std::move(kept.sha256);
  out.body = std::move(kept.body);
  return out;
}

Result<std::string> HandleMonitorDiff(std::string_view from, std::string_view to,
                                      const ApiContext& ctx) {
  ASSIGN_OR_RETURN(SiteMonitor * monitor, MonitorOf(ctx));
  if (from.empty() || to.empty()) {
    return InvalidArgument(
        "expected ?from=<SHA-256>&to=<SHA-256>, as an alert's monitor.baseline_sha256 and "
        "monitor.body_sha256 name the pages");
  }
  ASSIGN_OR_RETURN(const KeptBody before, monitor->Body(from));
  ASSIGN_OR_RETURN(const KeptBody after, monitor->Body(to));
  for (const KeptBody* kept : {&before, &after}) {
    if (IsKeptScreenshot(*kept)) {
      return InvalidArgument(
          fmt::format("{} is a screenshot, not a page: only pages are compared", kept->sha256));
    }
  }
  return DiffPages(SummarisePage(before.body), SummarisePage(after.body)).ToJson();
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
  const bool screenshot = IsKeptScreenshot(kept);
  NewEvidence e;
  e.case_id = std::string(case_id);
  e.kind = "file";
  e.name =
      fmt::format("{}-{}.{}", screenshot ? "tangkapan-layar" : "halaman", kept.sha256.substr(0, 12),
                  screenshot ? "png"
                  : html     ? "html"
                             : "txt");
  e.description = fmt::format(
      "{} (SHA-256 {}, {})",
      screenshot ? "Tangkapan layar pemantauan situs / Screenshot taken by website monitoring"
                 : "Halaman yang disimpan pemantauan situs / Page body kept by website monitoring",
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
