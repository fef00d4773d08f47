// Webhooks: a JSON POST at a workflow step, to a generic endpoint (an object with the event, the
// case, its state, title and link) or to a Telegram chat through the Bot API's sendMessage
// ({"chat_id", "text"} to BASE/bot<token>/sendMessage). WebhookSender does the POST with libcurl:
// timeouts, no redirects followed, the response status checked (2xx is success).
//
// A Telegram bot token is a secret: it is read from a file, lives only in the Webhook in memory,
// and never appears in a dispatch record (whose target is "telegram:<chat_id>"), in a log or in
// an error. A generic URL is recorded as its target as is, so it should not carry a secret.
// Webhooks go through the proxy of the environment (https_proxy), if any.
//
// WebhookTransport is what the dispatcher posts through, so that its tests can fail on purpose.
//
// Thread-safety: Webhook is a value; WebhookSender::Post may be called from any thread, also
// concurrently (one curl handle per call).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace pantau {

enum class WebhookKind { kGeneric, kTelegram };
std::string_view WebhookKindName(WebhookKind kind);  // generic, telegram
Result<WebhookKind> ParseWebhookKind(std::string_view name);

inline constexpr std::string_view kTelegramApiBase = "https://api.telegram.org";

// A workflow step worth telling.
struct Notification {
  std::string event;        // the workflow action: investigate, submit, approve, notify, close...
  std::string case_number;  // INS-2026-0042
  std::string state;        // the case's state after the step
  std::string title;        // the case's title
  std::string url;          // the case in the web UI
  std::vector<std::pair<std::string, std::string>> extra;  // more text members, e.g. {"actor", ..}
};

// {"event", "case", "state", "title", "url", then the extra members in order}.
std::string GenericWebhookBody(const Notification& n);
// A few lines for people: "[Pantau] INS-2026-0042: approve -> approved\n<title>\n<url>".
std::string TelegramText(const Notification& n);

struct Webhook {
  WebhookKind kind = WebhookKind::kGeneric;
  std::string url;      // generic: where to POST; telegram: the Bot API base (kTelegramApiBase)
  std::string chat_id;  // telegram
  std::string token;    // telegram: the bot token
  std::vector<std::string> events;  // the workflow actions it wants; empty: all

  bool Wants(std::string_view event) const;
  // What a dispatch records: the URL, or "telegram:<chat_id>".
  std::string Target() const;
  // Where to POST: the URL, or BASE/bot<token>/sendMessage.
  std::string PostUrl() const;
  // The JSON body for `n`.
  std::string Body(const Notification& n) const;
};

// InvalidArgument when the URL is not http(s), a Telegram hook lacks its chat id or token, or an
// event name is empty. `what` names the setting ("notify.webhooks[1]").
Status CheckWebhook(const Webhook& hook, std::string_view what);

// Failures a retry may cure (no connection, a timeout, HTTP 408, 429 or 5xx) are kUnavailable;
// other answers outside 2xx are kFailedPrecondition.
class WebhookTransport {
 public:
  virtual ~WebhookTransport() = default;
  // POSTs `json` to `url`. `shown_as` names the target in errors (never the URL of a Telegram
  // hook: it holds the token). Returns "HTTP 200" and the start of the response's body.
  virtual Result<std::string> Post(std::string_view url, std::string_view json,
                                   std::string_view shown_as) = 0;
};

struct WebhookOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds total_timeout{std::chrono::seconds(30)};
  std::string ca_file;  // PEM CAs to trust; empty: the system's
};

class WebhookSender final : public WebhookTransport {
 public:
  explicit WebhookSender(WebhookOptions options) : options_(std::move(options)) {}
  Result<std::string> Post(std::string_view url, std::string_view json,
                           std::string_view shown_as) override;

 private:
  const WebhookOptions options_;
};

}  // namespace pantau
