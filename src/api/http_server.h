// The HTTP server: the REST API under /api/v1, health, metrics and the web UI's files. Thin by
// rule: parse the request, call the subsystem, map its Status to an HTTP status, serialise.
//
// Thread-safety: requests are served by a pool of threads; every subsystem called is thread-safe.
#pragma once

#include <cstdint>
#include <memory>

#include "api/anomaly_teacher.h"
#include "api/rule_catalog.h"
#include "assess/assessments.h"
#include "auth/api_keys.h"
#include "auth/users.h"
#include "cases/alerts.h"
#include "cases/attack_library.h"
#include "cases/cases.h"
#include "cases/evidence.h"
#include "cases/notes.h"
#include "cases/saved_searches.h"
#include "cases/timeline.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/status.h"
#include "detect/anomaly/template_index.h"
#include "ingest/pipeline.h"
#include "monitor/registry.h"
#include "store/event_store.h"

namespace pantau::docs {
class CaseDocuments;
}  // namespace pantau::docs

namespace pantau {

struct NotifyService;
class SiteMonitor;
class MalwareScanner;

// The subsystems the routes call; all outlive the server.
struct ApiContext {
  Pipeline& pipeline;
  EventStore& store;
  ApiKeys& keys;
  Users& users;
  AlertStore& alerts;
  CaseStore& cases;
  EvidenceStore& evidence;
  NoteStore& notes;
  TimelineStore& timeline;
  AttackLibrary& attack;
  SystemRegistry& systems;
  AssessmentService& assessments;
  docs::CaseDocuments& documents;
  NotifyService& notify;
  SavedSearches& searches;
  const RuleCatalog& rules;
  Metrics& metrics;
  const Clock& clock;
  size_t max_body_bytes = 64u << 20;
  int search_timeout_s = 30;
  // The built web UI served at / (index.html and assets/); empty serves no UI.
  std::string ui_dir;
  // Website monitoring (monitor/site_monitor.h); null: its routes answer 503.
  SiteMonitor* monitor = nullptr;
  // Malware scanning of evidence (scan/malware_scanner.h); null: its route answers 503.
  MalwareScanner* scanner = nullptr;
  // Log templates of ingested events (detect/anomaly/template_index.h); null (templates.enabled
  // is false): its routes answer 503.
  anomaly::TemplateIndex* templates = nullptr;
  // The anomaly detectors (app/anomaly_detection.h); null: marking an anomaly expected answers 503.
  AnomalyTeacher* anomalies = nullptr;
};

// HTTP status for a Status code: the one place that decides it.
int HttpStatusOf(StatusCode code);
// {"error": {"code": "invalid_argument", "message": "..."}}
std::string ErrorJson(const Status& status);

class HttpServer {
 public:
  virtual ~HttpServer() = default;
  virtual void Start() = 0;
  // Stops accepting and waits for requests in flight.
  virtual void Stop() = 0;
  virtual uint16_t port() const = 0;
};

Result<std::unique_ptr<HttpServer>> OpenHttpServer(const ListenAddress& address,
                                                   const ApiContext& context);

}  // namespace pantau
