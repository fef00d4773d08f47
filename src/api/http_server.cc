#include "api/http_server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "api/admin_route.h"
#include "api/alerts_route.h"
#include "api/assessments_route.h"
#include "api/attack_route.h"
#include "api/auth_route.h"
#include "api/case_workspace_route.h"
#include "api/cases_route.h"
#include "api/documents_route.h"
#include "api/events_route.h"
#include "api/evidence_route.h"
#include "api/ingest_route.h"
#include "api/monitor_route.h"
#include "api/openapi.h"
#include "api/rules_route.h"
#include "api/saved_searches_route.h"
#include "api/sources_route.h"
#include "api/systems_route.h"
#include "api/templates_route.h"
#include "core/files.h"

namespace pantau {

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kTooLarge:
      return 413;
    case StatusCode::kResourceExhausted:
      return 503;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string ErrorJson(const Status& status) {
  std::string code = StatusCodeName(status.code());
  for (char& c : code) {
    if (c == ' ') c = '_';
  }
  std::string out = "{\"error\":{\"code\":";
  AppendJsonString(out, code);
  out += ",\"message\":";
  AppendJsonString(out, status.message());
  out += "}}";
  return out;
}

namespace {

constexpr size_t kHttpThreads = 32;
// A registry of a few thousand systems is well under a megabyte of CSV.
constexpr uint64_t kMaxImportBytes = 8u << 20;

// No inline script or style anywhere: what a log line smuggles into a page cannot run.
constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

constexpr const char* kUiMissingPage =
    "<!doctype html><meta charset=utf-8><title>Pantau</title>"
    "<p>The web UI is not built. Run <code>make run</code> (or <code>npm ci && npm run "
    "build</code> "
    "in <code>web/</code>), or set <code>http.ui_dir</code>. The API is at /api/v1/.</p>";

EventsRequest EventsRequestOf(const httplib::Request& req) {
  return {req.get_param_value("q"), req.get_param_value("from"), req.get_param_value("to"),
          req.get_param_value("limit"), req.get_param_value("cursor")};
}

void Reply(httplib::Response& res, const Status& status) {
  res.status = HttpStatusOf(status.code());
  if (status.code() == StatusCode::kResourceExhausted ||
      status.code() == StatusCode::kUnavailable) {
    res.set_header("Retry-After", "1");
  }
  if (status.code() == StatusCode::kUnauthenticated) res.set_header("WWW-Authenticate", "Bearer");
  res.set_content(ErrorJson(status), "application/json");
}

// A handler's JSON answer, or its error.
void Answer(httplib::Response& res, const Result<std::string>& out) {
  if (!out.ok()) return Reply(res, out.status());
  res.set_content(*out, "application/json");
}

// A PDF, downloaded rather than shown: the browser's viewer would run under the API's policy.
void SendPdf(httplib::Response& res, const Result<PdfAnswer>& out) {
  if (!out.ok()) return Reply(res, out.status());
  res.set_header("Content-Disposition", "attachment; filename=\"" + out->filename + "\"");
  res.set_content(out->pdf, "application/pdf");
}

// The largest PDF the public verify page takes.
constexpr size_t kMaxVerifyBytes = 50u << 20;

// The same for a request that made something: 201 with it.
void AnswerCreated(httplib::Response& res, const Result<std::string>& out) {
  if (!out.ok()) return Reply(res, out.status());
  res.status = 201;
  res.set_content(*out, "application/json");
}

class HttplibServer final : public HttpServer {
 public:
  explicit HttplibServer(ApiContext context) : context_(std::move(context)) {}
  ~HttplibServer() override { Stop(); }

  Status Bind(const ListenAddress& address) {
    server_.set_read_timeout(30, 0);
    server_.set_write_timeout(30, 0);
    // httplib gives each connection a pool thread for its whole life: keep idle ones short and
    // the pool large enough for many log shippers at once.
    server_.set_keep_alive_timeout(5);
    server_.new_task_queue = [] { return new httplib::ThreadPool(kHttpThreads); };
    Routes();
    const int port = address.port == 0
                         ? server_.bind_to_any_port(address.host)
                         : (server_.bind_to_port(address.host, address.port) ? address.port : -1);
    if (port <= 0) {
      return Unavailable("HTTP: cannot listen on " + address.ToString() +
                         " (address in use or not local?)");
    }
    port_ = static_cast<uint16_t>(port);
    return Status::Ok();
  }

