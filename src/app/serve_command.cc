// `pantau serve`: everything in one process. Start order: store, keys, alerts, cases and rules,
// the log template index, pipeline, listeners, HTTP, the demo feed (--demo); stop order is the
// reverse, so every listener and the demo feed hand over what they read or wrote before the
// pipeline drains into the store (and saves the template state).
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

#include "api/http_server.h"
#include "app/anomaly_detection.h"
#include "app/commands.h"
#include "app/live_detection.h"
#include "assess/allow_list.h"
#include "assess/assessments.h"
#include "auth/api_keys.h"
#include "auth/users.h"
#include "cases/alerts.h"
#include "cases/attack_library.h"
#include "cases/cases.h"
#include "cases/evidence.h"
#include "cases/notes.h"
#include "cases/timeline.h"
#include "core/files.h"
#include "detect/anomaly/detector_config.h"
#include "docs/case_documents.h"
#include "ingest/demo_feed.h"
#include "ingest/event_hook.h"
#include "ingest/listener.h"
#include "ingest/pipeline.h"
#include "monitor/site_monitor.h"
#include "notify/notify_service.h"
#include "scan/malware_scanner.h"
#include "store/event_store.h"

namespace pantau {
namespace {

// DATA/ports.json tells scripts and tests which ports were chosen (port 0 picks free ones).
Status WritePorts(const std::string& data_dir, uint16_t http,
                  const std::vector<std::unique_ptr<Listener>>& listeners) {
  std::string json = "{\"http\":" + std::to_string(http);
  for (const auto& l : listeners) {
    std::string name = InputName(l->input());
    std::replace(name.begin(), name.end(), '-', '_');
    json += ",\"" + name + "\":" + std::to_string(l->port());
  }
  json += "}\n";
  const std::string path = data_dir + "/ports.json";
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << json;
    if (!out) return Internal("cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);  // readers never see half a file
  if (ec) return Internal("cannot write " + path + ": " + ec.message());
  return Status::Ok();
}

// Every connection and day file is a descriptor; the usual soft limit of 1024 is below what the
// listeners allow. Raise it to the hard limit.
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Malware scanning of evidence; ClamAV unpacks archives into DATA/tmp/scan.
Result<std::unique_ptr<MalwareScanner>> OpenMalwareScanner(const Config& config,
                                                           const Clock& clock) {
  MalwareScannerOptions o;
  o.yara_rules_dir = config.scan.yara_rules_dir;
  o.clamav_db_dir = config.scan.clamav_db_dir;
  o.max_bytes = config.scan.max_bytes;
  o.timeout_s = config.scan.timeout_s;
  o.temp_dir = config.data_dir + "/tmp/scan";
  std::error_code ec;
  std::filesystem::create_directories(o.temp_dir, ec);
  if (ec) return Internal("cannot create " + o.temp_dir + ": " + ec.message());
  return MalwareScanner::Open(clock, std::move(o));
}

// Whether `program` (a path, or a name looked up in PATH as posix_spawnp does) can be run.
Status CheckExecutable(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    if (access(program.c_str(), X_OK) == 0) return Status::Ok();
    return InvalidArgument(fmt::format("'{}' is not an executable file", program));
  }
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    const size_t colon = std::min(dirs.find(':'), dirs.size());
    const std::string candidate = fmt::format("{}/{}", dirs.substr(0, colon), program);
    if (access(candidate.c_str(), X_OK) == 0) return Status::Ok();
    dirs.remove_prefix(std::min(colon + 1, dirs.size()));
  }
  return InvalidArgument(
      fmt::format("'{}' is not found in PATH (install Chromium, e.g. Debian's "
                  "chromium package, or give the binary's full path)",
                  program));
}

// The website monitor, fetching only what the assessments' allow-list allows.
Result<std::unique_ptr<SiteMonitor>> OpenSiteMonitor(const Config& config, const Clock& clock,
                                                     SystemRegistry& systems, AlertStore& alerts) {
  const Config::Monitor& m = config.monitor;
  std::string text(WebTerms::BuiltinText());
  std::string source = "built-in web_terms.txt";
  if (!m.terms_file.empty()) {
    ASSIGN_OR_RETURN(text, ReadFileText(m.terms_file));
    source = m.terms_file;
  }
  ASSIGN_OR_RETURN(WebTerms terms, WebTerms::Compile(text, source));
  SiteMonitorOptions options;
  options.schedule = m.enabled;
  options.fetch.max_parallel = static_cast<size_t>(m.max_parallel);
  options.fetch.request_timeout = std::chrono::seconds(m.request_timeout_s);
  options.fetch.max_page_bytes = m.max_page_bytes;
  if (!m.ca_file.empty()) {
    const Status readable = CheckCaFile(m.ca_file);
    if (!readable.ok()) return InvalidArgument("monitor.ca_file: " + readable.message());
    options.fetch.ca_file = m.ca_file;
  }
  if (!m.screenshot_browser.empty()) {
    const Status runnable = CheckExecutable(m.screenshot_browser);
    if (!runnable.ok()) return InvalidArgument("monitor.screenshot_browser: " + runnable.message());
    options.screenshot.browser = m.screenshot_browser;
    options.screenshot.timeout = std::chrono::seconds(m.screenshot_timeout_s);
    options.screenshots_per_batch = static_cast<size_t>(m.screenshots_per_cycle);
  }
  options.down_after_failures = m.down_after_failures;
  options.cert_warn_days = m.cert_warn_days;
  options.detection.min_text_similarity = m.min_text_similarity_pct / 100.0;
  options.detection.min_cloak_similarity = m.min_cloak_similarity_pct / 100.0;
  auto allow = [&systems](const ElectronicSystem& system, const std::string& url) {
    return AllowScanTarget(systems, system.id, url).status();
  };
  return SiteMonitor::Open(config.data_dir, clock, systems, alerts,
                           std::make_shared<const WebTerms>(std::move(terms)), options, allow);
}

}  // namespace

