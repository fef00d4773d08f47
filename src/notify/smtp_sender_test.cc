// SmtpSender against a real SMTP server on 127.0.0.1: the test sink (tests/e2e/smtp_sink.py),
// with STARTTLS (a certificate made here with openssl req) and AUTH, and without.
#include "notify/smtp_sender.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "notify/mail_message.h"
#include "notify/test_processes.h"

namespace pantau {
namespace {

using testing_support::SinkProcess;

constexpr TimeNs kDate = 1'772'348'400LL * kNsPerSecond;

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

nlohmann::json ReadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  return nlohmann::json::parse(in, nullptr, false);
}

// A free port on 127.0.0.1 that nothing listens on (bound, then closed).
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

class SmtpSenderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("pantau_smtp_" + std::to_string(::getpid())));
    std::filesystem::remove_all(*dir_);
    std::filesystem::create_directories(*dir_);
    ASSERT_TRUE(testing_support::MakeTestCertificate(*dir_)) << "openssl req failed";
    std::ofstream(*dir_ / "password") << "rahasia-123\n";
    std::ofstream(*dir_ / "wrong") << "salah\n";
    tls_sink_ = new SinkProcess(
        *dir_ / "tls",
        {"--tls-cert", (*dir_ / "cert.pem").string(), "--tls-key", (*dir_ / "key.pem").string(),
         "--auth", "pantau:rahasia-123", "--reject-rcpt", "unknown@portal.kukarkab.go.id"});
    plain_sink_ = new SinkProcess(*dir_ / "plain", {"--fail-mail", "1"});
    smtps_sink_ = new SinkProcess(*dir_ / "smtps",
                                  {"--implicit-tls", "--tls-cert", (*dir_ / "cert.pem").string(),
                                   "--tls-key", (*dir_ / "key.pem").string()});
  }
  static void TearDownTestSuite() {
    delete tls_sink_;
    delete plain_sink_;
    delete smtps_sink_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(tls_sink_->port(), 0) << "the TLS sink did not start (see its sink.log)";
    ASSERT_NE(plain_sink_->port(), 0) << "the plain sink did not start";
    ASSERT_NE(smtps_sink_->port(), 0) << "the smtps sink did not start";
  }

  static SmtpOptions TlsOptions() {
    SmtpOptions o;
    o.url = "smtp://127.0.0.1:" + std::to_string(tls_sink_->port());
    o.starttls = StartTls::kRequired;
    o.username = "pantau";
    o.password_file = (*dir_ / "password").string();
    o.ca_file = (*dir_ / "cert.pem").string();
    o.connect_timeout = std::chrono::seconds(5);
    o.total_timeout = std::chrono::seconds(10);
    return o;
  }

  static MailMessage Letter() {
    MailMessage m;
    m.from = {"CSIRT Kukar", "csirt@kukarkab.go.id"};
    m.to = {{"Admin Portal", "admin@portal.kukarkab.go.id"}};
    m.cc = {{"", "kadis@diskominfo.kukarkab.go.id"}};
    m.subject = "Surat pemberitahuan insiden — INS-2026-0042";
    m.body = "Dengan hormat,\n.\n..a line that starts with dots\nTerlampir surat.\n";
    return m;
  }

  static std::filesystem::path* dir_;
  static SinkProcess* tls_sink_;
  static SinkProcess* plain_sink_;
  static SinkProcess* smtps_sink_;
};

std::filesystem::path* SmtpSenderTest::dir_ = nullptr;
SinkProcess* SmtpSenderTest::tls_sink_ = nullptr;
SinkProcess* SmtpSenderTest::plain_sink_ = nullptr;
SinkProcess* SmtpSenderTest::smtps_sink_ = nullptr;

TEST_F(SmtpSenderTest, ImplicitTlsWithSmtps) {
  SmtpOptions o;
  o.url = "smtps://127.0.0.1:" + std::to_string(smtps_sink_->port());
  o.ca_file = (*dir_ / "cert.pem").string();
  auto sender = SmtpSender::Create(o);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  auto built = BuildMail(Letter(), kDate, NewMessageToken());
  ASSERT_TRUE(built.ok());
  auto reply = (*sender)->Send(built->envelope_from, built->recipients, built->data);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  const nlohmann::json got = ReadJson(smtps_sink_->Message(1));
  ASSERT_TRUE(got.is_object());
  EXPECT_EQ(got["tls"], true);
  EXPECT_EQ(got["data"], built->data);
}

