#include "notify/webhook_sender.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/event.h"
#include "notify/curl_easy.h"

namespace pantau {
namespace {

constexpr size_t kMaxResponseBytes = 4096;
constexpr size_t kShownResponseBytes = 300;

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * n;
  body->append(data,
               std::min(bytes, kMaxResponseBytes - std::min(kMaxResponseBytes, body->size())));
  return bytes;  // read on (and drop) the rest, so the server's answer completes
}

// The start of a response body on one line, control characters made spaces.
std::string Excerpt(std::string_view body) {
  std::string out(body.substr(0, kShownResponseBytes));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  // Do not leave half a UTF-8 character at the end.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
  return out;
}

bool IsHttpUrl(std::string_view url) {
  return (url.starts_with("http://") && url.size() > 7) ||
         (url.starts_with("https://") && url.size() > 8);
}

}  // namespace

std::string_view WebhookKindName(WebhookKind kind) {
  return kind == WebhookKind::kTelegram ? "telegram" : "generic";
}

Result<WebhookKind> ParseWebhookKind(std::string_view name) {
  if (name == "generic") return WebhookKind::kGeneric;
  if (name == "telegram") return WebhookKind::kTelegram;
  return InvalidArgument("'" + std::string(name) + "' is not a webhook kind (generic, telegram)");
}

std::string GenericWebhookBody(const Notification& n) {
  std::string out = R"({"event":)";
  AppendJsonString(out, n.event);
  AppendJsonMember(out, "case", n.case_number);
  AppendJsonMember(out, "state", n.state);
  AppendJsonMember(out, "title", n.title);
  AppendJsonMember(out, "url", n.url);
  for (const auto& [name, value] : n.extra) AppendJsonMember(out, name, value);
  return out + "}";
}

std::string TelegramText(const Notification& n) {
  std::string out = fmt::format("[Pantau] {}: {}", n.case_number, n.event);
  if (!n.state.empty()) out += " -> " + n.state;
  if (!n.title.empty()) out += "\n" + n.title;
  for (const auto& [name, value] : n.extra) out += fmt::format("\n{}: {}", name, value);
  if (!n.url.empty()) out += "\n" + n.url;
  return out;
}

bool Webhook::Wants(std::string_view event) const {
  return events.empty() || std::find(events.begin(), events.end(), event) != events.end();
}

std::string Webhook::Target() const {
  return kind == WebhookKind::kTelegram ? "telegram:" + chat_id : url;
}

std::string Webhook::PostUrl() const {
  if (kind == WebhookKind::kGeneric) return url;
  std::string base = url.empty() ? std::string(kTelegramApiBase) : url;
  while (base.ends_with('/')) base.pop_back();
  return base + "/bot" + token + "/sendMessage";
}

std::string Webhook::Body(const Notification& n) const {
  if (kind == WebhookKind::kGeneric) return GenericWebhookBody(n);
  std::string out = R"({"chat_id":)";
  AppendJsonString(out, chat_id);
  AppendJsonMember(out, "text", TelegramText(n));
  return out + "}";
}

Status CheckWebhook(const Webhook& hook, std::string_view what) {
  if (hook.kind == WebhookKind::kGeneric && !IsHttpUrl(hook.url)) {
    return InvalidArgument(
        fmt::format("{}.url: a generic webhook needs an http:// or https:// URL", what));
  }
  if (hook.kind == WebhookKind::kTelegram) {
    if (!hook.url.empty() && !IsHttpUrl(hook.url)) {
      return InvalidArgument(
          fmt::format("{}.url: the Bot API base must be an http:// or https:// URL", what));
    }
    if (hook.chat_id.empty()) {
      return InvalidArgument(fmt::format("{}.chat_id: a Telegram webhook needs one", what));
    }
    if (hook.token.empty()) {
      return InvalidArgument(
          fmt::format("{}.token_file: a Telegram webhook needs the bot's token", what));
    }
    const bool token_ok = std::all_of(hook.token.begin(), hook.token.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             c == ':' || c == '_' || c == '-';
    });
    if (!token_ok) {
      return InvalidArgument(fmt::format(
          "{}.token_file: the token holds characters a bot token has not (letters, digits, "
          "':', '_', '-')",
          what));
    }
  }
  if (std::any_of(hook.events.begin(), hook.events.end(),
                  [](const std::string& e) { return e.empty(); })) {
    return InvalidArgument(fmt::format("{}.events: an event name is empty", what));
  }
  return Status::Ok();
}

Result<std::string> WebhookSender::Post(std::string_view url, std::string_view json,
                                        std::string_view shown_as) {
  notify_internal::CurlHandle curl = notify_internal::NewCurlHandle();
  if (!curl) return Internal("curl_easy_init failed");
  CURL* c = curl.get();
  notify_internal::CurlList headers;
  if (!notify_internal::Append(headers, "Content-Type: application/json; charset=utf-8") ||
      !notify_internal::Append(headers, "Expect:")) {
    return Internal("out of memory");
  }
  const std::string url_text(url);
  std::string response;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url_text.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "Pantau");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, json.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);

  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    // curl's message may quote the URL, which for Telegram holds the token: say what kind of
    // failure it was in curl's words for the code, never the error buffer.
    std::string_view what = "failed";
    if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
        code == CURLE_COULDNT_RESOLVE_PROXY) {
      what = "cannot connect";
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      what = "timed out";
    } else if (code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION ||
               code == CURLE_SSL_CACERT_BADFILE) {
      what = "TLS failed";
    }
    return Unavailable(fmt::format("webhook {}: {}: {}", shown_as, what, curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  const std::string answer =
      fmt::format("HTTP {}{}{}", status, response.empty() ? "" : ": ", Excerpt(response));
  if (status >= 200 && status < 300) return answer;
  std::string m = fmt::format("webhook {}: the server answered {}", shown_as, answer);
  if (status == 408 || status == 429 || status >= 500) return Unavailable(std::move(m));
  return FailedPrecondition(std::move(m));
}

}  // namespace pantau
