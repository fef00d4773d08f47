#include "monitor/site_monitor.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <future>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "auth/audit.h"
#include "cases/json_text.h"
#include "core/time.h"
#include "monitor/crawl_links.h"
#include "monitor/host_addresses.h"
#include "monitor/page_screenshot.h"
#include "monitor/system_matcher.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr std::string_view kBrowserAgent =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36";
constexpr std::string_view kCrawlerAgent =
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
constexpr std::string_view kCrawlerReferer = "https://www.google.com/";
constexpr size_t kHistoryShown = 50;
// The DNS check's lookups run while the pages are fetched; a name not resolved by then is skipped
// for this check (no alert).
constexpr std::chrono::milliseconds kLookupTimeout{10000};
constexpr size_t kLookupsAtOnce = 8;
// The scheduler checks the due systems in groups of about this many fetches (two per URL and per
// internal page), which bounds the pages held in memory at once.
constexpr size_t kFetchesPerGroup = 512;

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

Result<int64_t> SystemNumber(std::string_view id) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || end != id.data() + id.size() || v <= 0) {
    return NotFound(fmt::format("no system '{}'", id));
  }
  return v;
}

bool IsHtml(const FetchResult& r) {
  std::string type = r.content_type;
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (type.find("html") != std::string::npos) return true;
  if (!type.empty()) return false;
  std::string head = r.body.substr(0, 512);
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return head.find("<html") != std::string::npos || head.find("<!doctype") != std::string::npos;
}

bool Answered(const FetchResult& r) { return r.status > 0 && r.status < 400; }

// The findings whose page is worth a picture: what the page shows is the incident.
bool WorthAScreenshot(const UrlCheck& c) {
  return std::any_of(c.findings.begin(), c.findings.end(), [](const WebFinding& f) {
    return f.kind == "defacement" || f.kind == "gambling" || f.kind == "cloaking";
  });
}

nlohmann::json FindingJson(const WebFinding& f) {
  const WebFindingKind& k = FindingKind(f.kind);
  return {{"kind", f.kind},
          {"rule_id", k.rule_id},
          {"level", k.level},
          {"summary", f.summary},
          {"evidence", f.evidence}};
}

nlohmann::json CertificateJson(const TlsCertificate& c) {
  if (!c.present) return nullptr;
  return {{"not_after", c.not_after > 0 ? nlohmann::json(FormatRfc3339(c.not_after)) : nullptr},
          {"verified", c.verified},
          {"problem", c.problem},
          {"subject", c.subject},
          {"issuer", c.issuer}};
}

nlohmann::json UrlCheckJson(const UrlCheck& c) {
  nlohmann::json findings = nlohmann::json::array();
  for (const WebFinding& f : c.findings) findings.push_back(FindingJson(f));
  auto nullable = [](const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
  };
  return {{"url", c.url},
          {"final_url", c.final_url},
          {"checked_at", FormatRfc3339(c.checked_at)},
          {"up", c.up},
          {"status", c.status},
          {"response_ms", c.response_ms},
          {"error", c.error},
          {"redirects", c.redirects},
          {"offsite_redirect", nullable(c.offsite_redirect)},
          {"certificate", CertificateJson(c.certificate)},
          {"title", c.title},
          {"body_sha256", nullable(c.body_sha256)},
          {"crawler_sha256", nullable(c.crawler_sha256)},
          {"baseline", c.baseline},
          {"addresses", c.addresses},
          {"findings", findings}};
}

Status InTransaction(sqlite::Db& db, const std::function<Status()>& work) {
  RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status s = work();
  if (s.ok()) s = db.Exec("COMMIT");
  if (!s.ok()) (void)db.Exec("ROLLBACK");
  return s;
}

// Keeps the addresses `host` resolved to now for the system; the finding when they are not those
// of its last check.
Result<std::optional<WebFinding>> RecordAddresses(sqlite::Db& db, int64_t system_no,
                                                  const std::string& host,
                                                  const std::vector<std::string>& now_addresses,
                                                  TimeNs now) {
  ASSIGN_OR_RETURN(sqlite::Stmt last, db.Prepare("SELECT addresses FROM monitor_dns WHERE "
                                                 "system_id = ? AND host = ?"));
  last.BindInt(1, system_no);
  last.BindText(2, host);
  ASSIGN_OR_RETURN(bool known, last.Step());
  const std::vector<std::string> before =
      known ? SplitAddresses(last.Text(0)) : std::vector<std::string>();
  const AddressChange change = CompareAddresses(before, now_addresses);
  ASSIGN_OR_RETURN(
      sqlite::Stmt save,
      db.Prepare("INSERT INTO monitor_dns(system_id, host, addresses, checked_at, changed_at) "
                 "VALUES(?1, ?2, ?3, ?4, ?4) ON CONFLICT(system_id, host) DO UPDATE SET "
                 "addresses = ?3, checked_at = ?4, changed_at = CASE WHEN addresses = ?3 THEN "
                 "changed_at ELSE ?4 END"));
  save.BindInt(1, system_no);
  save.BindText(2, host);
  save.BindText(3, JoinAddresses(now_addresses));
  save.BindInt(4, now);
  RETURN_IF_ERROR(save.Run());
  if (!change.changed()) return std::optional<WebFinding>();
  return std::optional<WebFinding>(
      WebFinding{"dns_changed",
                 fmt::format("{}: DNS changed (DNS berubah): now {} (was {})", host,
                             JoinAddresses(now_addresses), JoinAddresses(before)),
                 fmt::format("Host: {}\nBefore: {}\nNow: {}\nAdded: {}\nRemoved: {}\n", host,
                             JoinAddresses(before), JoinAddresses(now_addresses),
                             JoinAddresses(change.added), JoinAddresses(change.removed))});
}

Status KeepBody(sqlite::Db& db, const std::string& sha, std::string_view body,
                std::string_view content_type, TimeNs now) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db.Prepare("INSERT OR IGNORE INTO monitor_bodies(sha256, body, content_type, "
                              "first_seen) VALUES(?, ?, ?, ?)"));
  st.BindText(1, sha);
  st.BindBlobRef(2, body);
  st.BindText(3, content_type);
  st.BindInt(4, now);
  return st.Run();
}

// What a check records of the browser's and the crawler's answers (the content is judged apart).
void RecordAnswers(const FetchResult& page, const FetchResult& bot, UrlCheck& c) {
  c.final_url = page.final_url;
  c.status = page.status;
  c.up = Answered(page);
  c.response_ms = page.elapsed_ms;
  c.error = page.error;
  if (page.status >= 400 && c.error.empty()) c.error = fmt::format("HTTP {}", page.status);
  c.redirects = page.hops;
  c.offsite_redirect = page.offsite_redirect;
  if (page.status > 0) c.body_sha256 = Sha256Hex(page.body);
  if (bot.status > 0) c.crawler_sha256 = Sha256Hex(bot.body);
}

