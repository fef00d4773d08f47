#include "assess/web_checks.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include "core/clock.h"

namespace pantau {
namespace {

std::vector<std::string> Titles(const std::vector<NewFinding>& findings) {
  std::vector<std::string> out;
  for (const NewFinding& f : findings) out.push_back(f.title);
  return out;
}

HttpExchange Page(std::string url, std::string body,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpExchange e;
  e.url = std::move(url);
  e.status = 200;
  e.body = std::move(body);
  e.headers = std::move(headers);
  return e;
}

const std::vector<std::pair<std::string, std::string>> kGoodHeaders = {
    {"content-security-policy", "default-src 'self'"},
    {"x-frame-options", "DENY"},
    {"strict-transport-security", "max-age=31536000"},
    {"x-content-type-options", "nosniff"}};

TEST(WebChecks, APageThatFailsEveryCheck) {
  const auto findings = CheckPage(
      Page("https://portal.example/",
           "<html><title>Index of /</title><h1>Index of /</h1><a href=x>x</a>"
           "<div style=display:none>SLOT GACOR hari ini, Situs Slot terpercaya</div></html>"));
  EXPECT_EQ(
      Titles(findings),
      (std::vector<std::string>{
          "Missing Content-Security-Policy header", "Missing X-Frame-Options header",
          "Missing Strict-Transport-Security header", "Missing X-Content-Type-Options: nosniff",
          "Directory listing enabled", "Online-gambling content in the page"}));
  EXPECT_EQ(findings[4].severity, "medium");
  EXPECT_EQ(findings[5].severity, "high");
  EXPECT_NE(findings[5].evidence.find("'slot gacor', 'situs slot'"), std::string::npos);
  EXPECT_NE(findings[5].evidence.find("SLOT GACOR hari ini"), std::string::npos);
  EXPECT_EQ(findings[0].target, "https://portal.example/");
}

TEST(WebChecks, APageThatPasses) {
  EXPECT_TRUE(
      CheckPage(Page("https://portal.example/", "<html>Berita Kukar hari ini</html>", kGoodHeaders))
          .empty());
  // Plain HTTP needs no HSTS; a CSP frame-ancestors stands for X-Frame-Options.
  EXPECT_TRUE(CheckPage(Page("http://portal.example/", "<html>ok</html>",
                             {{"content-security-policy", "frame-ancestors 'none'"},
                              {"x-content-type-options", "nosniff"}}))
                  .empty());
}

TEST(WebChecks, ExposedFilesOnlyWhenTheyAreThoseFiles) {
  auto found = [](std::string_view path, std::string body) {
    return Titles(CheckExposedFile(path, Page("http://x" + std::string(path), std::move(body))));
  };
  EXPECT_EQ(found("/.git/HEAD", "ref: refs/heads/main\n"),
            std::vector<std::string>{"Exposed Git repository (/.git/HEAD)"});
  EXPECT_EQ(found("/.env", "APP_KEY=base64:abc\nDB_PASSWORD=rahasia\n"),
            std::vector<std::string>{"Exposed environment file (/.env)"});
  EXPECT_EQ(found("/backup.zip", std::string("PK\x03\x04rest", 8)),
            std::vector<std::string>{"Exposed backup archive (/backup.zip)"});
  EXPECT_EQ(
      found("/wp-config.php.bak", "<?php define('DB_PASSWORD', 'x');"),
      std::vector<std::string>{"Exposed WordPress configuration backup (/wp-config.php.bak)"});
  // A site answering 200 with its own page for every path (a soft 404) exposes nothing.
  const std::string soft404 = "<!doctype html><html><title>Tidak ditemukan</title></html>";
  for (std::string_view path : kExposedFilePaths) EXPECT_TRUE(found(path, soft404).empty()) << path;
  HttpExchange missing = Page("http://x/.env", "DB_PASSWORD=x");
  missing.status = 404;
  EXPECT_TRUE(CheckExposedFile("/.env", missing).empty());
  // The excerpt names the settings, not their values.
  const auto env = CheckExposedFile("/.env", Page("http://x/.env", "DB_PASSWORD=rahasia\n"));
  ASSERT_EQ(env.size(), 1u);
  EXPECT_NE(env[0].evidence.find("DB_PASSWORD=***"), std::string::npos);
  EXPECT_EQ(env[0].evidence.find("rahasia"), std::string::npos);
}

TEST(WebChecks, RunRefusesNothingItWasNotGiven) {
  // No targets (only the allow-list makes them): nothing is fetched.
  const std::atomic<bool> cancel{false};
  const WebCheckResult r = RunWebChecks({}, WebCheckOptions{}, cancel);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_TRUE(r.transcript.empty());
  EXPECT_EQ(r.error, "no registered URL to check");
}

std::vector<std::string> Ids(const std::vector<NewFinding>& findings) {
  std::vector<std::string> out;
  for (const NewFinding& f : findings) out.push_back(f.check_id);
  return out;
}

std::vector<NewFinding> WithId(const std::vector<NewFinding>& findings, std::string_view id) {
  std::vector<NewFinding> out;
  for (const NewFinding& f : findings) {
    if (f.check_id == id) out.push_back(f);
  }
  return out;
}

constexpr int64_t kNow = 1'790'000'000;  // 2026-09-21
constexpr int64_t kDay = 24 * 3600;

TlsFacts GoodTls() {
  TlsFacts t;
  t.url = "https://portal.example/";
  t.protocol = "TLSv1.3";
  t.chain_verified = true;
  t.host_matches = true;
  t.not_before = kNow - 30 * kDay;
  t.not_after = kNow + 60 * kDay;
  return t;
}

TEST(WebChecks, TlsCertificateAndProtocol) {
  EXPECT_TRUE(CheckTls(GoodTls(), kNow).empty());
  TlsFacts expired = GoodTls();
  expired.not_after = kNow - kDay;
  expired.chain_verified = false;
  expired.chain_problem = "certificate has expired";
  auto f = CheckTls(expired, kNow);
  ASSERT_EQ(Titles(f), std::vector<std::string>{"TLS certificate expired"});
  EXPECT_EQ(f[0].severity, "high");
  EXPECT_EQ(f[0].check_id, "web:tls");
  EXPECT_NE(f[0].evidence.find("valid until: 2026-09-20"), std::string::npos) << f[0].evidence;
  TlsFacts soon = GoodTls();
  soon.not_after = kNow + 3 * kDay;
  EXPECT_EQ(Titles(CheckTls(soon, kNow)), std::vector<std::string>{"TLS certificate expires soon"});
  TlsFacts early = GoodTls();
  early.not_before = kNow + kDay;
  EXPECT_EQ(Titles(CheckTls(early, kNow)),
            std::vector<std::string>{"TLS certificate not yet valid"});
  TlsFacts self = GoodTls();
  self.chain_verified = false;
  self.chain_problem = "self-signed certificate";
  self.host_matches = false;
  self.protocol = "TLSv1";
  EXPECT_EQ(Titles(CheckTls(self, kNow)),
            (std::vector<std::string>{"TLS certificate fails verification",
                                      "TLS certificate does not name the host",
                                      "Outdated TLS protocol (TLSv1)"}));
  TlsFacts none;
  none.error = "Couldn't connect to server";
  EXPECT_TRUE(CheckTls(none, kNow).empty());
}

const char kLoginForm[] =
    "<html><title>Log In</title><form><input name=log><input type=\"password\" name=pwd>"
    "</form></html>";
const char kSoft404[] = "<!doctype html><html><title>Halaman tidak ditemukan</title>Maaf</html>";

TEST(WebChecks, AdminPanelOnlyWithAPasswordField) {
  HttpExchange missing = Page("http://x/pantau-1.php", "not found");
  missing.status = 404;
  auto f = CheckAdminPanel("/wp-login.php", Page("http://x/wp-login.php", kLoginForm), missing);
  ASSERT_EQ(Titles(f), std::vector<std::string>{"Admin login page exposed (/wp-login.php)"});
  EXPECT_EQ(f[0].check_id, "web:admin-panel");
  EXPECT_NE(f[0].evidence.find("type=\"password\""), std::string::npos);
  EXPECT_TRUE(
      CheckAdminPanel("/admin/", Page("http://x/admin/", "<html>Admin news</html>"), missing)
          .empty());
  // A site that shows its login form on every path has no admin page of its own to flag.
  EXPECT_TRUE(CheckAdminPanel("/login", Page("http://x/login", kLoginForm),
                              Page("http://x/pantau-1.php", kLoginForm))
                  .empty());
}

TEST(WebChecks, WebshellPathNotASoft404) {
  const HttpExchange soft = Page("http://x/pantau-1.php", kSoft404);
  auto f = CheckWebshellPath(
      "/wso.php", Page("http://x/wso.php", "<title>WSO 2.5</title><form>Password: <input>"), soft);
  ASSERT_EQ(Ids(f), std::vector<std::string>{"web:webshell-path"});
  EXPECT_EQ(f[0].severity, "high");
  EXPECT_NE(f[0].evidence.find("WSO 2.5"), std::string::npos);
  EXPECT_TRUE(CheckWebshellPath("/wso.php", Page("http://x/wso.php", kSoft404), soft).empty());
  HttpExchange gone = Page("http://x/wso.php", "Not Found");
  gone.status = 404;
  EXPECT_TRUE(CheckWebshellPath("/wso.php", gone, soft).empty());
  EXPECT_TRUE(CheckWebshellPath("/up.php", Page("http://x/up.php", "  \n"), soft).empty());
}

TEST(WebChecks, CmsAndVersion) {
  const auto wp = CheckCms(
      Page("http://x/", "<html><head><meta name=\"generator\" content=\"WordPress 6.4.2\" />"), {});
  ASSERT_EQ(Titles(wp), std::vector<std::string>{"CMS: WordPress 6.4.2"});
  EXPECT_EQ(wp[0].severity, "info");
  EXPECT_EQ(wp[0].check_id, "web:cms");
  HttpExchange readme = Page("http://x/readme.html",
                             "<html><title>WordPress &rsaquo; ReadMe"
                             "</title><br /> Version 4.9.8</html>");
  EXPECT_EQ(Titles(CheckCms(Page("http://x/", "<html>no generator</html>"), {readme})),
            std::vector<std::string>{"CMS: WordPress 4.9.8"});
  EXPECT_EQ(Titles(CheckCms(Page("http://x/",
                                 "<meta content='Joomla! - Open Source Content "
                                 "Management' name='generator'>"),
                            {})),
            std::vector<std::string>{"CMS: Joomla"});
  HttpExchange changelog = Page("http://x/CHANGELOG.txt", "\nDrupal 7.58, 2018-03-28\n----\n");
  EXPECT_EQ(Titles(CheckCms(Page("http://x/",
                                 "<meta name=generator content=\"Drupal 7 "
                                 "(http://drupal.org)\">"),
                            {changelog})),
            std::vector<std::string>{"CMS: Drupal 7"});
  EXPECT_EQ(Titles(CheckCms(Page("http://x/", "plain"), {changelog})),
            std::vector<std::string>{"CMS: Drupal 7.58"});
  EXPECT_TRUE(
      CheckCms(Page("http://x/", "<html>Berita</html>"),
               {Page("http://x/readme.html", kSoft404), Page("http://x/CHANGELOG.txt", kSoft404)})
          .empty());
}

TEST(WebChecks, HiddenLinks) {
  const auto gambling = CheckHiddenLinks(
      Page("http://portal.example/",
           "<html><div style=\"display:none\"><a href=\"https://slotgacor.example/\">daftar</a>"
           "</div><a href=\"/berita\">Berita</a></html>"));
  ASSERT_EQ(Ids(gambling), std::vector<std::string>{"web:hidden-link"});
  EXPECT_EQ(gambling[0].severity, "high");
  EXPECT_NE(gambling[0].evidence.find("https://slotgacor.example/"), std::string::npos);
  const auto other = CheckHiddenLinks(
      Page("http://portal.example/",
           "<html><a style=\"position:absolute;left:-9999px\" href=\"https://obat.example/\">"
           "x</a></html>"));
  ASSERT_EQ(Ids(other), std::vector<std::string>{"web:hidden-link"});
  EXPECT_EQ(other[0].severity, "low");
  // The site's own hidden menu links and visible links raise nothing.
  EXPECT_TRUE(CheckHiddenLinks(Page("http://portal.example/",
                                    "<html><nav hidden><a href=\"/profil\">Profil</a></nav>"
                                    "<a href=\"https://kemendagri.example/\">Kemendagri</a>"))
                  .empty());
}

// A web site on 127.0.0.1 (cpp-httplib, port chosen by the system): `pages` by path, every other
// path answered `fallback_status` with `fallback`.
class LoopbackSite {
 public:
  LoopbackSite(std::map<std::string, std::string> pages, int fallback_status, std::string fallback,
               httplib::Server* server = nullptr)
      : pages_(std::move(pages)),
        fallback_status_(fallback_status),
        fallback_(std::move(fallback)),
        owned_(server == nullptr ? std::make_unique<httplib::Server>() : nullptr),
        server_(server == nullptr ? owned_.get() : server) {
    server_->Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      const auto page = pages_.find(req.path);
      res.status = page == pages_.end() ? fallback_status_ : 200;
      res.set_content(page == pages_.end() ? fallback_ : page->second, "text/html");
    });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    for (int i = 0; i < 500 && !server_->is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  ~LoopbackSite() {
    server_->stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  std::map<std::string, std::string> pages_;
  int fallback_status_;
  std::string fallback_;
  std::unique_ptr<httplib::Server> owned_;
  httplib::Server* server_;
  int port_ = 0;
  std::thread thread_;
};

// The URL registered for a system and allowed by the allow-list, as the runner gets it.
class WebRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_web_checks_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto r = SystemRegistry::Open((dir_ / "registry").string(), clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    registry_ = std::move(*r);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  WebCheckResult Run(const std::string& url, WebCheckOptions options = {},
                     const std::function<void(const WebCheckProgress&)>& on_progress = {}) {
    ElectronicSystem site;
    site.name = "Portal " + std::to_string(++systems_);
    site.op.agency = "Diskominfo";
    site.urls = {url};
    auto created = registry_->Create(site, Actor{"boss", Role::kAdmin});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    auto target = AllowScanTarget(*registry_, created->id, url);
    EXPECT_TRUE(target.ok()) << target.status().ToString();
    options.total_timeout = std::chrono::seconds(30);
    options.request_timeout = std::chrono::seconds(5);
    const std::atomic<bool> cancel{false};
    return RunWebChecks({*target}, options, cancel, on_progress);
  }

  std::filesystem::path dir_;
  ManualClock clock_{1'772'323'200LL * kNsPerSecond};
  std::unique_ptr<SystemRegistry> registry_;
  int systems_ = 0;
};

TEST_F(WebRunTest, ALoopbackSiteThatFailsTheChecks) {
  LoopbackSite site(
      {{"/",
        "<html><head><meta name=\"generator\" content=\"WordPress 5.1\"></head><body>Berita"
        "<div style=\"display:none\"><a href=\"http://judi-online.example/\">situs</a></div>"
        "</body></html>"},
       {"/wp-login.php", kLoginForm},
       {"/c99.php", "<title>c99shell</title><pre>uname -a: Linux</pre>"}},
      404, "Not Found");
  const WebCheckResult r = Run(fmt::format("http://127.0.0.1:{}/", site.port()));
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(Titles(WithId(r.findings, "web:admin-panel")),
            std::vector<std::string>{"Admin login page exposed (/wp-login.php)"});
  EXPECT_EQ(Titles(WithId(r.findings, "web:webshell-path")),
            std::vector<std::string>{"Possible webshell at a well-known path (/c99.php)"});
  EXPECT_EQ(Titles(WithId(r.findings, "web:cms")), std::vector<std::string>{"CMS: WordPress 5.1"});
  const auto hidden = WithId(r.findings, "web:hidden-link");
  ASSERT_EQ(hidden.size(), 1u);
  EXPECT_EQ(hidden[0].severity, "high");
  EXPECT_NE(r.transcript.find("/c99.php"), std::string::npos);
}

TEST_F(WebRunTest, ALoopbackSiteThatPassesTheChecks) {
  // A soft 404: every path answers 200 with the same page.
  LoopbackSite site({{"/", "<html><a href=\"/profil\">Profil</a></html>"}}, 200, kSoft404);
  const WebCheckResult r = Run(fmt::format("http://127.0.0.1:{}/", site.port()));
  EXPECT_EQ(r.error, "");
  for (std::string_view id :
       {"web:admin-panel", "web:webshell-path", "web:cms", "web:hidden-link", "web:tls"}) {
    EXPECT_TRUE(WithId(r.findings, id).empty()) << id;
  }
}

// A key and a self-signed certificate for 127.0.0.1, valid from `from` to `until` seconds from
// now.
struct TestCertificate {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
  std::unique_ptr<X509, decltype(&X509_free)> cert{nullptr, X509_free};
};

TestCertificate MakeCertificate(long from, long until, bool rsa = false) {
  TestCertificate c;
  c.key.reset(rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
  c.cert.reset(X509_new());
  X509* x = c.cert.get();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), from);
  X509_gmtime_adj(X509_getm_notAfter(x), until);
  X509_set_pubkey(x, c.key.get());
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  for (const char* ext : {"subjectAltName=IP:127.0.0.1", "basicConstraints=critical,CA:TRUE"}) {
    const std::string text(ext);
    const size_t eq = text.find('=');
    X509_EXTENSION* e =
        X509V3_EXT_conf(nullptr, &ctx, text.substr(0, eq).c_str(), text.substr(eq + 1).c_str());
    X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
  }
  X509_sign(x, c.key.get(), EVP_sha256());
  return c;
}

TEST_F(WebRunTest, TlsOfALoopbackSiteWithAnExpiredSelfSignedCertificate) {
  const TestCertificate cert = MakeCertificate(-30 * kDay, -kDay);
  httplib::SSLServer server(cert.cert.get(), cert.key.get());
  ASSERT_TRUE(server.is_valid());
  LoopbackSite site({{"/", "<html>ok</html>"}}, 404, "Not Found", &server);
  const WebCheckResult r = Run(fmt::format("https://127.0.0.1:{}/", site.port()));
  EXPECT_EQ(r.error, "");
  const auto tls = WithId(r.findings, "web:tls");
  ASSERT_FALSE(tls.empty()) << r.transcript;
  EXPECT_EQ(tls[0].title, "TLS certificate expired");
  EXPECT_EQ(tls[0].severity, "high");
  EXPECT_NE(tls[0].evidence.find("subject: /CN=127.0.0.1"), std::string::npos) << tls[0].evidence;
  // Not trusted either: self-signed.
  EXPECT_EQ(Titles(tls), (std::vector<std::string>{"TLS certificate expired",
                                                   "TLS certificate fails verification"}))
      << r.transcript;
}

TEST_F(WebRunTest, TlsOfALoopbackSiteWithATrustedCertificate) {
  const TestCertificate cert = MakeCertificate(-kDay, 90 * kDay);
  const std::filesystem::path ca = dir_ / "ca.pem";
  {
    std::unique_ptr<FILE, decltype(&fclose)> f(fopen(ca.c_str(), "w"), fclose);
    ASSERT_TRUE(f);
    PEM_write_X509(f.get(), cert.cert.get());
  }
  httplib::SSLServer server(cert.cert.get(), cert.key.get());
  ASSERT_TRUE(server.is_valid());
  LoopbackSite site({{"/", "<html>ok</html>"}}, 404, "Not Found", &server);
  WebCheckOptions options;
  options.ca_file = ca.string();
  const WebCheckResult r = Run(fmt::format("https://127.0.0.1:{}/", site.port()), options);
  EXPECT_EQ(r.error, "");
  EXPECT_TRUE(WithId(r.findings, "web:tls").empty()) << r.transcript;
  EXPECT_NE(r.transcript.find("> TLS handshake"), std::string::npos);
  EXPECT_NE(r.transcript.find("chain verifies host matches"), std::string::npos) << r.transcript;
  // A current server refuses each weak offer.
  EXPECT_NE(r.transcript.find("> TLS handshake offering weak ciphers only\n! refused"),
            std::string::npos)
      << r.transcript;
}

TEST_F(WebRunTest, TlsOfALoopbackSiteThatAcceptsOldProtocolsAndWeakCiphers) {
  const TestCertificate cert = MakeCertificate(-kDay, 90 * kDay, /*rsa=*/true);
  const std::filesystem::path ca = dir_ / "ca.pem";
  {
    std::unique_ptr<FILE, decltype(&fclose)> f(fopen(ca.c_str(), "w"), fclose);
    ASSERT_TRUE(f);
    PEM_write_X509(f.get(), cert.cert.get());
  }
  // A server configured as old guides had it: every protocol from TLS 1.0, RSA key exchange and
  // a cipher without encryption.
  httplib::SSLServer server([&](SSL_CTX& ctx) {
    return SSL_CTX_use_certificate(&ctx, cert.cert.get()) == 1 &&
           SSL_CTX_use_PrivateKey(&ctx, cert.key.get()) == 1 &&
           SSL_CTX_set_min_proto_version(&ctx, TLS1_VERSION) == 1 &&
           SSL_CTX_set_cipher_list(&ctx, "AES128-SHA:NULL-SHA:@SECLEVEL=0") == 1;
  });
  ASSERT_TRUE(server.is_valid());
  LoopbackSite site({{"/", "<html>ok</html>"}}, 404, "Not Found", &server);
  WebCheckOptions options;
  options.ca_file = ca.string();
  const WebCheckResult r = Run(fmt::format("https://127.0.0.1:{}/", site.port()), options);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(Titles(WithId(r.findings, "web:tls")),
            (std::vector<std::string>{"Outdated TLS protocol accepted (TLSv1, TLSv1.1)",
                                      "Weak TLS cipher accepted (TLSv1.2 NULL-SHA)",
                                      "TLS without forward secrecy accepted (TLSv1.2 AES128-SHA)"}))
      << r.transcript;
  EXPECT_NE(r.transcript.find("> TLS handshake offering TLSv1 only\n< TLSv1 AES128-SHA"),
            std::string::npos)
      << r.transcript;
}

// The progress of a run: every check of the URL begins and ends, done never goes down and
// reaches total, the TLS check names the URL.
TEST_F(WebRunTest, ProgressCheckByCheck) {
  const TestCertificate cert = MakeCertificate(-30 * kDay, -kDay);
  httplib::SSLServer server(cert.cert.get(), cert.key.get());
  ASSERT_TRUE(server.is_valid());
  LoopbackSite site({{"/", "<html>ok</html>"}}, 404, "Not Found", &server);
  const std::string url = fmt::format("https://127.0.0.1:{}/", site.port());
  std::vector<WebCheckProgress> seen;
  const WebCheckResult r = Run(url, {}, [&](const WebCheckProgress& p) { seen.push_back(p); });
  EXPECT_EQ(r.error, "");
  ASSERT_EQ(WebChecksOf(url), 6);
  ASSERT_EQ(seen.size(), 12u);  // each of the six checks begins and ends
  int done = 0;
  std::vector<std::string> steps;
  for (const WebCheckProgress& p : seen) {
    EXPECT_EQ(p.total, 6);
    EXPECT_GE(p.done, done);
    EXPECT_LE(p.done, p.total);
    done = p.done;
    if (steps.empty() || steps.back() != p.step) steps.push_back(p.step);
  }
  EXPECT_EQ(seen.back().done, 6);
  EXPECT_EQ(steps, (std::vector<std::string>{"page " + url, "exposed-files " + url, "cms " + url,
                                             "tls " + url, "admin-panels " + url,
                                             "webshell-paths " + url}));
  EXPECT_EQ(WebChecksOf("http://portal.example/"), 5);
}

}  // namespace
}  // namespace pantau
