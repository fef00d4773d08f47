// SmtpSender: hands a built message (mail_message.h) to a mail server over SMTP with libcurl,
// in one session: EHLO, STARTTLS when the policy asks for it, AUTH when a username is set, MAIL,
// one RCPT per recipient, DATA, QUIT. Any rejected recipient fails the whole send (an official
// letter goes to everyone on it or is retried), and the error says what failed: connecting, TLS,
// authentication, the sender, a recipient or the message, with the server's own reply.
//
// The server's certificate is always verified (against ca_file when set). With `starttls:
// required` (the default for every host but a loopback one) a server that does not offer
// STARTTLS gets nothing; smtps:// URLs speak TLS from the first byte. A password never travels
// in clear to a host that is not loopback: Create refuses that setting. The password is read from
// its file at each send (so a changed file is used without a restart) and is never logged nor
// put in an error.
//
// MailTransport is what the dispatcher sends through, so that its tests can fail on purpose.
//
// Thread-safety: Send may be called from any thread, also concurrently (one curl handle per
// call); the options are immutable after Create.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pantau {

// Failures a retry may cure (no connection, a 4xx reply, a timeout, TLS trouble) are
// kUnavailable; the server's permanent refusals (5xx to MAIL, RCPT or the message) are
// kFailedPrecondition; a setting or file that is wrong is kInvalidArgument.
class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // Sends `data` (CRLF lines) from `envelope_from` to `recipients`. Returns the server's reply to
  // the message, e.g. "250 2.0.0 Ok: queued as 4F2A1C".
  virtual Result<std::string> Send(std::string_view envelope_from,
                                   const std::vector<std::string>& recipients,
                                   std::string_view data) = 0;
};

enum class StartTls { kRequired, kIfAvailable, kNone };
std::string_view StartTlsName(StartTls policy);  // required, if_available, none
Result<StartTls> ParseStartTls(std::string_view name);

struct SmtpOptions {
  std::string url;                   // smtp://host[:port] (587 is usual) or smtps://host[:port]
  std::optional<StartTls> starttls;  // unset: required, or if_available for a loopback host
  std::string username;              // empty: no AUTH
  std::string password_file;         // its first line is the password; REQUIRES: with username
  std::string ca_file;               // PEM file of the CAs to trust; empty: the system's
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(15)};
  std::chrono::milliseconds total_timeout{std::chrono::seconds(120)};
};

class SmtpSender final : public MailTransport {
 public:
  // Checks the options (the URL, the policy against the host, that the password file reads).
  static Result<std::unique_ptr<SmtpSender>> Create(SmtpOptions options);

  Result<std::string> Send(std::string_view envelope_from,
                           const std::vector<std::string>& recipients,
                           std::string_view data) override;

  // The policy in force, after the default for the host was applied.
  StartTls starttls() const { return starttls_; }
  const std::string& url() const { return options_.url; }

 private:
  SmtpSender(SmtpOptions options, StartTls starttls, bool implicit_tls)
      : options_(std::move(options)), starttls_(starttls), implicit_tls_(implicit_tls) {}

  const SmtpOptions options_;
  const StartTls starttls_;
  const bool implicit_tls_;
};

// True for localhost, 127.0.0.0/8 and ::1: the hosts where mail may travel without TLS by
// default.
bool IsLoopbackHost(std::string_view host);

}  // namespace pantau