// The bodies behind a check's findings are its alerts' evidence: kept by hash (the browser's
// and, when it differs, the crawler's).
Status KeepEvidence(sqlite::Db& db, const UrlCheck& c, const FetchResult& page,
                    const FetchResult& bot, TimeNs now) {
  if (c.findings.empty()) return Status::Ok();
  if (!c.body_sha256.empty()) {
    RETURN_IF_ERROR(KeepBody(db, c.body_sha256, page.body, page.content_type, now));
  }
  if (!c.crawler_sha256.empty() && c.crawler_sha256 != c.body_sha256) {
    RETURN_IF_ERROR(KeepBody(db, c.crawler_sha256, bot.body, bot.content_type, now));
  }
  return Status::Ok();
}

struct Baseline {
  std::string body_sha256;
  std::string body;
};

Result<std::optional<Baseline>> ReadBaseline(sqlite::Db& db, int64_t system,
                                             const std::string& url) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db.Prepare("SELECT b.body_sha256, m.body FROM monitor_baselines b JOIN "
                              "monitor_bodies m ON m.sha256 = b.body_sha256 WHERE b.system_id = ? "
                              "AND b.url = ?"));
  st.BindInt(1, system);
  st.BindText(2, url);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Baseline>();
  return std::optional<Baseline>(Baseline{std::string(st.Text(0)), std::string(st.Text(1))});
}

// The alert of one finding on `c.url`; `crawled`: an internal page the crawl found, not a
// registered URL.
AlertHit MonitorHit(const WebFinding& f, const ElectronicSystem& system, const UrlCheck& c,
                    const std::string& baseline_sha256, bool crawled, TimeNs now) {
  const WebFindingKind& k = FindingKind(f.kind);
  AlertHit hit;
  hit.rule_id = std::string(k.rule_id);
  hit.rule_title = std::string(k.title);
  hit.level = std::string(k.level);
  hit.tags = {"pantau.monitor", "monitor." + f.kind};
  hit.dataset = "monitor.web";
  hit.host = UrlHost(c.url);
  hit.timestamp = now;
  hit.system_id = system.id;
  nlohmann::json fields = {{"url.full", c.url},
                           {"url.final", c.final_url},
                           {"monitor.kind", f.kind},
                           {"monitor.summary", f.summary},
                           {"monitor.evidence", f.evidence},
                           {"http.response.status_code", c.status}};
  if (!c.body_sha256.empty()) fields["monitor.body_sha256"] = c.body_sha256;
  if (!c.crawler_sha256.empty()) fields["monitor.crawler_sha256"] = c.crawler_sha256;
  if (!baseline_sha256.empty()) fields["monitor.baseline_sha256"] = baseline_sha256;
  if (crawled) fields["monitor.crawled"] = true;
  hit.fields_json = JsonText(fields);
  return hit;
}

// A system's state from its URLs': down when any is, up when all are, else unknown.
std::string WorstState(const std::vector<std::string>& states) {
  if (states.empty()) return "unknown";
  bool all_up = true;
  for (const std::string& s : states) {
    if (s == "down") return "down";
    if (s != "up") all_up = false;
  }
  return all_up ? "up" : "unknown";
}

}  // namespace

// A screenshot to take after a batch is recorded, and the alerts (indices into the batch's hits)
// that will name it.
struct SiteMonitor::ShotJob {
  std::string url;
  bool crawler = false;  // also as the crawler: the alert is cloaking
  size_t first_hit = 0, end_hit = 0;
};

std::string SystemCheck::ToJson() const {
  nlohmann::json urls_json = nlohmann::json::array();
  for (const UrlCheck& u : urls) urls_json.push_back(UrlCheckJson(u));
  nlohmann::json pages_json = nlohmann::json::array();
  for (const UrlCheck& u : pages) pages_json.push_back(UrlCheckJson(u));
  return JsonText({{"system_id", system_id},
                   {"checked_at", FormatRfc3339(checked_at)},
                   {"urls", urls_json},
                   {"pages", pages_json},
                   {"alerts", alert_rules}});
}

SiteMonitor::SiteMonitor(sqlite::Db db, const Clock& clock, SystemRegistry& registry,
                         AlertStore& alerts, std::shared_ptr<const WebTerms> terms,
                         SiteMonitorOptions options, TargetCheck allow)
    : db_(std::move(db)),
      clock_(clock),
      registry_(registry),
      alerts_(alerts),
      terms_(std::move(terms)),
      options_(std::move(options)),
      allow_(std::move(allow)) {}

SiteMonitor::~SiteMonitor() { Stop(); }

Result<std::unique_ptr<SiteMonitor>> SiteMonitor::Open(
    const std::string& data_dir, const Clock& clock, SystemRegistry& registry, AlertStore& alerts,
    std::shared_ptr<const WebTerms> terms, SiteMonitorOptions options, TargetCheck allow) {
  if (!terms) return InvalidArgument("monitor: no pattern list");
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<SiteMonitor>(new SiteMonitor(std::move(db), clock, registry, alerts,
                                                      std::move(terms), std::move(options),
                                                      std::move(allow)));
}