int RunServe(const Config& config, const ServeFlags& flags) {
  // Block the stop signals before any thread starts, so that only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);  // reloads the rules
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto format = ParseFormat(config.syslog.format);
  if (!format.ok()) return Fail(InvalidArgument("syslog.format: " + format.status().message()));
  RaiseOpenFileLimit();
  const Clock& clock = SystemClock::Get();
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec)
    return Fail(Internal("cannot create data directory " + config.data_dir + ": " + ec.message()));

  auto store = OpenStore(config, clock);
  if (!store.ok()) return Fail(store.status());
  auto keys = ApiKeys::Open(config.data_dir, clock);
  if (!keys.ok()) return Fail(keys.status());
  auto users = Users::Open(config.data_dir, clock);
  if (!users.ok()) return Fail(users.status());
  auto admin_password = (*users)->EnsureAdmin();
  if (!admin_password.ok()) return Fail(admin_password.status());
  if (admin_password->has_value()) {
    // Printed on stdout, once: the only way in on a fresh install.
    std::printf(
        "First start: user 'admin' created with password %s\n(shown only this once; change it "
        "with `pantau user passwd admin --data %s`)\n",
        (*admin_password)->c_str(), config.data_dir.c_str());
    std::fflush(stdout);
  }
  auto alerts = AlertStore::Open(config.data_dir, clock,
                                 std::chrono::seconds(config.detection.group_window_s));
  if (!alerts.ok()) return Fail(alerts.status());
  auto cases = CaseStore::Open(config.data_dir, clock);
  if (!cases.ok()) return Fail(cases.status());
  auto evidence = EvidenceStore::Open(config.data_dir, clock, {config.cases.max_evidence_bytes});
  if (!evidence.ok()) return Fail(evidence.status());
  auto notes = NoteStore::Open(config.data_dir, clock);
  if (!notes.ok()) return Fail(notes.status());
  auto timeline = TimelineStore::Open(config.data_dir, clock);
  if (!timeline.ok()) return Fail(timeline.status());
  auto attack = AttackLibrary::Open(config.data_dir, clock);
  if (!attack.ok()) return Fail(attack.status());
  auto systems = SystemRegistry::Open(config.data_dir, clock);
  if (!systems.ok()) return Fail(systems.status());
  auto assessments =
      AssessmentService::Open(config.data_dir, clock, **cases, **evidence, **systems, {});
  if (!assessments.ok()) return Fail(assessments.status());
  auto documents = docs::CaseDocuments::Open(
      {config.documents, config.data_dir},
      {**cases, **alerts, **store, **notes, **timeline, **evidence, **systems, **assessments},
      clock);
  if (!documents.ok()) return Fail(documents.status());
  auto notify = OpenNotify(config, clock);
  if (!notify.ok()) return Fail(notify.status());
  auto searches = SavedSearches::Open(config.data_dir, clock);
  if (!searches.ok()) return Fail(searches.status());
  auto site_monitor = OpenSiteMonitor(config, clock, **systems, **alerts);
  if (!site_monitor.ok()) return Fail(site_monitor.status());
  auto scanner = OpenMalwareScanner(config, clock);
  if (!scanner.ok()) return Fail(scanner.status());
  auto templates = OpenTemplateIndex(config);
  if (!templates.ok()) return Fail(templates.status());
  Metrics metrics;
  LiveDetection detection(**alerts, metrics, systems->get());
  auto rules = LoadServeRules(config.detection);
  if (!rules.ok()) return Fail(rules.status());
  detection.SetRules(std::move(*rules));
  anomaly::AnomalyConfig anomaly_config;
  if (Status s = anomaly::ApplyAnomalySettings(config.anomaly, anomaly_config); !s.ok()) {
    return Fail(s);
  }
  std::unique_ptr<AnomalyDetection> anomalies;
  if (anomaly_config.enabled) {
    auto opened = AnomalyDetection::Open(config.data_dir, std::move(anomaly_config), clock,
                                         **alerts, metrics, systems->get(), templates->get());
    if (!opened.ok()) return Fail(opened.status());
    anomalies = std::move(*opened);
  }
  std::vector<EventHook*> hooks = {&detection};
  if (anomalies) hooks.push_back(anomalies.get());
  EventHookChain hook_chain(std::move(hooks));
  PipelineOptions pipeline_options = PipelineOptionsFrom(config);
  pipeline_options.enricher = templates->get();  // before detection: detectors read the ids
  pipeline_options.hook = &hook_chain;
  Pipeline pipeline(**store, metrics, pipeline_options);

  ListenerOptions lo;
  lo.max_line_bytes = config.syslog.max_line_bytes;
  lo.format = *format;
  lo.frame_timeout_s = config.syslog.frame_timeout_s;
  lo.idle_timeout_s = config.syslog.idle_timeout_s;
  lo.max_connections = config.syslog.max_connections;
  lo.tls_cert = config.syslog.tls_cert;
  lo.tls_key = config.syslog.tls_key;
  std::vector<std::unique_ptr<Listener>> listeners;
  auto add = [&](Result<std::unique_ptr<Listener>> l) {
    if (!l.ok()) return l.status();
    listeners.push_back(std::move(*l));
    return Status::Ok();
  };
  Status s;
  if (config.syslog.udp.enabled) s = add(OpenUdpListener(config.syslog.udp, lo, pipeline, clock));
  if (s.ok() && config.syslog.tcp.enabled) {
    s = add(OpenStreamListener(Input::kSyslogTcp, config.syslog.tcp, lo, pipeline, metrics, clock));
  }
  if (s.ok() && config.syslog.tls.enabled) {
    s = add(OpenStreamListener(Input::kSyslogTls, config.syslog.tls, lo, pipeline, metrics, clock));
  }
  if (!s.ok()) return Fail(s);
  ApiContext api{pipeline,
                 **store,
                 **keys,
                 **users,
                 **alerts,
                 **cases,
                 **evidence,
                 **notes,
                 **timeline,
                 **attack,
                 **systems,
                 **assessments,
                 **documents,
                 **notify,
                 **searches,
                 detection,
                 metrics,
                 clock,
                 config.ingest.max_body_bytes,
                 config.search.timeout_s,
                 config.ui_dir.empty() ? std::string(PANTAU_SOURCE_UI_DIR) : config.ui_dir,
                 site_monitor->get(),
                 scanner->get(),
                 templates->get(),
                 anomalies.get()};
  auto http = OpenHttpServer(config.http, api);
  if (!http.ok()) return Fail(http.status());
  if (config.documents.public_url.empty()) {
    // Verify links in signed documents must reach this server from outside: say so when they
    // cannot.
    const ListenAddress self{config.http.host, (*http)->port()};
    (*documents)->SetDefaultPublicUrl("http://" + self.ToString());
    if (config.http.host == "0.0.0.0" || config.http.host == "::" ||
        config.http.host.starts_with("127.")) {
      spdlog::warn(
          "documents.public_url is not set: verify links in signed documents will point "
          "at http://{}, which the systems' operators cannot reach",
          self.ToString());
    }
  }

  pipeline.Start();
  if (anomalies) anomalies->Start();
  (*notify)->dispatcher->Start();
  for (auto& l : listeners) {
    l->Start();
    spdlog::info("listening for {} on port {}", InputName(l->input()), l->port());
  }
  (*http)->Start();
  (*site_monitor)->Start();
  spdlog::info(
      "web UI and API on http://{}:{}/ (API: /api/v1, health: /healthz, metrics: /metrics)",
      config.http.host, (*http)->port());
  if (Status w = WritePorts(config.data_dir, (*http)->port(), listeners); !w.ok()) return Fail(w);
  std::optional<DemoFeed> demo;
  if (flags.demo) {
    std::random_device random;
    const uint64_t seed = (static_cast<uint64_t>(random()) << 32) | random();
    demo.emplace(pipeline, clock, seed);
    demo->Start();
    spdlog::info(
        "demo feed on (seed {}): FAKE FortiGate, Linux auth, web access and Windows events, 20-50 "
        "a second with attacks, stored and alerted on like real ones (input.type:demo); do not "
        "use --demo with a data directory that holds real data",
        seed);
  }
  spdlog::info("data in {}; stop with Ctrl-C or SIGTERM, reload rules with SIGHUP",
               config.data_dir);

  int sig = 0;
  while (sigwait(&stop_signals, &sig) == 0 && sig == SIGHUP) {
    // A reload that fails keeps the rules that run.
    auto reloaded = LoadServeRules(config.detection);
    if (reloaded.ok()) {
      detection.SetRules(std::move(*reloaded));
    } else {
      spdlog::error("rules not reloaded: {}", reloaded.status().ToString());
    }
  }
  spdlog::info("received {}, stopping: no new input, storing what was accepted", strsignal(sig));
  // A second signal means the operator will not wait (a store that keeps failing, say).
  std::thread([stop_signals] {
    int again = 0;
    sigwait(&stop_signals, &again);
    spdlog::critical("received {} again: exiting now, without storing what is queued",
                     strsignal(again));
    std::_Exit(kExitFailure);
  }).detach();
  pipeline.BeginStop();
  (*site_monitor)->Stop();  // fetches in flight end now, so that requests waiting on them end
  (*http)->Stop();
  (*assessments)->Stop();
  (*notify)->dispatcher->Stop();  // what is still pending is sent after the next start
  for (auto& l : listeners) l->Stop();
  if (demo) demo->Stop();
  pipeline.Stop();
  if (anomalies) anomalies->Stop();  // after the last batch: its baselines are saved too
  if (pipeline.lost() > 0) {
    return Fail(Internal(std::to_string(pipeline.lost()) +
                         " accepted events could not be stored; see the errors above"));
  }
  spdlog::info("stopped; {} events stored in this run", pipeline.stored());
  return kExitOk;
}

}  // namespace pantau
