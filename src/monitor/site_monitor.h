// The website monitor: checks every URL of each active system of the registry on the system's own
// interval (check_interval_s), and on demand, and turns what it finds into alerts in the same
// queue as the logs' (dataset monitor.web, cases/alerts.h). For each URL one batch fetches the
// page twice at once (site_fetcher.h): as a browser, and as a search-engine crawler (Googlebot's
// user agent and a Google referrer) to see cloaking. It records availability (status, response
// time, redirects), the TLS certificate, and the page's content summary, and compares the page
// with the baseline an operator approved (web_detections.h). Down and up again are alerts too,
// after `down_after_failures` failed checks in a row, and so is a certificate that does not verify
// or expires within `cert_warn_days`. docs/monitoring.md is the users' guide.
//
// Only URLs of the registry are fetched, and each passes `TargetCheck` first (app wires the
// assessments' allow-list, assess/allow_list.h, which cannot be linked from here).
//
// Each check also reads a few internal pages of the site (the system's `crawl_pages`, default 20):
// found in its sitemap.xml and in the links of the registered pages, only on a registered URL's
// host and port (crawl_links.h), and read in turn over the checks, since injected gambling pages
// often sit deep in a site. They get the detections that need no baseline (gambling, defacement,
// cloaking), and are kept in monitor_crawl.
//
// Kept in DATA/pantau.db: baselines (monitor_baselines), each check (monitor_checks, the last
// `history` per URL), the up/down state (monitor_url_state), and the bodies of baselines and of
// pages that raised an alert by their SHA-256 (monitor_bodies), which the alerts name.
//
// When a headless browser is configured (options.screenshot), a page that raised a defacement,
// gambling or cloaking alert is also screenshotted (page_screenshot.h), as the crawler too for
// cloaking, after its batch is recorded and before the alerts are: a bounded number per batch,
// each within the browser's timeout. The PNGs are kept in monitor_bodies (content type
// image/png) and named by the alerts' monitor.screenshot_sha256 and
// monitor.crawler_screenshot_sha256.
//
// Thread-safety: all methods may be called from any thread; checks run one batch at a time (a
// check asked for waits for the scheduled batch in flight).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cases/alerts.h"
#include "cases/workflow.h"
#include "core/clock.h"
#include "core/status.h"
#include "monitor/page_screenshot.h"
#include "monitor/registry.h"
#include "monitor/site_fetcher.h"
#include "monitor/web_detections.h"
#include "store/sqlite/db.h"

namespace pantau {

struct SiteMonitorOptions {
  FetchOptions fetch;
  DetectionOptions detection;
  int down_after_failures = 3;
  int cert_warn_days = 14;
  bool schedule = true;  // false: only checks asked for through the API run
  size_t history = 500;  // checks kept per URL
  // Internal pages remembered per system for the crawl (each system reads its `crawl_pages` of
  // them per check, those read longest ago first).
  size_t crawl_known = 1000;
  // Screenshots of the pages that raised a defacement, gambling or cloaking alert (off while
  // screenshot.browser is empty), taken after each batch is recorded, at most this many per batch.
  ScreenshotOptions screenshot;
  size_t screenshots_per_batch = 4;
};

// Whether the monitor may fetch `url` for `system`; the error says why not.
using TargetCheck = std::function<Status(const ElectronicSystem& system, const std::string& url)>;

// One URL's check.
struct UrlCheck {
  std::string url, final_url;
  TimeNs checked_at = 0;
  bool up = false;  // answered with a status below 400
  long status = 0;  // 0: no answer
  int64_t response_ms = 0;
  std::string error;
  std::vector<std::string> redirects;
  std::string offsite_redirect;
  TlsCertificate certificate;
  std::string title;
  std::string body_sha256, crawler_sha256;  // empty: no body
  bool baseline = false;                    // compared with an approved baseline
  std::vector<std::string> addresses;       // the host name's, sorted; empty: an IP or no answer
  std::vector<WebFinding> findings;
};

struct SystemCheck {
  std::string system_id;
  TimeNs checked_at = 0;
  std::vector<UrlCheck> urls;
  // Internal pages read by the crawl: availability and the detections that need no baseline.
  std::vector<UrlCheck> pages;
  std::vector<std::string> alert_rules;  // rule ids of the alerts recorded
  // {"system_id", "checked_at", "urls": [...], "pages": [...], "alerts": [rule ids]}
  std::string ToJson() const;
};

// A page body kept in monitor_bodies: a baseline, or a view of a check that raised an alert.
struct KeptBody {
  std::string sha256, body, content_type;
  TimeNs first_seen = 0;
};

class SiteMonitor {
 public:
  static Result<std::unique_ptr<SiteMonitor>> Open(const std::string& data_dir, const Clock& clock,
                                                   SystemRegistry& registry, AlertStore& alerts,
                                                   std::shared_ptr<const WebTerms> terms,
                                                   SiteMonitorOptions options, TargetCheck allow);
  ~SiteMonitor();