  void Start() override {
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() does nothing until the server runs: wait, so that a quick Stop cannot hang.
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  void Stop() override {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }
  uint16_t port() const override { return port_; }

 private:
  void Routes() {
    // The UI's pages load only the server's own scripts and styles and cannot be framed; the API
    // is never cached, since it answers with what the caller may see.
    // A route that set a stricter policy of its own (evidence downloads) keeps it.
    server_.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.has_header("Content-Security-Policy")) {
        res.set_header("Content-Security-Policy", kContentSecurityPolicy);
      }
      res.set_header("X-Frame-Options", "DENY");
      if (!res.has_header("X-Content-Type-Options")) {
        res.set_header("X-Content-Type-Options", "nosniff");
      }
      res.set_header("Referrer-Policy", "no-referrer");
      if (req.path.starts_with("/assets/")) {
        res.set_header("Cache-Control", "public, max-age=31536000, immutable");
      } else {
        res.set_header("Cache-Control", "no-store");
      }
    });
    // Files of the built UI (index.html at /, hashed bundles under /assets/); httplib refuses
    // paths that leave the folder.
    if (!context_.ui_dir.empty() && !server_.set_mount_point("/", context_.ui_dir)) {
      spdlog::warn("web UI: no folder {}; the UI is not served", context_.ui_dir);
    }
    server_.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{\"status\":\"ok\"}", "application/json");
    });
    server_.Get("/api/v1/openapi.json", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(OpenApiJson()), "application/json");
    });
    server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(context_.metrics.RenderPrometheus(), "text/plain; version=0.0.4");
    });
    // Authenticated before the body is read, so that nobody without a key can make the server
    // hold a large body.
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (req.path != "/api/v1/ingest") return httplib::Server::HandlerResponse::Unhandled;
      auto key = Authenticate(req, Permission::kIngest);
      if (key.ok()) return httplib::Server::HandlerResponse::Unhandled;
      Reply(res, key.status());
      return httplib::Server::HandlerResponse::Handled;
    });
    // The body is read here rather than by httplib, which would parse a body sent as
    // application/x-www-form-urlencoded (curl's default) as form fields, with an 8 KiB cap.
    server_.Post("/api/v1/ingest", [this](const httplib::Request& req, httplib::Response& res,
                                          const httplib::ContentReader& read_content) {
      std::string body;
      bool too_large = false;
      read_content([&](const char* data, size_t length) {
        if (body.size() + length > context_.max_body_bytes) {
          too_large = true;
          return false;
        }
        body.append(data, length);
        return true;
      });
      if (too_large) {
        return Reply(res, TooLarge("the request body is larger than ingest.max_body_bytes (" +
                                   std::to_string(context_.max_body_bytes) + " bytes)"));
      }
      auto accepted = HandleIngest(body, req.remote_addr, context_);
      if (!accepted.ok()) return Reply(res, accepted.status());
      res.set_content("{\"accepted\":" + std::to_string(*accepted) + "}", "application/json");
    });
    server_.Get("/api/v1/events", [this](const httplib::Request& req, httplib::Response& res) {
      auto key = Authenticate(req, Permission::kReadEvents);
      if (!key.ok()) return Reply(res, key.status());
      Answer(res, HandleEventsList(EventsRequestOf(req), context_));
    });
    server_.Get("/api/v1/events/histogram", [this](const httplib::Request& req,
                                                   httplib::Response& res) {
      auto key = Authenticate(req, Permission::kReadEvents);
      if (!key.ok()) return Reply(res, key.status());
      Answer(res, HandleHistogram(EventsRequestOf(req), req.get_param_value("buckets"), context_));
    });
    server_.Get(
        "/api/v1/events/export", [this](const httplib::Request& req, httplib::Response& res) {
          auto key = Authenticate(req, Permission::kReadEvents);
          if (!key.ok()) return Reply(res, key.status());
          auto exporter = EventExport::Prepare(EventsRequestOf(req), req.get_param_value("format"),
                                               req.get_param_value("fields"), context_);
          if (!exporter.ok()) return Reply(res, exporter.status());
          std::shared_ptr<EventExport> state = std::move(*exporter);
          res.set_chunked_content_provider(
              state->content_type(), [state](size_t, httplib::DataSink& sink) {
                auto chunk = state->NextChunk();
                if (!chunk.ok()) {
                  // The status line has gone out: end the stream, log why.
                  spdlog::error("export stopped: {}", chunk.status().ToString());
                  sink.done();
                  return true;
                }
                if (chunk->empty()) {
                  sink.done();
                  return true;
                }
                return sink.write(chunk->data(), chunk->size());
              });
        });
    server_.Get("/api/v1/events/fields",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto key = Authenticate(req, Permission::kReadEvents);
                  if (!key.ok()) return Reply(res, key.status());
                  Answer(res, HandleFields(EventsRequestOf(req), context_));
                });
    server_.Get(R"(/api/v1/events/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto key = Authenticate(req, Permission::kReadEvents);
                  if (!key.ok()) return Reply(res, key.status());
                  Answer(res, HandleEventGet(req.matches[1].str(), context_));
                });
    server_.Post("/api/v1/auth/login", [this](const httplib::Request& req, httplib::Response& res) {
      const bool https = req.get_header_value("X-Forwarded-Proto") == "https";
      auto out = HandleLogin(req.body, https, context_);
      if (!out.ok()) return Reply(res, out.status());
      for (const std::string& c : out->set_cookies) res.set_header("Set-Cookie", c);
      res.set_content(out->body, "application/json");
    });
    server_.Post("/api/v1/auth/logout",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   // Only the session's own page may end it: the CSRF token is checked like any
                   // change.
                   auto caller = Authenticate(req, Permission::kOwnAccount);
                   if (!caller.ok()) return Reply(res, caller.status());
                   for (const std::string& c : HandleLogout(AuthOf(req), context_)) {
                     res.set_header("Set-Cookie", c);
                   }
                   res.set_content("{}", "application/json");
                 });
    server_.Post("/api/v1/auth/totp/enrol",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   auto caller = Authenticate(req, Permission::kOwnAccount);
                   if (!caller.ok()) return Reply(res, caller.status());
                   Answer(res, HandleTotpEnrol(*caller, context_));
                 });
    server_.Post("/api/v1/auth/totp/confirm",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   auto caller = Authenticate(req, Permission::kOwnAccount);
                   if (!caller.ok()) return Reply(res, caller.status());
                   Answer(res, HandleTotpConfirm(*caller, req.body, context_));
                 });
    server_.Get("/api/v1/auth/me", [this](const httplib::Request& req, httplib::Response& res) {
      Answer(res, HandleMe(AuthOf(req), context_));
    });
    server_.Get("/api/v1/searches", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kReadEvents);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleSavedSearchList(*caller, context_));
    });
    server_.Post("/api/v1/searches", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kReadEvents);
      if (!caller.ok()) return Reply(res, caller.status());
      auto out = HandleSavedSearchAdd(*caller, req.body, context_);
      if (!out.ok()) return Reply(res, out.status());
      res.status = 201;
      res.set_content(*out, "application/json");
    });
    server_.Delete(R"(/api/v1/searches/([^/]+))",
                   [this](const httplib::Request& req, httplib::Response& res) {
                     auto caller = Authenticate(req, Permission::kReadEvents);
                     if (!caller.ok()) return Reply(res, caller.status());
                     Status s = HandleSavedSearchRemove(*caller, req.matches[1].str(), context_);
                     if (!s.ok()) return Reply(res, s);
                     res.set_content("{}", "application/json");
                   });
    server_.Get("/api/v1/alerts", [this](const httplib::Request& req, httplib::Response& res) {
      auto key = Authenticate(req, Permission::kReadEvents);
      if (!key.ok()) return Reply(res, key.status());
      AlertsRequest r{req.get_param_value("status"), req.get_param_value("level"),
                      req.get_param_value("rule"),   req.get_param_value("host"),
                      req.get_param_value("from"),   req.get_param_value("to"),
                      req.get_param_value("limit"),  req.get_param_value("cursor")};
      Answer(res, HandleAlertsList(r, context_));
    });
    server_.Get(
        "/api/v1/alerts/stats", [this](const httplib::Request& req, httplib::Response& res) {
          auto key = Authenticate(req, Permission::kReadEvents);
          if (!key.ok()) return Reply(res, key.status());
          Answer(res, HandleAlertStats(req.get_param_value("from"), req.get_param_value("to"),
                                       req.get_param_value("buckets"), context_));
        });
    server_.Post("/api/v1/alerts/bulk",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   auto key = Authenticate(req, Permission::kTriageAlerts);
                   if (!key.ok()) return Reply(res, key.status());
                   Answer(res, HandleAlertsBulk(*key, req.body, context_));
                 });
    server_.Get(R"(/api/v1/alerts/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto key = Authenticate(req, Permission::kReadEvents);
                  if (!key.ok()) return Reply(res, key.status());
                  Answer(res, HandleAlertGet(req.matches[1].str(), context_));
                });
    server_.Post(R"(/api/v1/alerts/([^/]+)/expected)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   auto key = Authenticate(req, Permission::kTriageAlerts);
                   if (!key.ok()) return Reply(res, key.status());
                   Answer(res, HandleAlertExpected(*key, req.matches[1].str(), req.body, context_));
                 });
    server_.Patch(R"(/api/v1/alerts/([^/]+))",
                  [this](const httplib::Request& req, httplib::Response& res) {
                    auto key = Authenticate(req, Permission::kTriageAlerts);
                    if (!key.ok()) return Reply(res, key.status());
                    Answer(res, HandleAlertPatch(*key, req.matches[1].str(), req.body, context_));
                  });
    server_.Get("/api/v1/sources", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kReadEvents);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleSourcesList(context_));
    });
    server_.Get("/api/v1/templates", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kReadEvents);
      if (!caller.ok()) return Reply(res, caller.status());
      TemplatesRequest r{req.get_param_value("dataset"), req.get_param_value("q"),
                         req.get_param_value("sort"), req.get_param_value("limit"),
                         req.get_param_value("offset")};
      Answer(res, HandleTemplatesList(r, context_));
    });
    server_.Get(R"(/api/v1/templates/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kReadEvents);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleTemplateGet(req.matches[1].str(), context_));
                });
    server_.Get("/api/v1/rules", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kReadEvents);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleRulesList(context_));
    });
    // Ids are UUIDs by convention; a rule without one goes by its title, which may hold '/'.
    server_.Get(R"(/api/v1/rules/(.+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kReadEvents);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleRuleGet(req.matches[1].str(), context_));
                });
    AccountRoutes();
    CaseRoutes();
    EvidenceRoutes();
    AssessmentRoutes();
    DocumentRoutes();
    CaseWorkspaceRoutes();
    AttackLibraryRoutes();
    SystemRoutes();
    MonitorRoutes();
    // Every other page of the UI is index.html: the UI routes in the browser.
    server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.path.starts_with("/api/")) return Reply(res, NotFound("no such route"));
      auto index = ReadFileText(context_.ui_dir + "/index.html");
      if (context_.ui_dir.empty() || !index.ok()) {
        res.status = 404;
        res.set_content(kUiMissingPage, "text/html; charset=utf-8");
        return;
      }
      res.set_content(*index, "text/html; charset=utf-8");
    });
    server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return;
      const std::string what = "HTTP " + std::to_string(res.status);
      Status s = InvalidArgument("bad request (" + what + ")");
      if (res.status == 413) s = TooLarge("the request body is too large");
      if (res.status == 404) s = NotFound("no such route");
      if (res.status >= 500) s = Internal(what);
      const int status = res.status;
      res.set_content(ErrorJson(s), "application/json");
      res.status = status;
    });
    server_.set_exception_handler(
        [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "unknown";
          try {
            std::rethrow_exception(std::move(ep));
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {
          }
          spdlog::error("HTTP {} {}: {}", req.method, req.path, what);
          Reply(res, Internal("internal error; see the server log"));
        });
  }

  // People and API keys: admins only, never with an API key.
  void AccountRoutes() {
    server_.Get("/api/v1/users", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kManageAccounts);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleUsersList(context_));
    });
    server_.Post("/api/v1/users", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kManageAccounts);
      if (!caller.ok()) return Reply(res, caller.status());
      AnswerCreated(res, HandleUserAdd(*caller, req.body, context_));
    });
    server_.Patch(R"(/api/v1/users/([^/]+))",
                  [this](const httplib::Request& req, httplib::Response& res) {
                    auto caller = Authenticate(req, Permission::kManageAccounts);
                    if (!caller.ok()) return Reply(res, caller.status());
                    Answer(res, HandleUserPatch(*caller, req.matches[1].str(), req.body, context_));
                  });
    server_.Get("/api/v1/apikeys", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kManageAccounts);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleApiKeysList(context_));
    });
    server_.Post("/api/v1/apikeys", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kManageAccounts);
      if (!caller.ok()) return Reply(res, caller.status());
      AnswerCreated(res, HandleApiKeyCreate(*caller, req.body, context_));
    });
    // Key names may hold any character, '/' too.
    server_.Delete(R"(/api/v1/apikeys/(.+))",
                   [this](const httplib::Request& req, httplib::Response& res) {
                     auto caller = Authenticate(req, Permission::kManageAccounts);
                     if (!caller.ok()) return Reply(res, caller.status());
                     Answer(res, HandleApiKeyDisable(*caller, req.matches[1].str(), context_));
                   });
  }

  // Cases and their time standards. The workflow table decides which action a role may take;
  // these routes only let in the people who work cases.
  void CaseRoutes() {
    server_.Get("/api/v1/cases", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kWorkCases);
      if (!caller.ok()) return Reply(res, caller.status());
      CasesRequest r{req.get_param_value("state"), req.get_param_value("assignee"),
                     req.get_param_value("overdue"), req.get_param_value("limit"),
                     req.get_param_value("cursor")};
      Answer(res, HandleCasesList(r, context_));
    });
    server_.Post("/api/v1/cases", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kWorkCases);
      if (!caller.ok()) return Reply(res, caller.status());
      AnswerCreated(res, HandleCaseCreate(*caller, req.body, context_));
    });
    server_.Get(R"(/api/v1/cases/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleCaseGet(*caller, req.matches[1].str(), context_));
                });
    server_.Patch(R"(/api/v1/cases/([^/]+))",
                  [this](const httplib::Request& req, httplib::Response& res) {
                    auto caller = Authenticate(req, Permission::kWorkCases);
                    if (!caller.ok()) return Reply(res, caller.status());
                    Answer(res, HandleCasePatch(*caller, req.matches[1].str(), req.body, context_));
                  });
    server_.Post(R"(/api/v1/cases/([^/]+)/verdict)", [this](const httplib::Request& req,
                                                            httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kWorkCases);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleCaseVerdict(*caller, req.matches[1].str(), req.body, context_));
    });
    server_.Post(R"(/api/v1/cases/([^/]+)/actions/([^/]+))",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   auto caller = Authenticate(req, Permission::kWorkCases);
                   if (!caller.ok()) return Reply(res, caller.status());
                   Answer(res, HandleCaseAction(*caller, req.matches[1].str(), req.matches[2].str(),
                                                req.body, context_));
                 });
    server_.Get(R"(/api/v1/cases/([^/]+)/history)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleCaseHistory(req.matches[1].str(), context_));
                });
    // Every role, and keys with the search scope, read the time standards; admins set them.
    server_.Get("/api/v1/sla", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kReadEvents);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleSlaGet(context_));
    });
    server_.Get("/api/v1/sla/compliance",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kReadEvents);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleSlaCompliance(req.get_param_value("from"),
                                                  req.get_param_value("to"), context_));
                });
    server_.Put("/api/v1/sla", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kManageSettings);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleSlaPut(*caller, req.body, context_));
    });
  }

  // Evidence of cases: uploads streamed to the store, downloads checked against their SHA-256.
  void EvidenceRoutes() {
    // The body is read here, a buffer at a time, after the caller, the request and the case were
    // checked.
    server_.Post(R"(/api/v1/cases/([^/]+)/evidence)",
                 [this](const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& read_content) {
                   auto begun = [&]() -> Result<std::unique_ptr<EvidenceUpload>> {
                     ASSIGN_OR_RETURN(Caller caller, Authenticate(req, Permission::kWorkCases));
                     const EvidenceUploadRequest r{req.matches[1].str(),
                                                   req.get_param_value("kind"),
                                                   req.get_param_value("name"),
                                                   req.get_param_value("description"),
                                                   req.get_header_value("Content-Type"),
                                                   req.get_header_value("Content-Length"),
                                                   req.remote_addr};
                     return BeginEvidenceUpload(caller, r, context_);
                   }();
                   if (!begun.ok()) {
                     if (begun.status().code() != StatusCode::kTooLarge) {
                       DiscardBody(req, read_content, context_.evidence.max_bytes());
                     }
                     return Reply(res, begun.status());
                   }
                   EvidenceUpload& upload = **begun;
                   // Once the upload fails (past the size limit, say) the rest of the body is
                   // read and dropped, up to the limit again, so that the client, which may
                   // still be sending, gets its answer on a connection still in step.
                   Status written;
                   uint64_t received = 0;
                   const uint64_t drain_until = 2 * context_.evidence.max_bytes();
                   const bool read = read_content([&](const char* data, size_t length) {
                     received += length;
                     if (written.ok()) written = upload.Write(std::string_view(data, length));
                     return written.ok() || received <= drain_until;
                   });
                   if (!written.ok()) return Reply(res, written);
                   if (!read) {
                     return Reply(res, InvalidArgument(
                                           "the request body ended before its announced length"));
                   }
                   AnswerCreated(res, FinishEvidenceUpload(upload));
                 });
    server_.Get(R"(/api/v1/cases/([^/]+)/evidence)", [this](const httplib::Request& req,
                                                            httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kWorkCases);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleEvidenceList(*caller, req.matches[1].str(), req.get_param_value("limit"),
                                     req.get_param_value("cursor"), context_));
    });
    server_.Get(R"(/api/v1/cases/([^/]+)/evidence/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleEvidenceGet(*caller, req.matches[1].str(), req.matches[2].str(),
                                                req.remote_addr, context_));
                });
    server_.Post(R"(/api/v1/cases/([^/]+)/evidence/([^/]+)/scan)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   auto caller = Authenticate(req, Permission::kWorkCases);
                   if (!caller.ok()) return Reply(res, caller.status());
                   Answer(res, HandleEvidenceScan(*caller, req.matches[1].str(),
                                                  req.matches[2].str(), req.remote_addr, context_));
                 });
    // Never shown inline: evidence may be hostile HTML or script, so it goes out as an
    // attachment, with no sniffing and a policy that would run nothing even if shown.
    server_.Get(
        R"(/api/v1/cases/([^/]+)/evidence/([^/]+)/content)",
        [this](const httplib::Request& req, httplib::Response& res) {
          auto caller = Authenticate(req, Permission::kWorkCases);
          if (!caller.ok()) return Reply(res, caller.status());
          // httplib answers HEAD with the GET route but sends no body: that is no download to
          // record in the chain of custody.
          if (req.method == "HEAD") {
            return Reply(res, InvalidArgument("HEAD is not answered for evidence content: GET it, "
                                              "or GET the item for its size and SHA-256"));
          }
          auto opened = OpenEvidenceContent(*caller, req.matches[1].str(), req.matches[2].str(),
                                            req.remote_addr, context_);
          if (!opened.ok()) {
            if (opened.status().code() == StatusCode::kInternal) {
              spdlog::error("evidence download: {}", opened.status().message());
            }
            return Reply(res, opened.status());
          }
          std::shared_ptr<EvidenceReader> reader = std::move(*opened);
          const EvidenceItem& item = reader->item();
          res.set_header("Content-Disposition", EvidenceContentDisposition(item.name));
          res.set_header("X-Content-Type-Options", "nosniff");
          res.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
          res.set_header("X-Evidence-SHA256", item.sha256);
          res.set_content_provider(reader->size(), EvidenceContentType(item.media_type).c_str(),
                                   [reader](size_t offset, size_t length, httplib::DataSink& sink) {
                                     std::vector<char> buffer(std::min<size_t>(length, 64 * 1024));
                                     auto n = reader->Read(offset, buffer.data(), buffer.size());
                                     if (!n.ok() || *n == 0) {
                                       // The status line has gone out: cut the answer short, so
                                       // that the client sees a failed transfer rather than bytes
                                       // that are not the evidence.
                                       spdlog::error("evidence download stopped: {}",
                                                     n.ok() ? "no content" : n.status().message());
                                       return false;
                                     }
                                     return sink.write(buffer.data(), *n);
                                   });
        });
  }

  // Reads and drops the body of a request refused before it was read, up to `max` bytes. httplib
  // keeps the connection open whatever the answer says, and would take the unread body for the
  // next request on it.
  static void DiscardBody(const httplib::Request& req, const httplib::ContentReader& read_content,
                          uint64_t max) {
    uint64_t seen = 0;
    auto drop = [&](const char*, size_t length) {
      seen += length;
      return seen <= max;
    };
    if (req.is_multipart_form_data()) {
      read_content([](const httplib::MultipartFormData&) { return true; }, drop);
    } else {
      read_content(drop);
    }
  }

  // The investigation workspace of a case: notes, timeline, attack reference. As every case route,
  // for the people who work cases.
  void CaseWorkspaceRoutes() {
    server_.Get(R"(/api/v1/cases/([^/]+)/notes)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleNotesList(req.matches[1].str(), context_));
                });
    server_.Post(R"(/api/v1/cases/([^/]+)/notes)", [this](const httplib::Request& req,
                                                          httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kWorkCases);
      if (!caller.ok()) return Reply(res, caller.status());
      AnswerCreated(res, HandleNoteCreate(*caller, req.matches[1].str(), req.body, context_));
    });
    server_.Get(R"(/api/v1/cases/([^/]+)/notes/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleNoteGet(req.matches[1].str(), req.matches[2].str(), context_));
                });
    server_.Put(R"(/api/v1/cases/([^/]+)/notes/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleNotePut(*caller, req.matches[1].str(), req.matches[2].str(),
                                            req.body, context_));
                });
    server_.Get(R"(/api/v1/cases/([^/]+)/notes/([^/]+)/revisions)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res,
                         HandleNoteRevisions(req.matches[1].str(), req.matches[2].str(), context_));
                });
    server_.Get(R"(/api/v1/cases/([^/]+)/timeline)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleTimelineGet(req.matches[1].str(), req.get_param_value("limit"),
                                                req.get_param_value("cursor"), context_));
                });
    server_.Post(R"(/api/v1/cases/([^/]+)/timeline)", [this](const httplib::Request& req,
                                                             httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kWorkCases);
      if (!caller.ok()) return Reply(res, caller.status());
      AnswerCreated(res, HandleTimelineAdd(*caller, req.matches[1].str(), req.body, context_));
    });
    server_.Get(R"(/api/v1/cases/([^/]+)/attack)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleCaseAttack(req.matches[1].str(), context_));
                });
  }

  // The attack reference library: read by everyone who reads alerts, edited by admins.
  void AttackLibraryRoutes() {
    server_.Get("/api/v1/attack", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kReadEvents);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleAttackList(context_));
    });
    server_.Get(R"(/api/v1/attack/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kReadEvents);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleAttackGet(req.matches[1].str(), context_));
                });
    server_.Put(R"(/api/v1/attack/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kManageSettings);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleAttackPut(*caller, req.matches[1].str(), req.body, context_));
                });
    server_.Delete(R"(/api/v1/attack/([^/]+))",
                   [this](const httplib::Request& req, httplib::Response& res) {
                     auto caller = Authenticate(req, Permission::kManageSettings);
                     if (!caller.ok()) return Reply(res, caller.status());
                     auto out = HandleAttackReset(*caller, req.matches[1].str(), context_);
                     if (!out.ok()) return Reply(res, out.status());
                     if (out->empty()) {
                       res.status = 204;  // the admins' own entry is gone
                       return;
                     }
                     res.set_content(*out, "application/json");
                   });
  }

  // The reports and letters of a case, read by everyone who works cases (they are made by the
  // workflow's steps), and the public verify page.
  void DocumentRoutes() {
    server_.Get(R"(/api/v1/cases/([^/]+)/documents)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleCaseDocuments(req.matches[1].str(), context_));
                });
    server_.Get(R"(/api/v1/cases/([^/]+)/dispatches)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleCaseDispatches(req.matches[1].str(), context_));
                });
    server_.Get(R"(/api/v1/cases/([^/]+)/(report|letter)\.pdf)", [this](const httplib::Request& req,
                                                                        httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kWorkCases);
      if (!caller.ok()) return Reply(res, caller.status());
      const std::string id = req.matches[1].str();
      SendPdf(res, req.matches[2].str() == "letter"
                       ? HandleCaseLetterPdf(id, context_)
                       : HandleCaseReportPdf(*caller, id, req.get_param_value("preview") == "1",
                                             context_));
    });
    server_.Get(R"(/api/v1/documents/([0-9a-f]+)\.pdf)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  SendPdf(res, HandleDocumentPdf(req.matches[1].str(),
                                                 req.get_param_value("draft") == "1", context_));
                });
    server_.Get(R"(/api/v1/documents/([0-9a-f]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleDocumentGet(req.matches[1].str(), context_));
                });
    // Public: no login. A browser (the QR code) gets a page, anything else JSON.
    server_.Get(
        R"(/api/v1/verify/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
          const bool html = req.get_header_value("Accept").find("text/html") != std::string::npos;
          auto out = HandleVerify(req.matches[1].str(), "", html, context_);
          if (!out.ok()) return Reply(res, out.status());
          res.set_content(*out, html ? "text/html; charset=utf-8" : "application/json");
        });
    // Public: the PDF to check is the body (at most kMaxVerifyBytes).
    server_.Post(R"(/api/v1/verify/([^/]+))",
                 [this](const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& read_content) {
                   std::string body;
                   bool too_large = false;
                   read_content([&](const char* data, size_t length) {
                     if (body.size() + length > kMaxVerifyBytes) {
                       too_large = true;
                       return false;
                     }
                     body.append(data, length);
                     return true;
                   });
                   if (too_large) {
                     return Reply(res, TooLarge("a document to verify is at most " +
                                                std::to_string(kMaxVerifyBytes) + " bytes"));
                   }
                   if (body.empty())
                     return Reply(res, InvalidArgument("body: send the PDF file to check"));
                   Answer(res, HandleVerify(req.matches[1].str(), body, false, context_));
                 });
  }

  // Vulnerability assessments of a case: started, cancelled and judged by analysts and
  // coordinators, read by everyone who works cases.
  void AssessmentRoutes() {
    server_.Post(R"(/api/v1/cases/([^/]+)/assessments)", [this](const httplib::Request& req,
                                                                httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kRunAssessments);
      if (!caller.ok()) return Reply(res, caller.status());
      auto out = HandleAssessmentStart(*caller, req.matches[1].str(), req.body, context_);
      if (!out.ok()) return Reply(res, out.status());
      res.status = 202;  // it runs in the background
      res.set_content(*out, "application/json");
    });
    // A scanner's report, the file itself as the body, read here a buffer at a time up to the
    // cap after the caller was checked (httplib would take a body sent as a form apart).
    server_.Post(R"(/api/v1/cases/([^/]+)/assessments/import)",
                 [this](const httplib::Request& req, httplib::Response& res,
                        const httplib::ContentReader& read_content) {
                   const uint64_t cap = context_.assessments.max_import_bytes();
                   auto caller = Authenticate(req, Permission::kRunAssessments);
                   if (!caller.ok()) {
                     DiscardBody(req, read_content, cap);
                     return Reply(res, caller.status());
                   }
                   const Status acceptable = CheckImportBody(req.get_header_value("Content-Length"),
                                                             req.is_multipart_form_data(), cap);
                   if (!acceptable.ok()) {
                     DiscardBody(req, read_content, cap);
                     return Reply(res, acceptable);
                   }
                   std::string body;
                   bool too_large = false;
                   read_content([&](const char* data, size_t size) {
                     if (body.size() + size > cap) {
                       too_large = true;
                       return false;
                     }
                     body.append(data, size);
                     return true;
                   });
                   if (too_large) {
                     return Reply(res, CheckImportBody(std::to_string(cap + 1), false, cap));
                   }
                   AnswerCreated(
                       res, HandleAssessmentImport(*caller, req.matches[1].str(),
                                                   req.get_param_value("system_id"),
                                                   req.get_param_value("format"), body, context_));
                 });
    server_.Get(R"(/api/v1/cases/([^/]+)/verdict-suggestion)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleVerdictSuggestion(req.matches[1].str(), context_));
                });
    server_.Get(R"(/api/v1/cases/([^/]+)/assessments)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleAssessmentsList(req.matches[1].str(), context_));
                });
    server_.Get(R"(/api/v1/assessments/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kWorkCases);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleAssessmentGet(req.matches[1].str(), context_));
                });
    server_.Post(R"(/api/v1/assessments/([^/]+)/cancel)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   auto caller = Authenticate(req, Permission::kRunAssessments);
                   if (!caller.ok()) return Reply(res, caller.status());
                   auto out = HandleAssessmentCancel(*caller, req.matches[1].str(), context_);
                   if (!out.ok()) return Reply(res, out.status());
                   res.status = 202;  // the run stops shortly
                   res.set_content(*out, "application/json");
                 });
    server_.Patch(
        R"(/api/v1/findings/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
          auto caller = Authenticate(req, Permission::kRunAssessments);
          if (!caller.ok()) return Reply(res, caller.status());
          Answer(res, HandleFindingPatch(*caller, req.matches[1].str(), req.body, context_));
        });
  }

  // The registry of electronic systems: read by everyone who reads alerts, changed by admins.
  void SystemRoutes() {
    server_.Get("/api/v1/systems", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kReadEvents);
      if (!caller.ok()) return Reply(res, caller.status());
      Answer(res, HandleSystemsList(context_));
    });
    server_.Get("/api/v1/systems.csv", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kReadEvents);
      if (!caller.ok()) return Reply(res, caller.status());
      auto csv = HandleSystemsExport(context_);
      if (!csv.ok()) return Reply(res, csv.status());
      res.set_header("Content-Disposition", "attachment; filename=\"sistem-elektronik.csv\"");
      res.set_content(*csv, "text/csv; charset=utf-8");
    });
    server_.Post("/api/v1/systems", [this](const httplib::Request& req, httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kManageSettings);
      if (!caller.ok()) return Reply(res, caller.status());
      AnswerCreated(res, HandleSystemCreate(*caller, req.body, context_));
    });
    // The file is read here rather than by httplib, which would take a body sent as a form
    // (curl --data's default type) apart as form fields.
    server_.Post(
        "/api/v1/systems/import", [this](const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader& read_content) {
          auto caller = Authenticate(req, Permission::kManageSettings);
          if (!caller.ok()) {
            DiscardBody(req, read_content, kMaxImportBytes);
            return Reply(res, caller.status());
          }
          if (req.is_multipart_form_data()) {
            DiscardBody(req, read_content, kMaxImportBytes);
            return Reply(res, InvalidArgument("send the CSV file itself as the body, not a form"));
          }
          std::string body;
          bool too_large = false;
          read_content([&](const char* data, size_t length) {
            if (body.size() + length > kMaxImportBytes) {
              too_large = true;
              return false;
            }
            body.append(data, length);
            return true;
          });
          if (too_large) {
            return Reply(res, TooLarge("the file is larger than " +
                                       std::to_string(kMaxImportBytes) + " bytes: split it"));
          }
          auto out = HandleSystemsImport(*caller, body, context_);
          if (!out.ok()) return Reply(res, out.status());
          res.status = out->status;
          res.set_content(out->body, "application/json");
        });
    server_.Get(R"(/api/v1/systems/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kReadEvents);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleSystemGet(req.matches[1].str(), context_));
                });
    server_.Put(R"(/api/v1/systems/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kManageSettings);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleSystemPut(*caller, req.matches[1].str(), req.body, context_));
                });
    server_.Delete(R"(/api/v1/systems/([^/]+))",
                   [this](const httplib::Request& req, httplib::Response& res) {
                     auto caller = Authenticate(req, Permission::kManageSettings);
                     if (!caller.ok()) return Reply(res, caller.status());
                     Status s = HandleSystemDelete(*caller, req.matches[1].str(), context_);
                     if (!s.ok()) return Reply(res, s);
                     res.status = 204;
                   });
  }

  // Website monitoring of a system: checked and given a baseline by analysts, coordinators and
  // admins (people), its status read by everyone who reads alerts.
  void MonitorRoutes() {
    server_.Post(R"(/api/v1/systems/([^/]+)/check)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   auto caller = AuthenticateMonitor(req);
                   if (!caller.ok()) return Reply(res, caller.status());
                   Answer(res, HandleSystemCheck(req.matches[1].str(), context_));
                 });
    server_.Post(R"(/api/v1/systems/([^/]+)/baseline)",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   auto caller = AuthenticateMonitor(req);
                   if (!caller.ok()) return Reply(res, caller.status());
                   Answer(res, HandleSystemBaseline(*caller, req.matches[1].str(), context_));
                 });
    server_.Get(R"(/api/v1/systems/([^/]+)/status)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kReadEvents);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleSystemStatus(req.matches[1].str(), context_));
                });
    // A page body the monitor kept, into a case's evidence (JSON body, not the upload's bytes).
    server_.Post(R"(/api/v1/cases/([^/]+)/evidence/monitor)", [this](const httplib::Request& req,
                                                                     httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kWorkCases);
      if (!caller.ok()) return Reply(res, caller.status());
      AnswerCreated(res, HandleEvidenceFromMonitor(*caller, req.matches[1].str(), req.body,
                                                   req.remote_addr, context_));
    });
    // A kept page body or screenshot by its hash. Pages are attacker-controlled: plain text, an
    // attachment, no sniffing, and a policy that would run nothing even if shown; a screenshot
    // is shown inline as an image under the same policy.
    server_.Get(R"(/api/v1/monitor/bodies/([^/]+))", [this](const httplib::Request& req,
                                                            httplib::Response& res) {
      auto caller = Authenticate(req, Permission::kReadEvents);
      if (!caller.ok()) return Reply(res, caller.status());
      auto kept = HandleMonitorBody(req.matches[1].str(), context_);
      if (!kept.ok()) return Reply(res, kept.status());
      res.set_header("Content-Disposition",
                     (kept->inline_ok ? "inline; filename=\"" : "attachment; filename=\"") +
                         kept->filename + "\"");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Content-Security-Policy", "default-src 'none'; sandbox");
      res.set_header("Cache-Control", "private, max-age=3600");
      res.set_header("X-Body-SHA256", kept->sha256);
      res.set_content(kept->body, kept->content_type);
    });
    // What changed between two kept pages, read as text (never served as HTML).
    server_.Get("/api/v1/monitor/diff",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kReadEvents);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleMonitorDiff(req.get_param_value("from"),
                                                req.get_param_value("to"), context_));
                });
    server_.Get("/api/v1/monitor/board",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kReadEvents);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandleMonitorBoard(context_));
                });
    // Behind a key with the status scope rather than open: Pantau is never meant to face the
    // Internet; a public portal holds the key, fetches this and republishes it.
    server_.Get("/api/v1/status/public",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto caller = Authenticate(req, Permission::kReadPublicStatus);
                  if (!caller.ok()) return Reply(res, caller.status());
                  Answer(res, HandlePublicStatus(context_));
                });
  }

  // Analysts and coordinators (who run assessments) or admins (who keep the registry).
  Result<Caller> AuthenticateMonitor(const httplib::Request& req) {
    auto caller = Authenticate(req, Permission::kRunAssessments);
    if (caller.ok() || caller.status().code() != StatusCode::kPermissionDenied) return caller;
    auto admin = Authenticate(req, Permission::kManageSettings);
    return admin.ok() ? admin : caller;
  }

  static RequestAuth AuthOf(const httplib::Request& req) {
    const bool changes = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                         req.method == "DELETE";
    return {req.get_header_value("Authorization"), req.get_header_value("Cookie"),
            req.get_header_value("X-CSRF-Token"), changes};
  }

  Result<Caller> Authenticate(const httplib::Request& req, Permission permission) {
    return AuthorizeRequest(AuthOf(req), permission, context_);
  }

  ApiContext context_;
  httplib::Server server_;
  uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace

Result<std::unique_ptr<HttpServer>> OpenHttpServer(const ListenAddress& address,
                                                   const ApiContext& context) {
  auto server = std::make_unique<HttplibServer>(context);
  RETURN_IF_ERROR(server->Bind(address));
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace pantau
