#include "notify/smtp_sender.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>

#include "notify/curl_easy.h"

namespace pantau {
namespace {

using notify_internal::CurlHandle;
using notify_internal::CurlList;

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

std::string UrlPart(CURLU* u, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(u, part, &text, 0) != CURLUE_OK || text == nullptr) return "";
  std::string out(text);
  curl_free(text);
  return out;
}

// What one session said, as far as an error message needs it. Only the verbs of our commands
// are kept (and a recipient's address), never what follows AUTH: that is the password.
struct Transcript {
  std::string last_command;  // "MAIL FROM", "RCPT TO:<a@b.org>", "DATA", "AUTH"
  std::string last_reply;    // the whole (possibly multi-line) reply, lines joined by " / "
  std::string pending_reply;
  std::string data_reply;  // the reply to the message itself
  // The first refusal (4xx or 5xx) and the command it answered: curl ends a failed session with
  // QUIT, so the last reply is seldom the one that matters.
  std::string refused_command, refusal;
  bool in_data = false;  // 354 seen: the next reply is the message's
  std::string body;      // what the read callback still has to send
  size_t sent = 0;

  void OnCommand(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    std::string verb;
    for (char c : line.substr(0, line.find(' '))) {
      verb += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (verb == "RCPT" || verb == "MAIL") {
      last_command = std::string(line.substr(0, 200));
    } else if (verb == "EHLO" || verb == "HELO" || verb == "STARTTLS" || verb == "DATA" ||
               verb == "QUIT" || verb == "AUTH" || verb == "RSET") {
      last_command = verb;
    } else {
      last_command = "AUTH";  // a continuation of the login: never shown
    }
  }

  void OnReplyLine(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (!pending_reply.empty()) pending_reply += " / ";
    pending_reply += std::string(line.substr(0, 500));
    const bool final_line = line.size() < 4 || line[3] != '-';
    if (!final_line) return;
    last_reply = std::move(pending_reply);
    pending_reply.clear();
    if (refusal.empty() && (last_reply.starts_with('4') || last_reply.starts_with('5'))) {
      refusal = last_reply;
      refused_command = in_data ? "the message" : last_command;
    }
    if (in_data) {
      data_reply = last_reply;
      in_data = false;
    } else if (last_reply.starts_with("354")) {
      in_data = true;
    }
  }

  int RefusalCode() const {
    return refusal.size() < 3 ? 0 : std::atoi(refusal.substr(0, 3).c_str());
  }
};

int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* t = static_cast<Transcript*>(user);
  const std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT) {
    t->OnCommand(text);
  } else if (type == CURLINFO_HEADER_IN) {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      end = end == std::string_view::npos ? text.size() : end + 1;
      t->OnReplyLine(text.substr(start, end - start));
      start = end;
    }
  }
  return 0;
}

size_t OnRead(char* buffer, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transcript*>(user);
  const size_t len = std::min(size * n, t->body.size() - t->sent);
  std::memcpy(buffer, t->body.data() + t->sent, len);
  t->sent += len;
  return len;
}

// Why the session failed, from the server's last reply when it refused something, from curl's
// code otherwise.
Status Failure(std::string_view url, CURLcode code, const char* error_buffer, const Transcript& t,
               std::string_view username) {
  const std::string curl_error =
      error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(code);
  const int reply = t.RefusalCode();
  if (reply >= 400 && code != CURLE_OPERATION_TIMEDOUT) {
    const std::string& command = t.refused_command;
    std::string what;
    bool permanent = reply >= 500;
    if (command == "AUTH" || code == CURLE_LOGIN_DENIED) {
      what = fmt::format("authentication as '{}' failed", username);
      permanent = false;  // the password file may be fixed before the next attempt
    } else if (command.starts_with("RCPT")) {
      const size_t lt = command.find('<');
      what = "the server rejected the recipient " +
             (lt == std::string::npos ? command : command.substr(lt));
    } else if (command.starts_with("MAIL")) {
      what = "the server refused the sender (" + command + ")";
    } else if (command == "the message" || command == "DATA") {
      what = "the server refused the message";
    } else if (command == "STARTTLS") {
      what = "the server refused STARTTLS";
    } else {
      what = fmt::format("the server refused {}", command.empty() ? "the session" : command);
    }
    std::string m = fmt::format("SMTP {}: {}: {}", url, what, t.refusal);
    return permanent ? FailedPrecondition(std::move(m)) : Unavailable(std::move(m));
  }
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
      return Unavailable(fmt::format("SMTP {}: cannot connect: {}", url, curl_error));
    case CURLE_OPERATION_TIMEDOUT:
      return Unavailable(fmt::format(
          "SMTP {}: timed out{}: {}", url,
          t.last_command.empty() ? std::string(" connecting") : " after " + t.last_command,
          curl_error));
    case CURLE_USE_SSL_FAILED:
      return Unavailable(fmt::format(
          "SMTP {}: STARTTLS is required but the server does not offer it (starttls: required)",
          url));
    case CURLE_LOGIN_DENIED:
      return Unavailable(fmt::format("SMTP {}: authentication as '{}' failed: {}", url, username,
                                     t.last_reply.empty() ? curl_error : t.last_reply));
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
      return Unavailable(fmt::format("SMTP {}: TLS failed: {}", url, curl_error));
    case CURLE_OUT_OF_MEMORY:
      return Internal(fmt::format("SMTP {}: out of memory", url));
    default:
      return Unavailable(
          fmt::format("SMTP {}: {}{}", url, curl_error,
                      t.last_reply.empty() ? "" : " (last reply: " + t.last_reply + ")"));
  }
}

}  // namespace