  // The scheduler's thread (when options.schedule); Stop cancels fetches in flight and joins it.
  void Start();
  void Stop();

  // Runs every check of the system now and records what they found. NotFound for an unknown
  // system; FailedPrecondition when it has no URL or is retired.
  Result<SystemCheck> CheckNow(std::string_view system_id);

  // Fetches the system's pages and approves them as its baseline, replacing the one before; URLs
  // that did not answer with an HTML page keep theirs. Audited (monitor.baseline).
  // {"system_id", "items": [{"url", "body_sha256", "title", "approved_by", "approved_at"}],
  //  "skipped": [{"url", "error"}]}; FailedPrecondition when no page could be taken.
  Result<std::string> ApproveBaseline(std::string_view system_id, const Actor& actor);

  // {"system_id", "name", "check_interval_s", "urls": [{"url", "state", "consecutive_failures",
  //  "since", "baseline", "last_check", "last_content_check", "certificate", "history"}]}
  Result<std::string> StatusJson(std::string_view system_id);

  // Every system that is not retired and has URLs, by name, for the status board:
  // {"generated_at", "items": [{"system_id", "name", "criticality", "status", "state",
  //  "checked_at", "response_ms", "cert_not_after", "cert_days_left", "cert_verified",
  //  "last_content_check": {"at", "findings"}, "open_alerts", "urls": [{"url", "state",
  //  "response_ms"}]}]}. A system is down when any of its URLs is, up when all are.
  Result<std::string> BoardJson();

  // Only systems an admin marked `public_status`, and of them only the name, whether they are up
  // and the response time of their last check: {"generated_at", "systems": [{"name", "state",
  // "response_ms"}]}.
  Result<std::string> PublicStatusJson();

  // The body kept under `sha256` (64 lowercase hex digits, as the alerts' monitor.body_sha256,
  // monitor.crawler_sha256, monitor.baseline_sha256 and the screenshots' fields name it).
  // InvalidArgument for another form; NotFound when none is kept.
  Result<KeptBody> Body(std::string_view sha256);

 private:
  SiteMonitor(sqlite::Db db, const Clock& clock, SystemRegistry& registry, AlertStore& alerts,
              std::shared_ptr<const WebTerms> terms, SiteMonitorOptions options, TargetCheck allow);
  Result<std::vector<SystemCheck>> Check(const std::vector<ElectronicSystem>& systems);
  struct ShotJob;  // site_monitor.cc
  Status TakeScreenshots(const std::vector<ShotJob>& shots, std::vector<AlertHit>& hits,
                         TimeNs now);
  void Loop();

  // What the board and the public export show of one URL. REQUIRES: db_mu_ held.
  struct UrlState {
    std::string url;
    std::string state = "unknown";  // up, down, unknown (never checked)
    TimeNs checked_at = 0;          // of the last check; 0: none
    int64_t response_ms = 0;
    bool last_up = false;
    TimeNs cert_not_after = 0;  // of the last https answer; 0: none
    std::optional<bool> cert_verified;
    TimeNs content_checked_at = 0;  // of the last check that read the page; 0: none
    int64_t content_findings = 0;
  };
  Result<std::vector<UrlState>> UrlStatesLocked(const ElectronicSystem& system);
  Result<int64_t> OpenAlertsLocked(const std::string& system_id);

  std::mutex db_mu_;
  sqlite::Db db_;  // GUARDED_BY(db_mu_)
  const Clock& clock_;
  SystemRegistry& registry_;
  AlertStore& alerts_;
  const std::shared_ptr<const WebTerms> terms_;
  const SiteMonitorOptions options_;
  const TargetCheck allow_;

  std::mutex run_mu_;  // one batch of checks at a time
  std::atomic<bool> cancel_{false};
  std::mutex loop_mu_;
  std::condition_variable wake_;
  bool stop_ = false;                       // GUARDED_BY(loop_mu_)
  std::map<std::string, TimeNs> next_due_;  // by system id; only the scheduler's thread
  std::thread thread_;
};

}  // namespace pantau