void SiteMonitor::Start() {
  if (!options_.schedule || thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void SiteMonitor::Stop() {
  {
    std::lock_guard lock(loop_mu_);
    stop_ = true;
  }
  cancel_.store(true);
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

// Once a second: the systems whose interval has passed since their last check, in batches of a
// bounded size (kFetchesPerGroup). A system first seen (at start, or newly registered) waits one
// interval, so that a restart does not fetch every site at once.
void SiteMonitor::Loop() {
  while (true) {
    {
      std::unique_lock lock(loop_mu_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; });
      if (stop_) return;
    }
    auto systems = registry_.List();
    if (!systems.ok()) {
      spdlog::error("monitor: cannot read the registry: {}", systems.status().ToString());
      continue;
    }
    const TimeNs now = clock_.Now();
    std::vector<ElectronicSystem> due;
    std::map<std::string, TimeNs> seen;
    for (ElectronicSystem& s : *systems) {
      if (s.status != "active" || s.urls.empty()) continue;
      const std::string id = s.id;
      const TimeNs interval = s.check_interval_s * kNsPerSecond;
      auto it = next_due_.find(id);
      TimeNs next = it == next_due_.end() ? now + interval : it->second;
      if (next <= now) {
        next = now + interval;
        due.push_back(std::move(s));
      }
      seen[id] = next;
    }
    next_due_ = std::move(seen);
    if (due.empty()) continue;
    // In groups of about kFetchesPerGroup fetches: a batch keeps every page it fetched until it
    // is recorded, so one batch of all the due systems would hold them all (1,000 URLs of
    // 100 KB pages took 257 MiB; bench/monitor_bench.py).
    const auto started = std::chrono::steady_clock::now();
    size_t systems_checked = 0, urls = 0, pages = 0;
    for (size_t first = 0; first < due.size();) {
      std::vector<ElectronicSystem> group;
      size_t fetches = 0;
      while (first < due.size() && (group.empty() || fetches < kFetchesPerGroup)) {
        const ElectronicSystem& s = due[first];
        fetches += 2 * (s.urls.size() + static_cast<size_t>(std::max<int64_t>(0, s.crawl_pages)));
        group.push_back(std::move(due[first++]));
      }
      auto checked = Check(group);
      if (!checked.ok()) {
        spdlog::error("monitor: checks not recorded: {}", checked.status().ToString());
        if (cancel_.load()) return;
        continue;
      }
      for (const SystemCheck& c : *checked) {
        ++systems_checked;
        urls += c.urls.size();
        pages += c.pages.size();
      }
    }
    // One line per scheduled cycle: how long checking the due systems took (the benchmark reads
    // it).
    spdlog::info("monitor: checked {} systems ({} URLs, {} internal pages) in {} ms",
                 systems_checked, urls, pages,
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count());
  }
}

Result<KeptBody> SiteMonitor::Body(std::string_view sha256) {
  const bool hex = sha256.size() == 64 && std::all_of(sha256.begin(), sha256.end(), [](char c) {
                     return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                   });
  if (!hex) {
    return InvalidArgument(
        fmt::format("sha256: '{}' is not 64 lowercase hexadecimal digits", sha256.substr(0, 100)));
  }
  std::lock_guard lock(db_mu_);
  ASSIGN_OR_RETURN(sqlite::Stmt st, db_.Prepare("SELECT body, content_type, first_seen FROM "
                                                "monitor_bodies WHERE sha256 = ?"));
  st.BindText(1, sha256);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return NotFound(fmt::format(
        "no page body with SHA-256 {} is kept: the monitor keeps baselines and the pages of "
        "checks that raised an alert",
        sha256));
  }
  return KeptBody{std::string(sha256), std::string(st.Text(0)), std::string(st.Text(1)), st.Int(2)};
}

Result<SystemCheck> SiteMonitor::CheckNow(std::string_view system_id) {
  ASSIGN_OR_RETURN(ElectronicSystem system, registry_.Get(system_id));
  if (system.status == "retired") {
    return FailedPrecondition(
        fmt::format("system {} is retired: set its status to active to monitor it", system.id));
  }
  if (system.urls.empty()) {
    return FailedPrecondition(
        fmt::format("system {} has no URL to check: add its URLs in the registry", system.id));
  }
  ASSIGN_OR_RETURN(std::vector<SystemCheck> checks, Check({system}));
  return std::move(checks.front());
}

Result<std::vector<SystemCheck>> SiteMonitor::Check(const std::vector<ElectronicSystem>& systems) {
  std::lock_guard run(run_mu_);
  struct Target {
    size_t system;
    std::string url;
    size_t browser = 0, crawler = 0;  // requests
    std::string refused;
  };
  std::vector<Target> targets;
  std::vector<FetchRequest> requests;
  for (size_t i = 0; i < systems.size(); ++i) {
    for (const std::string& url : systems[i].urls) {
      Target t{i, url};
      if (Status allowed = allow_ ? allow_(systems[i], url) : Status::Ok(); !allowed.ok()) {
        t.refused = allowed.message();
      } else {
        t.browser = requests.size();
        requests.push_back({url, std::string(kBrowserAgent), ""});
        t.crawler = requests.size();
        requests.push_back({url, std::string(kCrawlerAgent), std::string(kCrawlerReferer)});
      }
      targets.push_back(std::move(t));
    }
  }
  // The sitemap of each site a crawling system's URLs are on, fetched with its pages.
  struct Sitemap {
    size_t system;
    std::string base;  // the registered URL whose site it is
    size_t request;
  };
  std::vector<Sitemap> sitemaps;
  for (size_t i = 0; i < systems.size(); ++i) {
    if (systems[i].crawl_pages <= 0) continue;
    std::set<std::string> seen;
    for (const std::string& url : systems[i].urls) {
      const std::string sitemap = SitemapUrl(url);
      if (sitemap.empty() || !seen.insert(sitemap).second) continue;
      // The allow-list knows the registered URLs only: the sitemap is on the site of one.
      if (allow_ && !allow_(systems[i], url).ok()) continue;
      sitemaps.push_back({i, url, requests.size()});
      requests.push_back({sitemap, std::string(kBrowserAgent), ""});
    }
  }
  // The host names' addresses, looked up while the pages are fetched, for the DNS check.
  std::vector<std::string> hosts;
  for (const Target& t : targets) {
    if (t.refused.empty()) hosts.push_back(UrlHost(t.url));
  }
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  std::future<std::vector<std::vector<std::string>>> lookups =
      std::async(std::launch::async, ResolveHosts, hosts, kLookupTimeout, kLookupsAtOnce);
  const std::vector<FetchResult> fetched = FetchPages(requests, options_.fetch, cancel_);
  const std::vector<std::vector<std::string>> resolved = lookups.get();
  std::map<std::string, const std::vector<std::string>*> addresses_of;
  for (size_t i = 0; i < hosts.size(); ++i) addresses_of[hosts[i]] = &resolved[i];
  // Fetches cut short by a stop say nothing about the sites: nothing is recorded.
  if (cancel_.load()) return Unavailable("the server is stopping; the checks were not finished");

  // The crawl: internal pages found now are remembered; those read longest ago (or never) are
  // read now, `crawl_pages` per system, so that a large site is read in turn over the checks.
  struct Page {
    size_t system;
    std::string url;
    size_t browser = 0, crawler = 0;
  };
  std::vector<Page> pages;
  std::vector<FetchRequest> page_requests;
  const bool crawling = std::any_of(systems.begin(), systems.end(),
                                    [](const ElectronicSystem& s) { return s.crawl_pages > 0; });
  if (crawling) {
    std::vector<std::vector<std::string>> found(systems.size());
    for (const Target& t : targets) {
      if (!t.refused.empty() || systems[t.system].crawl_pages <= 0) continue;
      const FetchResult& page = fetched[t.browser];
      if (!Answered(page) || !IsHtml(page)) continue;
      const std::string base = page.final_url.empty() ? t.url : page.final_url;
      for (std::string& u : InternalLinks(base, SummarisePage(page.body), options_.crawl_known)) {
        found[t.system].push_back(std::move(u));
      }
    }
    for (const Sitemap& m : sitemaps) {
      const FetchResult& r = fetched[m.request];
      if (!Answered(r)) continue;
      for (const std::string& loc : SitemapLocations(r.body, options_.crawl_known)) {
        if (auto u = InternalPageUrl(m.base, loc)) found[m.system].push_back(std::move(*u));
      }
    }
    std::vector<std::vector<std::string>> chosen(systems.size());
    // One time for all found now: pages found together are read in the order of their URLs.
    const TimeNs found_at = clock_.Now();
    std::lock_guard lock(db_mu_);
    RETURN_IF_ERROR(InTransaction(db_, [&]() -> Status {
      for (size_t i = 0; i < systems.size(); ++i) {
        if (systems[i].crawl_pages <= 0) continue;
        ASSIGN_OR_RETURN(const int64_t system_no, SystemNumber(systems[i].id));
        std::set<std::string> registered;
        for (const std::string& url : systems[i].urls) {
          registered.insert(url);
          if (auto u = InternalPageUrl(url, url)) registered.insert(*u);
        }
        // Bounded in SQL: no more than crawl_known pages per system are remembered. When that is
        // reached, pages found gone (404, 410) make room; a dead link still on the site comes
        // back, and waits its turn after the others.
        ASSIGN_OR_RETURN(sqlite::Stmt evict,
                         db_.Prepare("DELETE FROM monitor_crawl WHERE system_id = ?1 AND status "
                                     "IN (404, 410) AND (SELECT COUNT(*) FROM monitor_crawl WHERE "
                                     "system_id = ?1) >= ?2"));
        evict.BindInt(1, system_no);
        evict.BindInt(2, static_cast<int64_t>(options_.crawl_known));
        RETURN_IF_ERROR(evict.Run());
        ASSIGN_OR_RETURN(sqlite::Stmt add,
                         db_.Prepare("INSERT INTO monitor_crawl(system_id, url, found_at) SELECT "
                                     "?1, ?2, ?3 WHERE (SELECT COUNT(*) FROM monitor_crawl WHERE "
                                     "system_id = ?1) < ?4 ON CONFLICT DO NOTHING"));
        for (const std::string& url : found[i]) {
          if (registered.contains(url)) continue;
          add.BindInt(1, system_no);
          add.BindText(2, url);
          add.BindInt(3, found_at);
          add.BindInt(4, static_cast<int64_t>(options_.crawl_known));
          RETURN_IF_ERROR(add.Run());
          add.Reset();
        }
        ASSIGN_OR_RETURN(sqlite::Stmt next,
                         db_.Prepare("SELECT url FROM monitor_crawl WHERE system_id = ? ORDER BY "
                                     "checked_at IS NOT NULL, checked_at, found_at, url LIMIT ?"));
        next.BindInt(1, system_no);
        next.BindInt(2, systems[i].crawl_pages);
        while (true) {
          ASSIGN_OR_RETURN(bool row, next.Step());
          if (!row) break;
          chosen[i].emplace_back(next.Text(0));
        }
      }
      return Status::Ok();
    }));
    for (size_t i = 0; i < systems.size(); ++i) {
      for (std::string& url : chosen[i]) {
        // The allow-list knows the registered URLs only: an internal page is fetched when it is
        // on the host and port of a registered URL that the allow-list allows now (the system
        // may have been retired, or the URL removed, since the page was found).
        const bool allowed = std::any_of(systems[i].urls.begin(), systems[i].urls.end(),
                                         [&](const std::string& registered) {
                                           return InternalPageUrl(registered, url).has_value() &&
                                                  (!allow_ || allow_(systems[i], registered).ok());
                                         });
        if (!allowed) continue;
        Page p{i, std::move(url)};
        p.browser = page_requests.size();
        page_requests.push_back({p.url, std::string(kBrowserAgent), ""});
        p.crawler = page_requests.size();
        page_requests.push_back({p.url, std::string(kCrawlerAgent), std::string(kCrawlerReferer)});
        pages.push_back(std::move(p));
      }
    }
  }
  const std::vector<FetchResult> deep = FetchPages(page_requests, options_.fetch, cancel_);
  if (cancel_.load()) return Unavailable("the server is stopping; the checks were not finished");

  std::vector<SystemCheck> out(systems.size());
  for (size_t i = 0; i < systems.size(); ++i) out[i].system_id = systems[i].id;
  std::vector<AlertHit> hits;
  std::vector<ShotJob> shots;
  auto want_shot = [&](const UrlCheck& c, size_t first_hit) {
    if (options_.screenshot.browser.empty() || !WorthAScreenshot(c)) return;
    const bool crawler = std::any_of(c.findings.begin(), c.findings.end(),
                                     [](const WebFinding& f) { return f.kind == "cloaking"; });
    shots.push_back({c.url, crawler, first_hit, hits.size()});
  };
  const TimeNs now = clock_.Now();
  std::unique_lock lock(db_mu_);
  std::set<std::pair<size_t, std::string>> dns_done;  // (system, host)
  Status recorded = InTransaction(db_, [&]() -> Status {
    for (const Target& t : targets) {
      const ElectronicSystem& system = systems[t.system];
      ASSIGN_OR_RETURN(const int64_t system_no, SystemNumber(system.id));
      UrlCheck c;
      c.url = t.url;
      c.checked_at = now;
      if (!t.refused.empty()) {
        c.error = "not fetched: " + t.refused;
        out[t.system].checked_at = now;
        out[t.system].urls.push_back(std::move(c));
        continue;
      }
      const FetchResult& page = fetched[t.browser];
      const FetchResult& bot = fetched[t.crawler];
      RecordAnswers(page, bot, c);
      c.certificate = page.certificate;

      // DNS: once per host of a system and check; an alert when the addresses changed.
      const std::string host = UrlHost(t.url);
      c.addresses = *addresses_of[host];
      if (!c.addresses.empty() && dns_done.insert({t.system, host}).second) {
        ASSIGN_OR_RETURN(std::optional<WebFinding> changed,
                         RecordAddresses(db_, system_no, host, c.addresses, now));
        if (changed) c.findings.push_back(std::move(*changed));
      }

      // Up and down: an alert when the state changes, not on every failed check.
      ASSIGN_OR_RETURN(sqlite::Stmt state,
                       db_.Prepare("SELECT failures, down FROM monitor_url_state WHERE "
                                   "system_id = ? AND url = ?"));
      state.BindInt(1, system_no);
      state.BindText(2, t.url);
      ASSIGN_OR_RETURN(bool has_state, state.Step());
      int64_t failures = has_state ? state.Int(0) : 0;
      bool down = has_state && state.Int(1) != 0;
      const bool was_down = down;
      failures = c.up ? 0 : failures + 1;
      if (!c.up && !down && failures >= options_.down_after_failures) {
        down = true;
        c.findings.push_back(
            {"down",
             fmt::format("{}: down, {} failed checks in a row ({})", t.url, failures, c.error),
             fmt::format("Last answer: {}\nResponse time: {} ms\n",
                         c.error.empty() ? "none" : c.error, c.response_ms)});
      } else if (c.up && down) {
        down = false;
        c.findings.push_back(
            {"up", fmt::format("{}: up again (HTTP {} in {} ms)", t.url, c.status, c.response_ms),
             ""});
      }
      ASSIGN_OR_RETURN(
          sqlite::Stmt save,
          db_.Prepare("INSERT INTO monitor_url_state(system_id, url, failures, down, since) "
                      "VALUES(?, ?, ?, ?, ?) ON CONFLICT(system_id, url) DO UPDATE SET "
                      "failures = excluded.failures, down = excluded.down, since = CASE WHEN "
                      "monitor_url_state.down = excluded.down THEN monitor_url_state.since ELSE "
                      "excluded.since END"));
      save.BindInt(1, system_no);
      save.BindText(2, t.url);
      save.BindInt(3, failures);
      save.BindInt(4, down ? 1 : 0);
      save.BindInt(5, now);
      RETURN_IF_ERROR(save.Run());
      (void)was_down;

      if (c.certificate.present) {
        const TimeNs left = c.certificate.not_after - now;
        if (!c.certificate.verified) {
          c.findings.push_back(
              {"cert_invalid",
               fmt::format("{}: TLS certificate does not verify: {}", t.url, c.certificate.problem),
               fmt::format("Subject: {}\nIssuer: {}\nExpires: {}\n", c.certificate.subject,
                           c.certificate.issuer,
                           c.certificate.not_after > 0 ? FormatRfc3339(c.certificate.not_after)
                                                       : "unknown")});
        } else if (c.certificate.not_after > 0 && left < options_.cert_warn_days * kNsPerDay) {
          c.findings.push_back(
              {"cert_expiring",
               fmt::format("{}: TLS certificate expires {} ({} days left)", t.url,
                           FormatRfc3339(c.certificate.not_after), left / kNsPerDay),
               fmt::format("Subject: {}\nIssuer: {}\n", c.certificate.subject,
                           c.certificate.issuer)});
        }
      }

      std::optional<Baseline> baseline;
      const bool content_checked = c.up && IsHtml(page);
      if (content_checked) {
        ASSIGN_OR_RETURN(baseline, ReadBaseline(db_, system_no, t.url));
        FetchedPage browser_view{t.url, page.final_url, page.offsite_redirect,
                                 SummarisePage(page.body)};
        c.title = browser_view.summary.title;
        std::optional<FetchedPage> crawler_view;
        if (bot.status > 0) {
          crawler_view =
              FetchedPage{t.url, bot.final_url, bot.offsite_redirect, SummarisePage(bot.body)};
        }
        std::optional<PageSummary> baseline_summary;
        if (baseline) baseline_summary = SummarisePage(baseline->body);
        c.baseline = baseline.has_value();
        for (WebFinding& f : DetectWebFindings(
                 browser_view, baseline_summary ? &*baseline_summary : nullptr,
                 crawler_view ? &*crawler_view : nullptr, *terms_, options_.detection)) {
          c.findings.push_back(std::move(f));
        }
      }

      RETURN_IF_ERROR(KeepEvidence(db_, c, page, bot, now));
      nlohmann::json findings = nlohmann::json::array();
      for (const WebFinding& f : c.findings) findings.push_back(FindingJson(f));
      ASSIGN_OR_RETURN(
          sqlite::Stmt insert,
          db_.Prepare("INSERT INTO monitor_checks(system_id, url, checked_at, up, status, "
                      "response_ms, error, final_url, cert_not_after, cert_verified, "
                      "cert_problem, body_sha256, crawler_sha256, title, findings, details) "
                      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      insert.BindInt(1, system_no);
      insert.BindText(2, t.url);
      insert.BindInt(3, now);
      insert.BindInt(4, c.up ? 1 : 0);
      insert.BindInt(5, c.status);
      insert.BindInt(6, c.response_ms);
      insert.BindText(7, c.error);
      insert.BindText(8, c.final_url);
      if (c.certificate.present) {
        insert.BindInt(9, c.certificate.not_after);
        insert.BindInt(10, c.certificate.verified ? 1 : 0);
        insert.BindText(11, c.certificate.problem);
      } else {
        insert.BindNull(9);
        insert.BindNull(10);
        insert.BindNull(11);
      }
      auto text_or_null = [&insert](int i, const std::string& s) {
        if (s.empty()) {
          insert.BindNull(i);
        } else {
          insert.BindText(i, s);
        }
      };
      text_or_null(12, c.body_sha256);
      text_or_null(13, c.crawler_sha256);
      if (content_checked) {
        insert.BindText(14, c.title);
      } else {
        insert.BindNull(14);
      }
      insert.BindText(15, JsonText(findings));
      insert.BindText(16, JsonText(UrlCheckJson(c)));
      RETURN_IF_ERROR(insert.Run());
      ASSIGN_OR_RETURN(
          sqlite::Stmt prune,
          db_.Prepare("DELETE FROM monitor_checks WHERE system_id = ?1 AND url = ?2 AND id <= "
                      "(SELECT id FROM monitor_checks WHERE system_id = ?1 AND url = ?2 ORDER BY "
                      "id DESC LIMIT 1 OFFSET ?3)"));
      prune.BindInt(1, system_no);
      prune.BindText(2, t.url);
      prune.BindInt(3, static_cast<int64_t>(std::max<size_t>(1, options_.history)));
      RETURN_IF_ERROR(prune.Run());

      const size_t first_hit = hits.size();
      for (const WebFinding& f : c.findings) {
        AlertHit hit =
            MonitorHit(f, system, c, baseline ? baseline->body_sha256 : std::string(), false, now);
        out[t.system].alert_rules.push_back(hit.rule_id);
        hits.push_back(std::move(hit));
      }
      want_shot(c, first_hit);
      out[t.system].checked_at = now;
      out[t.system].urls.push_back(std::move(c));
    }

    // Internal pages: no baseline, and no up and down alerts (a page removed from a site is not
    // an outage).
    for (const Page& p : pages) {
      const ElectronicSystem& system = systems[p.system];
      ASSIGN_OR_RETURN(const int64_t system_no, SystemNumber(system.id));
      const FetchResult& page = deep[p.browser];
      const FetchResult& bot = deep[p.crawler];
      UrlCheck c;
      c.url = p.url;
      c.checked_at = now;
      RecordAnswers(page, bot, c);
      if (c.up && IsHtml(page)) {
        FetchedPage browser_view{p.url, page.final_url, page.offsite_redirect,
                                 SummarisePage(page.body)};
        c.title = browser_view.summary.title;
        std::optional<FetchedPage> crawler_view;
        if (bot.status > 0) {
          crawler_view =
              FetchedPage{p.url, bot.final_url, bot.offsite_redirect, SummarisePage(bot.body)};
        }
        c.findings =
            DetectWebFindings(browser_view, nullptr, crawler_view ? &*crawler_view : nullptr,
                              *terms_, options_.detection);
      }
      RETURN_IF_ERROR(KeepEvidence(db_, c, page, bot, now));
      nlohmann::json findings = nlohmann::json::array();
      for (const WebFinding& f : c.findings) findings.push_back(FindingJson(f));
      ASSIGN_OR_RETURN(sqlite::Stmt save,
                       db_.Prepare("UPDATE monitor_crawl SET checked_at = ?3, status = ?4, "
                                   "findings = ?5 WHERE system_id = ?1 AND url = ?2"));
      save.BindInt(1, system_no);
      save.BindText(2, p.url);
      save.BindInt(3, now);
      save.BindInt(4, c.status);
      save.BindText(5, JsonText(findings));
      RETURN_IF_ERROR(save.Run());
      const size_t first_hit = hits.size();
      for (const WebFinding& f : c.findings) {
        AlertHit hit = MonitorHit(f, system, c, "", true, now);
        out[p.system].alert_rules.push_back(hit.rule_id);
        hits.push_back(std::move(hit));
      }
      want_shot(c, first_hit);
      out[p.system].pages.push_back(std::move(c));
    }
    return Status::Ok();
  });
  if (!recorded.ok()) return recorded;
  lock.unlock();
  RETURN_IF_ERROR(TakeScreenshots(shots, hits, now));
  RETURN_IF_ERROR(alerts_.Record(hits));
  return out;
}

// After the batch is recorded, without the database's lock: at most `screenshots_per_batch`
// pictures (registered URLs first, as the checks listed them), each bounded by the browser's
// timeout. The page's content alerts name them; a picture that could not be taken leaves them
// with `monitor.screenshot_error`.
Status SiteMonitor::TakeScreenshots(const std::vector<ShotJob>& shots, std::vector<AlertHit>& hits,
                                    TimeNs now) {
  size_t taken = 0;
  for (const ShotJob& job : shots) {
    struct View {
      std::string_view agent, field;
    };
    std::vector<View> views = {{kBrowserAgent, "monitor.screenshot_sha256"}};
    if (job.crawler) views.push_back({kCrawlerAgent, "monitor.crawler_screenshot_sha256"});
    for (const View& view : views) {
      std::string sha, error;
      if (taken >= options_.screenshots_per_batch) {
        error = fmt::format("not taken: at most {} screenshots per batch of checks",
                            options_.screenshots_per_batch);
      } else if (cancel_.load()) {
        error = "not taken: the server is stopping";
      } else {
        ++taken;
        auto png = TakeScreenshot(options_.screenshot, job.url, view.agent, cancel_);
        if (png.ok()) {
          sha = Sha256Hex(*png);
          std::lock_guard lock(db_mu_);
          RETURN_IF_ERROR(KeepBody(db_, sha, *png, "image/png", now));
        } else {
          error = png.status().message();
          spdlog::warn("monitor: no screenshot of {}: {}", job.url, error);
        }
      }
      for (size_t i = job.first_hit; i < job.end_hit; ++i) {
        nlohmann::json fields = nlohmann::json::parse(hits[i].fields_json);
        // The page's content alerts name the pictures; its availability, certificate and DNS
        // alerts are not about what it shows.
        static const std::set<std::string> kNotAboutContent = {"down", "up", "cert_expiring",
                                                               "cert_invalid", "dns_changed"};
        if (kNotAboutContent.contains(fields.value("monitor.kind", ""))) continue;
        if (!sha.empty()) {
          fields[std::string(view.field)] = sha;
        } else {
          // One error per alert: the browser's view's, or else the crawler's.
          if (!fields.contains("monitor.screenshot_error")) {
            fields["monitor.screenshot_error"] = error;
          }
        }
        hits[i].fields_json = JsonText(fields);
      }
    }
  }
  return Status::Ok();
}

Result<std::string> SiteMonitor::ApproveBaseline(std::string_view system_id, const Actor& actor) {
  ASSIGN_OR_RETURN(ElectronicSystem system, registry_.Get(system_id));
  ASSIGN_OR_RETURN(const int64_t system_no, SystemNumber(system.id));
  if (system.urls.empty()) {
    return FailedPrecondition(
        fmt::format("system {} has no URL: add its URLs in the registry first", system.id));
  }
  std::lock_guard run(run_mu_);
  std::vector<FetchRequest> requests;
  std::vector<std::string> refused(system.urls.size());
  std::vector<size_t> request_of(system.urls.size(), SIZE_MAX);
  for (size_t i = 0; i < system.urls.size(); ++i) {
    if (Status allowed = allow_ ? allow_(system, system.urls[i]) : Status::Ok(); !allowed.ok()) {
      refused[i] = allowed.message();
      continue;
    }
    request_of[i] = requests.size();
    requests.push_back({system.urls[i], std::string(kBrowserAgent), ""});
  }
  const std::vector<FetchResult> fetched = FetchPages(requests, options_.fetch, cancel_);
  if (cancel_.load()) return Unavailable("the server is stopping; no baseline was taken");
  const TimeNs now = clock_.Now();
  nlohmann::json items = nlohmann::json::array();
  nlohmann::json skipped = nlohmann::json::array();
  std::lock_guard lock(db_mu_);
  Status s = InTransaction(db_, [&]() -> Status {
    for (size_t i = 0; i < system.urls.size(); ++i) {
      const std::string& url = system.urls[i];
      if (request_of[i] == SIZE_MAX) {
        skipped.push_back({{"url", url}, {"error", "not fetched: " + refused[i]}});
        continue;
      }
      const FetchResult& r = fetched[request_of[i]];
      if (!Answered(r) || !IsHtml(r)) {
        std::string why = r.error;
        if (why.empty()) {
          why = Answered(r) ? fmt::format("not an HTML page ({})", r.content_type)
                            : fmt::format("HTTP {}", r.status);
        }
        skipped.push_back({{"url", url}, {"error", why}});
        continue;
      }
      const std::string sha = Sha256Hex(r.body);
      RETURN_IF_ERROR(KeepBody(db_, sha, r.body, r.content_type, now));
      ASSIGN_OR_RETURN(sqlite::Stmt st,
                       db_.Prepare("INSERT INTO monitor_baselines(system_id, url, body_sha256, "
                                   "final_url, approved_by, approved_at) VALUES(?, ?, ?, ?, ?, ?) "
                                   "ON CONFLICT(system_id, url) DO UPDATE SET body_sha256 = "
                                   "excluded.body_sha256, final_url = excluded.final_url, "
                                   "approved_by = excluded.approved_by, approved_at = "
                                   "excluded.approved_at"));
      st.BindInt(1, system_no);
      st.BindText(2, url);
      st.BindText(3, sha);
      st.BindText(4, r.final_url);
      st.BindText(5, actor.name);
      st.BindInt(6, now);
      RETURN_IF_ERROR(st.Run());
      items.push_back({{"url", url},
                       {"body_sha256", sha},
                       {"title", SummarisePage(r.body).title},
                       {"approved_by", actor.name},
                       {"approved_at", FormatRfc3339(now)}});
    }
    if (items.empty()) return Status::Ok();
    nlohmann::json details = {{"system_id", system.id}, {"baselines", nlohmann::json::array()}};
    for (const auto& item : items) {
      details["baselines"].push_back({{"url", item["url"]}, {"body_sha256", item["body_sha256"]}});
    }
    return AppendAudit(db_, now, actor.name, "monitor.baseline", "system:" + system.id,
                       JsonText(details))
        .status();
  });
  if (!s.ok()) return s;
  if (items.empty()) {
    std::string why;
    for (const auto& k : skipped) {
      why += fmt::format("{}: {}; ", k["url"].get<std::string>(), k["error"].get<std::string>());
    }
    return FailedPrecondition("no page could be taken as the baseline: " + why);
  }
  return JsonText({{"system_id", system.id}, {"items", items}, {"skipped", skipped}});
}

Result<std::string> SiteMonitor::StatusJson(std::string_view system_id) {
  ASSIGN_OR_RETURN(ElectronicSystem system, registry_.Get(system_id));
  ASSIGN_OR_RETURN(const int64_t system_no, SystemNumber(system.id));
  nlohmann::json urls = nlohmann::json::array();
  std::lock_guard lock(db_mu_);
  for (const std::string& url : system.urls) {
    nlohmann::json u = {{"url", url}};
    ASSIGN_OR_RETURN(sqlite::Stmt state,
                     db_.Prepare("SELECT failures, down, since FROM monitor_url_state WHERE "
                                 "system_id = ? AND url = ?"));
    state.BindInt(1, system_no);
    state.BindText(2, url);
    ASSIGN_OR_RETURN(bool has_state, state.Step());
    u["state"] = !has_state ? "unknown" : state.Int(1) != 0 ? "down" : "up";
    u["consecutive_failures"] = has_state ? state.Int(0) : 0;
    u["since"] = has_state ? nlohmann::json(FormatRfc3339(state.Int(2))) : nlohmann::json();

    ASSIGN_OR_RETURN(sqlite::Stmt base,
                     db_.Prepare("SELECT body_sha256, final_url, approved_by, approved_at FROM "
                                 "monitor_baselines WHERE system_id = ? AND url = ?"));
    base.BindInt(1, system_no);
    base.BindText(2, url);
    ASSIGN_OR_RETURN(bool has_base, base.Step());
    u["baseline"] = has_base ? nlohmann::json{{"body_sha256", base.Text(0)},
                                              {"final_url", base.Text(1)},
                                              {"approved_by", base.Text(2)},
                                              {"approved_at", FormatRfc3339(base.Int(3))}}
                             : nlohmann::json();

    auto last = [&](std::string_view where) -> Result<nlohmann::json> {
      ASSIGN_OR_RETURN(sqlite::Stmt st,
                       db_.Prepare(fmt::format("SELECT details FROM monitor_checks WHERE "
                                               "system_id = ? AND url = ? {} ORDER BY id DESC "
                                               "LIMIT 1",
                                               where)));
      st.BindInt(1, system_no);
      st.BindText(2, url);
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return nlohmann::json();
      nlohmann::json j = nlohmann::json::parse(st.Text(0), nullptr, false);
      return j.is_discarded() ? nlohmann::json() : j;
    };
    ASSIGN_OR_RETURN(u["last_check"], last(""));
    ASSIGN_OR_RETURN(u["last_content_check"], last("AND title IS NOT NULL"));
    ASSIGN_OR_RETURN(nlohmann::json cert_check, last("AND cert_verified IS NOT NULL"));
    u["certificate"] = cert_check.is_object() && cert_check.contains("certificate")
                           ? cert_check["certificate"]
                           : nlohmann::json();

    ASSIGN_OR_RETURN(sqlite::Stmt history,
                     db_.Prepare("SELECT checked_at, up, status, response_ms FROM monitor_checks "
                                 "WHERE system_id = ? AND url = ? ORDER BY id DESC LIMIT ?"));
    history.BindInt(1, system_no);
    history.BindText(2, url);
    history.BindInt(3, static_cast<int64_t>(kHistoryShown));
    nlohmann::json h = nlohmann::json::array();
    while (true) {
      ASSIGN_OR_RETURN(bool row, history.Step());
      if (!row) break;
      h.push_back({{"at", FormatRfc3339(history.Int(0))},
                   {"up", history.Int(1) != 0},
                   {"status", history.Int(2)},
                   {"response_ms", history.Int(3)}});
    }
    u["history"] = h;
    urls.push_back(std::move(u));
  }
  ASSIGN_OR_RETURN(const int64_t open_alerts, OpenAlertsLocked(system.id));
  // The crawl: how many internal pages are known and read, and those whose last read found
  // something (at most 100, the latest first).
  nlohmann::json crawl = {{"pages", 0}, {"checked", 0}, {"with_findings", nlohmann::json::array()}};
  ASSIGN_OR_RETURN(sqlite::Stmt counts,
                   db_.Prepare("SELECT COUNT(*), COUNT(checked_at) FROM monitor_crawl WHERE "
                               "system_id = ?"));
  counts.BindInt(1, system_no);
  ASSIGN_OR_RETURN(bool has_counts, counts.Step());
  if (has_counts) {
    crawl["pages"] = counts.Int(0);
    crawl["checked"] = counts.Int(1);
  }
  ASSIGN_OR_RETURN(sqlite::Stmt flagged,
                   db_.Prepare("SELECT url, checked_at, status, findings FROM monitor_crawl WHERE "
                               "system_id = ? AND findings != '[]' ORDER BY checked_at DESC, url "
                               "LIMIT 100"));
  flagged.BindInt(1, system_no);
  while (true) {
    ASSIGN_OR_RETURN(bool row, flagged.Step());
    if (!row) break;
    nlohmann::json findings = nlohmann::json::parse(flagged.Text(3), nullptr, false);
    crawl["with_findings"].push_back(
        {{"url", flagged.Text(0)},
         {"checked_at", FormatRfc3339(flagged.Int(1))},
         {"status", flagged.Int(2)},
         {"findings", findings.is_array() ? findings : nlohmann::json::array()}});
  }
  return JsonText({{"system_id", system.id},
                   {"name", system.name},
                   {"status", system.status},
                   {"check_interval_s", system.check_interval_s},
                   {"crawl_pages", system.crawl_pages},
                   {"open_alerts", open_alerts},
                   {"urls", urls},
                   {"crawl", crawl}});
}

// Alerts live in the same database (cases/alerts.h); counting them here with SQL keeps the
// board to one query per system instead of paging through the alert list.
Result<int64_t> SiteMonitor::OpenAlertsLocked(const std::string& system_id) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT COUNT(*) FROM alerts WHERE dataset = 'monitor.web' AND "
                               "system_id = ? AND status != 'closed'"));
  st.BindText(1, system_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Result<std::vector<SiteMonitor::UrlState>> SiteMonitor::UrlStatesLocked(
    const ElectronicSystem& system) {
  ASSIGN_OR_RETURN(const int64_t system_no, SystemNumber(system.id));
  // Four lookups per URL, each prepared once for all the system's URLs (the board asks for every
  // system at each refresh).
  ASSIGN_OR_RETURN(sqlite::Stmt state,
                   db_.Prepare("SELECT down FROM monitor_url_state WHERE system_id = ? AND "
                               "url = ?"));
  ASSIGN_OR_RETURN(sqlite::Stmt last,
                   db_.Prepare("SELECT checked_at, response_ms, up FROM monitor_checks WHERE "
                               "system_id = ? AND url = ? ORDER BY id DESC LIMIT 1"));
  ASSIGN_OR_RETURN(sqlite::Stmt cert,
                   db_.Prepare("SELECT cert_not_after, cert_verified FROM monitor_checks WHERE "
                               "system_id = ? AND url = ? AND cert_verified IS NOT NULL ORDER BY "
                               "id DESC LIMIT 1"));
  ASSIGN_OR_RETURN(sqlite::Stmt content,
                   db_.Prepare("SELECT checked_at, json_array_length(findings) FROM "
                               "monitor_checks WHERE system_id = ? AND url = ? AND title IS NOT "
                               "NULL ORDER BY id DESC LIMIT 1"));
  std::vector<UrlState> out;
  for (const std::string& url : system.urls) {
    // The statement's row for this URL, if any; read before the next Reset.
    auto row_of = [&](sqlite::Stmt& st) -> Result<bool> {
      st.Reset();
      st.BindInt(1, system_no);
      st.BindText(2, url);
      return st.Step();
    };
    UrlState u;
    u.url = url;
    ASSIGN_OR_RETURN(const bool has_state, row_of(state));
    if (has_state) u.state = state.Int(0) != 0 ? "down" : "up";
    ASSIGN_OR_RETURN(const bool has_last, row_of(last));
    if (has_last) {
      u.checked_at = last.Int(0);
      u.response_ms = last.Int(1);
      u.last_up = last.Int(2) != 0;
    }
    ASSIGN_OR_RETURN(const bool has_cert, row_of(cert));
    if (has_cert) {
      u.cert_not_after = cert.Int(0);
      u.cert_verified = cert.Int(1) != 0;
    }
    ASSIGN_OR_RETURN(const bool has_content, row_of(content));
    if (has_content) {
      u.content_checked_at = content.Int(0);
      u.content_findings = content.Int(1);
    }
    out.push_back(std::move(u));
  }
  return out;
}

Result<std::string> SiteMonitor::BoardJson() {
  ASSIGN_OR_RETURN(std::vector<ElectronicSystem> systems, registry_.List());
  const TimeNs now = clock_.Now();
  nlohmann::json items = nlohmann::json::array();
  std::lock_guard lock(db_mu_);
  for (const ElectronicSystem& system : systems) {
    if (system.status == "retired" || system.urls.empty()) continue;
    ASSIGN_OR_RETURN(std::vector<UrlState> states, UrlStatesLocked(system));
    std::vector<std::string> names;
    nlohmann::json urls = nlohmann::json::array();
    TimeNs checked_at = 0, cert_not_after = 0, content_at = 0;
    int64_t response_ms = -1, findings = 0;
    bool cert_verified = true, any_cert = false;
    for (const UrlState& u : states) {
      names.push_back(u.state);
      urls.push_back(
          {{"url", u.url},
           {"state", u.state},
           {"response_ms", u.checked_at > 0 ? nlohmann::json(u.response_ms) : nlohmann::json()}});
      checked_at = std::max(checked_at, u.checked_at);
      if (u.checked_at > 0 && u.last_up) response_ms = std::max(response_ms, u.response_ms);
      if (u.cert_not_after > 0) {
        // The certificate that runs out first is the one to renew first.
        if (!any_cert || u.cert_not_after < cert_not_after) cert_not_after = u.cert_not_after;
        any_cert = true;
      }
      if (u.cert_not_after != 0 || u.cert_verified.has_value()) {
        cert_verified = cert_verified && u.cert_verified.value_or(true);
      }
      if (u.content_checked_at > 0) {
        content_at = std::max(content_at, u.content_checked_at);
        findings += u.content_findings;
      }
    }
    ASSIGN_OR_RETURN(const int64_t open_alerts, OpenAlertsLocked(system.id));
    items.push_back(
        {{"system_id", system.id},
         {"name", system.name},
         {"criticality", system.criticality},
         {"status", system.status},
         {"state", WorstState(names)},
         {"checked_at", checked_at > 0 ? nlohmann::json(FormatRfc3339(checked_at)) : nullptr},
         {"response_ms", response_ms >= 0 ? nlohmann::json(response_ms) : nullptr},
         {"cert_not_after", any_cert ? nlohmann::json(FormatRfc3339(cert_not_after)) : nullptr},
         {"cert_days_left",
          any_cert ? nlohmann::json((cert_not_after - now) / kNsPerDay) : nullptr},
         {"cert_verified", any_cert ? nlohmann::json(cert_verified) : nullptr},
         {"last_content_check",
          content_at > 0 ? nlohmann::json{{"at", FormatRfc3339(content_at)}, {"findings", findings}}
                         : nlohmann::json()},
         {"open_alerts", open_alerts},
         {"urls", urls}});
  }
  return JsonText({{"generated_at", FormatRfc3339(now)}, {"items", items}});
}

Result<std::string> SiteMonitor::PublicStatusJson() {
  ASSIGN_OR_RETURN(std::vector<ElectronicSystem> systems, registry_.List());
  nlohmann::json out = nlohmann::json::array();
  std::lock_guard lock(db_mu_);
  for (const ElectronicSystem& system : systems) {
    if (!system.public_status || system.status == "retired" || system.urls.empty()) continue;
    ASSIGN_OR_RETURN(std::vector<UrlState> states, UrlStatesLocked(system));
    std::vector<std::string> names;
    int64_t response_ms = -1;
    for (const UrlState& u : states) {
      names.push_back(u.state);
      if (u.checked_at > 0 && u.last_up) response_ms = std::max(response_ms, u.response_ms);
    }
    out.push_back({{"name", system.name},
                   {"state", WorstState(names)},
                   {"response_ms", response_ms >= 0 ? nlohmann::json(response_ms) : nullptr}});
  }
  return JsonText({{"generated_at", FormatRfc3339(clock_.Now())}, {"systems", out}});
}

}  // namespace pantau