std::string_view StartTlsName(StartTls policy) {
  switch (policy) {
    case StartTls::kRequired:
      return "required";
    case StartTls::kIfAvailable:
      return "if_available";
    case StartTls::kNone:
      return "none";
  }
  return "required";
}

Result<StartTls> ParseStartTls(std::string_view name) {
  for (StartTls p : {StartTls::kRequired, StartTls::kIfAvailable, StartTls::kNone}) {
    if (StartTlsName(p) == name) return p;
  }
  return InvalidArgument("'" + std::string(name) +
                         "' is not a STARTTLS policy (required, if_available, none)");
}

bool IsLoopbackHost(std::string_view host) {
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

Result<std::unique_ptr<SmtpSender>> SmtpSender::Create(SmtpOptions options) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument(fmt::format("notify.smtp.url: '{}' {}", options.url, why));
  };
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return Internal("out of memory");
  if (curl_url_set(u.get(), CURLUPART_URL, options.url.c_str(), 0) != CURLUE_OK) {
    return bad("is not a URL (smtp://host:port or smtps://host:port)");
  }
  const std::string scheme = UrlPart(u.get(), CURLUPART_SCHEME);
  if (scheme != "smtp" && scheme != "smtps") return bad("must start with smtp:// or smtps://");
  const std::string host = UrlPart(u.get(), CURLUPART_HOST);
  if (host.empty()) return bad("has no host");
  if (!UrlPart(u.get(), CURLUPART_USER).empty()) {
    return bad("must not hold a user name: use notify.smtp.username and password_file");
  }
  const std::string path = UrlPart(u.get(), CURLUPART_PATH);
  if (!path.empty() && path != "/") {
    return bad("must not have a path (the EHLO name is the sender's domain)");
  }
  const bool loopback = IsLoopbackHost(host);
  const StartTls starttls =
      options.starttls.value_or(loopback ? StartTls::kIfAvailable : StartTls::kRequired);
  if (options.username.empty() != options.password_file.empty()) {
    return InvalidArgument("notify.smtp: username and password_file go together");
  }
  if (!options.username.empty()) {
    if (scheme == "smtp" && starttls != StartTls::kRequired && !loopback) {
      return InvalidArgument(fmt::format(
          "notify.smtp: with starttls: {} the password could travel in clear to {}; use "
          "starttls: required or an smtps:// URL",
          StartTlsName(starttls), host));
    }
    RETURN_IF_ERROR(
        notify_internal::ReadSecretFile(options.password_file, "notify.smtp.password_file")
            .status());
  }
  if (options.connect_timeout.count() <= 0 || options.total_timeout.count() <= 0) {
    return InvalidArgument("notify.smtp: timeouts must be positive");
  }
  const bool implicit_tls = scheme == "smtps";
  return std::unique_ptr<SmtpSender>(new SmtpSender(std::move(options), starttls, implicit_tls));
}

Result<std::string> SmtpSender::Send(std::string_view envelope_from,
                                     const std::vector<std::string>& recipients,
                                     std::string_view data) {
  const std::string& url = options_.url;
  if (recipients.empty()) return InvalidArgument("a message needs at least one recipient");
  std::string password;
  if (!options_.username.empty()) {
    ASSIGN_OR_RETURN(password, notify_internal::ReadSecretFile(options_.password_file,
                                                               "notify.smtp.password_file"));
  }
  CurlHandle curl = notify_internal::NewCurlHandle();
  if (!curl) return Internal("curl_easy_init failed");
  CURL* c = curl.get();

  // The EHLO name: curl takes it from the URL's path.
  const size_t at = envelope_from.rfind('@');
  std::string session_url = url;
  while (session_url.ends_with('/')) session_url.pop_back();
  if (at != std::string_view::npos) session_url += "/" + std::string(envelope_from.substr(at + 1));

  CurlList rcpt;
  for (const std::string& r : recipients) {
    if (!notify_internal::Append(rcpt, "<" + r + ">")) return Internal("out of memory");
  }
  const std::string mail_from = "<" + std::string(envelope_from) + ">";
  Transcript t;
  t.body = std::string(data);
  char error_buffer[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(c, CURLOPT_URL, session_url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!implicit_tls_) {
    const long use_ssl = starttls_ == StartTls::kRequired      ? CURLUSESSL_ALL
                         : starttls_ == StartTls::kIfAvailable ? CURLUSESSL_TRY
                                                               : CURLUSESSL_NONE;
    curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
  }
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
  curl_easy_setopt(c, CURLOPT_READFUNCTION, OnRead);
  curl_easy_setopt(c, CURLOPT_READDATA, &t);
  // The session's lines go to OnDebug only (verbose output is not printed when a debug function
  // is set); it keeps the replies and our verbs, never the login.
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, OnDebug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &t);
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);

  const CURLcode code = curl_easy_perform(c);
  // Wipe the password from our copy; curl keeps its own until cleanup.
  std::fill(password.begin(), password.end(), '\0');
  if (code != CURLE_OK) return Failure(url, code, error_buffer, t, options_.username);
  if (t.data_reply.empty()) return std::string("250 (the server's reply was not seen)");
  return t.data_reply;
}

}  // namespace pantau