TEST_F(SmtpSenderTest, DeliversAPdfOverStartTlsWithAuthByteIdentical) {
  auto sender = SmtpSender::Create(TlsOptions());
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  // A PDF-like file of every byte value, larger than one base64 line many times over.
  std::string pdf = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::mt19937 random(42);
  while (pdf.size() < 300'000) pdf += static_cast<char>(random() & 0xFF);
  pdf += "\n%%EOF\n";
  MailMessage m = Letter();
  m.attachments = {{"Surat pemberitahuan INS-2026-0042.pdf", "application/pdf", pdf}};
  auto built = BuildMail(m, kDate, NewMessageToken());
  ASSERT_TRUE(built.ok()) << built.status().ToString();

  auto reply = (*sender)->Send(built->envelope_from, built->recipients, built->data);
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_TRUE(reply->starts_with("250 2.0.0 Ok: queued as SINK")) << *reply;

  const nlohmann::json got = ReadJson(tls_sink_->Message(1));
  ASSERT_TRUE(got.is_object()) << "the sink kept no message";
  EXPECT_EQ(got["tls"], true);
  EXPECT_EQ(got["auth"], "pantau");
  EXPECT_EQ(got["helo"], "kukarkab.go.id");
  EXPECT_EQ(got["mail_from"], "csirt@kukarkab.go.id");
  EXPECT_EQ(got["rcpt_to"],
            nlohmann::json({"admin@portal.kukarkab.go.id", "kadis@diskominfo.kukarkab.go.id"}));
  EXPECT_EQ(got["data"], built->data) << "the message arrives as built (dot-stuffing undone)";
  EXPECT_EQ(got["subject"], m.subject);
  EXPECT_EQ(got["message_id"], built->message_id);
  EXPECT_EQ(got["text"],
            "Dengan hormat,\r\n.\r\n..a line that starts with dots\r\nTerlampir surat.\r\n");
  EXPECT_EQ(got["defects"], nlohmann::json::array());
  ASSERT_EQ(got["attachments"].size(), 1u);
  EXPECT_EQ(got["attachments"][0]["filename"], "Surat pemberitahuan INS-2026-0042.pdf");
  EXPECT_EQ(got["attachments"][0]["content_type"], "application/pdf");
  EXPECT_EQ(got["attachments"][0]["size"], pdf.size());
  EXPECT_EQ(got["attachments"][0]["sha256"], Sha256Hex(pdf)) << "byte-identical after base64";
}

TEST_F(SmtpSenderTest, ARejectedRecipientFailsWithTheServersReply) {
  auto sender = SmtpSender::Create(TlsOptions());
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  MailMessage m = Letter();
  m.to.push_back({"", "unknown@portal.kukarkab.go.id"});
  auto built = BuildMail(m, kDate, NewMessageToken());
  ASSERT_TRUE(built.ok());
  auto reply = (*sender)->Send(built->envelope_from, built->recipients, built->data);
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kFailedPrecondition);
  const std::string& msg = reply.status().message();
  EXPECT_NE(msg.find("rejected the recipient <unknown@portal.kukarkab.go.id>"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("550 5.1.1"), std::string::npos) << msg;
}

TEST_F(SmtpSenderTest, AWrongPasswordIsAnAuthFailureThatNeverShowsThePassword) {
  SmtpOptions o = TlsOptions();
  o.password_file = (*dir_ / "wrong").string();
  auto sender = SmtpSender::Create(o);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  auto reply = (*sender)->Send("csirt@kukarkab.go.id", {"a@b.org"}, "Subject: x\r\n\r\nx\r\n");
  ASSERT_FALSE(reply.ok());
  const std::string& msg = reply.status().message();
  EXPECT_NE(msg.find("authentication as 'pantau' failed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("535"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("salah"), std::string::npos) << msg;
}

TEST_F(SmtpSenderTest, AnUntrustedCertificateIsATlsFailure) {
  SmtpOptions o = TlsOptions();
  o.ca_file.clear();  // the system's CAs do not know the test certificate
  auto sender = SmtpSender::Create(o);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  auto reply = (*sender)->Send("csirt@kukarkab.go.id", {"a@b.org"}, "Subject: x\r\n\r\nx\r\n");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(reply.status().message().find("TLS failed"), std::string::npos)
      << reply.status().message();
}

TEST_F(SmtpSenderTest, RequiredStartTlsAgainstAServerWithoutIt) {
  SmtpOptions o;
  o.url = "smtp://127.0.0.1:" + std::to_string(plain_sink_->port());
  o.starttls = StartTls::kRequired;
  auto sender = SmtpSender::Create(o);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  auto reply = (*sender)->Send("csirt@kukarkab.go.id", {"a@b.org"}, "Subject: x\r\n\r\nx\r\n");
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.status().message().find("STARTTLS is required"), std::string::npos)
      << reply.status().message();
}

TEST_F(SmtpSenderTest, PlainLoopbackWithATemporaryRefusalThenSuccess) {
  SmtpOptions o;
  o.url = "smtp://127.0.0.1:" + std::to_string(plain_sink_->port());
  auto sender = SmtpSender::Create(o);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  EXPECT_EQ((*sender)->starttls(), StartTls::kIfAvailable) << "the loopback default";
  // The sink answers the first MAIL with 451 (--fail-mail 1): a failure worth retrying.
  auto first = (*sender)->Send("csirt@kukarkab.go.id", {"a@b.org"}, "Subject: x\r\n\r\nx\r\n");
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(first.status().message().find("refused the sender"), std::string::npos)
      << first.status().message();
  EXPECT_NE(first.status().message().find("451"), std::string::npos);
  auto second = (*sender)->Send("csirt@kukarkab.go.id", {"a@b.org"}, "Subject: x\r\n\r\nx\r\n");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  const nlohmann::json got = ReadJson(plain_sink_->Message(1));
  ASSERT_TRUE(got.is_object());
  EXPECT_EQ(got["tls"], false);
}

TEST_F(SmtpSenderTest, NothingListeningIsAConnectFailure) {
  SmtpOptions o;
  o.url = "smtp://127.0.0.1:" + std::to_string(ClosedPort());
  o.connect_timeout = std::chrono::seconds(2);
  auto sender = SmtpSender::Create(o);
  ASSERT_TRUE(sender.ok());
  auto reply = (*sender)->Send("csirt@kukarkab.go.id", {"a@b.org"}, "x\r\n");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(reply.status().message().find("cannot connect"), std::string::npos)
      << reply.status().message();
}

TEST(SmtpSenderOptions, BadSettingsAreRefused) {
  const std::string password_file =
      (std::filesystem::temp_directory_path() / ("pantau_pw_" + std::to_string(::getpid())))
          .string();
  std::ofstream(password_file) << "x\n";
  struct Case {
    SmtpOptions options;
    std::string expect;
  };
  SmtpOptions clear_password;
  clear_password.url = "smtp://mail.kukarkab.go.id:587";
  clear_password.starttls = StartTls::kIfAvailable;
  clear_password.username = "pantau";
  clear_password.password_file = password_file;
  SmtpOptions no_file = clear_password;
  no_file.starttls.reset();
  no_file.password_file = "/nonexistent/password";
  SmtpOptions no_password = clear_password;
  no_password.password_file.clear();
  const Case cases[] = {
      {{.url = "http://mail.example.org"}, "must start with smtp:// or smtps://"},
      {{.url = "not a url"}, "is not a URL"},
      {{.url = "smtp://user:pw@mail.example.org"}, "must not hold a user name"},
      {{.url = "smtp://mail.example.org/x"}, "must not have a path"},
      {clear_password, "could travel in clear"},
      {no_file, "cannot read /nonexistent/password"},
      {no_password, "username and password_file go together"},
  };
  for (const Case& c : cases) {
    auto s = SmtpSender::Create(c.options);
    ASSERT_FALSE(s.ok()) << c.expect;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(c.expect), std::string::npos) << s.status().message();
  }
  // The default policy: required for a remote host, and a password may then be used.
  SmtpOptions remote = clear_password;
  remote.starttls.reset();
  auto s = SmtpSender::Create(remote);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->starttls(), StartTls::kRequired);
  std::filesystem::remove(password_file);

  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("[::1]"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_FALSE(IsLoopbackHost("mail.kukarkab.go.id"));
  EXPECT_FALSE(ParseStartTls("sometimes").ok());
  EXPECT_EQ(*ParseStartTls("if_available"), StartTls::kIfAvailable);
}

}  // namespace
}  // namespace pantau
