#include "assess/web_checks.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <memory>
#include <mutex>
#include <random>

#include "cases/text.h"
#include "monitor/html_summary.h"
#include "monitor/site_fetcher.h"
#include "monitor/system_matcher.h"

namespace pantau {
namespace {

constexpr size_t kMaxExcerpt = 1500;
constexpr size_t kTranscriptBodyBytes = 256 * 1024;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsHttps(std::string_view url) { return Lower(url.substr(0, 8)) == "https://"; }

// Shown on a few lines: control characters but the newline made spaces.
std::string Excerpt(std::string_view s, size_t max_bytes = kMaxExcerpt) {
  std::string out = ShortenedText(s, max_bytes);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') c = ' ';
  }
  return out;
}

// `text` around byte `at`, `radius` bytes either side.
std::string Around(std::string_view text, size_t at, size_t radius) {
  const size_t from = at > radius ? at - radius : 0;
  // Cut at a character boundary: back off UTF-8 continuation bytes.
  size_t start = from;
  while (start < at && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
  return Excerpt(text.substr(start, 2 * radius), 2 * radius);
}

std::string StatusAndHeaders(const HttpExchange& e) {
  std::string out = fmt::format("{} {}\nHTTP {}", e.method, e.url, e.status);
  for (const auto& [name, value] : e.headers) out += fmt::format("\n{}: {}", name, value);
  return out;
}

bool LooksLikeHtml(std::string_view body) {
  const std::string head = Lower(body.substr(0, 512));
  return head.find("<html") != std::string::npos || head.find("<!doctype") != std::string::npos;
}

// KEY=value lines of an .env file, the values hidden: the excerpt shows what leaks, not the secret.
std::string MaskedEnv(std::string_view body, int& variables) {
  std::string out;
  variables = 0;
  size_t start = 0;
  while (start < body.size() && variables < 30) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view line = body.substr(start, end - start);
    start = end + 1;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    const std::string_view key = line.substr(0, eq);
    const bool is_key = std::all_of(key.begin(), key.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
    });
    if (!is_key) continue;
    ++variables;
    out += fmt::format("{}=***\n", key);
  }
  return out;
}

struct Transfer {
  HttpExchange* exchange;
  size_t max_bytes;
  const std::atomic<bool>* cancel;
  std::chrono::steady_clock::time_point deadline;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  std::string& body = t->exchange->body;
  if (body.size() + bytes > t->max_bytes) {
    body.append(data, t->max_bytes - body.size());
    t->exchange->truncated = true;
    return 0;  // enough: stop reading
  }
  body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    t->exchange->headers.clear();  // a new answer (after 100 Continue)
    return size * n;
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    t->exchange->headers.emplace_back(Lower(TrimmedText(line.substr(0, colon))),
                                      TrimmedText(line.substr(colon + 1)));
  }
  return size * n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->cancel->load() || std::chrono::steady_clock::now() > t->deadline ? 1 : 0;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

int64_t UnixTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string NameText(const X509_NAME* name) {
  char buf[512];
  if (name == nullptr || X509_NAME_oneline(name, buf, sizeof(buf)) == nullptr) return "";
  return buf;
}

struct TlsRead {
  CURL* curl;
  TlsFacts* tls;
  const std::string* ca_file;  // empty: the system's trust store
  bool done;
};

// The chain the server sent, verified against the trust store here (libcurl loads no trust store
// when it does not verify): X509_V_OK or the first error.
long VerifyChain(SSL* ssl, X509* cert, const std::string& ca_file) {
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                      X509_STORE_CTX_free);
  if (!store || !ctx) return X509_V_ERR_OUT_OF_MEM;
  const bool loaded = ca_file.empty() ? X509_STORE_set_default_paths(store.get()) == 1
                                      : X509_STORE_load_file(store.get(), ca_file.c_str()) == 1;
  if (!loaded) return X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
  if (X509_STORE_CTX_init(ctx.get(), store.get(), cert, SSL_get_peer_cert_chain(ssl)) != 1) {
    return X509_V_ERR_UNSPECIFIED;
  }
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  if (X509_verify_cert(ctx.get()) == 1) return X509_V_OK;
  const int error = X509_STORE_CTX_get_error(ctx.get());
  return error == X509_V_OK ? X509_V_ERR_UNSPECIFIED : error;
}

// Reads the TLS session at the first header line, while the connection is open.
size_t OnTlsHeader(char*, size_t size, size_t n, void* user) {
  auto* r = static_cast<TlsRead*>(user);
  if (r->done) return size * n;
  r->done = true;
  TlsFacts& tls = *r->tls;
  curl_tlssessioninfo* session = nullptr;
  if (curl_easy_getinfo(r->curl, CURLINFO_TLS_SSL_PTR, &session) != CURLE_OK ||
      session == nullptr || session->backend != CURLSSLBACKEND_OPENSSL ||
      session->internals == nullptr) {
    tls.error = "the TLS session is not readable (libcurl not built with OpenSSL)";
    return size * n;
  }
  SSL* ssl = static_cast<SSL*>(session->internals);
  tls.protocol = SSL_get_version(ssl);
  std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), X509_free);
  if (!cert) {
    tls.error = "no certificate";
    return size * n;
  }
  tls.error.clear();
  const long verify = VerifyChain(ssl, cert.get(), *r->ca_file);
  tls.chain_verified = verify == X509_V_OK;
  if (!tls.chain_verified) tls.chain_problem = X509_verify_cert_error_string(verify);
  const std::string host = UrlHost(tls.url);
  const std::string bare =
      host.starts_with("[") && host.ends_with("]") ? host.substr(1, host.size() - 2) : host;
  tls.host_matches = X509_check_ip_asc(cert.get(), bare.c_str(), 0) == 1 ||
                     X509_check_host(cert.get(), bare.c_str(), bare.size(), 0, nullptr) == 1;
  tls.not_before = UnixTime(X509_get0_notBefore(cert.get()));
  tls.not_after = UnixTime(X509_get0_notAfter(cert.get()));
  tls.subject = NameText(X509_get_subject_name(cert.get()));
  tls.issuer = NameText(X509_get_issuer_name(cert.get()));
  return size * n;
}

// Reads what a handshake agreed ("TLSv1 AES128-SHA") at the first header line.
struct AgreedRead {
  CURL* curl;
  std::string agreed;
};

size_t OnAgreedHeader(char*, size_t size, size_t n, void* user) {
  auto* r = static_cast<AgreedRead*>(user);
  curl_tlssessioninfo* session = nullptr;
  if (!r->agreed.empty() ||
      curl_easy_getinfo(r->curl, CURLINFO_TLS_SSL_PTR, &session) != CURLE_OK ||
      session == nullptr || session->backend != CURLSSLBACKEND_OPENSSL ||
      session->internals == nullptr) {
    return size * n;
  }
  SSL* ssl = static_cast<SSL*>(session->internals);
  r->agreed = fmt::format("{} {}", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
  return size * n;
}

// The weak offers of the TLS check: each handshake offers only what is named, and the server
// accepting it is the finding. "@SECLEVEL=0" lets this OpenSSL offer what its defaults refuse.
struct WeakOffer {
  const char* what;  // for the transcript
  long ssl_version;  // CURLOPT_SSLVERSION: lowest | highest
  const char* ciphers;
};
constexpr long Versions(long lowest, long highest) { return lowest | highest; }
constexpr WeakOffer kOldProtocolOffers[] = {
    {"TLSv1 only", Versions(CURL_SSLVERSION_TLSv1_0, CURL_SSLVERSION_MAX_TLSv1_0),
     "DEFAULT:@SECLEVEL=0"},
    {"TLSv1.1 only", Versions(CURL_SSLVERSION_TLSv1_1, CURL_SSLVERSION_MAX_TLSv1_1),
     "DEFAULT:@SECLEVEL=0"},
};
// No encryption, no authentication, export-grade or broken algorithms (those this OpenSSL still
// has; the list names all of them so a build with more offers more).
constexpr WeakOffer kWeakCipherOffer = {
    "weak ciphers only", Versions(CURL_SSLVERSION_TLSv1_0, CURL_SSLVERSION_MAX_TLSv1_2),
    "aNULL:eNULL:EXPORT:LOW:RC4:3DES:DES:MD5:@SECLEVEL=0"};
// RSA key exchange: whoever gets the server's key later can read every recorded session.
constexpr WeakOffer kStaticRsaOffer = {
    "RSA key exchange only", Versions(CURL_SSLVERSION_TLSv1_2, CURL_SSLVERSION_MAX_TLSv1_2),
    "kRSA:@SECLEVEL=0"};

class Fetcher {
 public:
  Fetcher(const WebCheckOptions& options, const std::atomic<bool>& cancel)
      : options_(options),
        cancel_(cancel),
        deadline_(std::chrono::steady_clock::now() + options.total_timeout) {}

  bool stopped() const { return cancel_.load() || timed_out(); }
  bool timed_out() const { return std::chrono::steady_clock::now() > deadline_; }
  bool cancelled() const { return cancel_.load(); }

  HttpExchange Fetch(const std::string& url, size_t max_bytes) {
    HttpExchange e;
    e.url = url;
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
      e.error = "curl_easy_init failed";
      return e;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    const long timeout_ms = std::max<long>(1, std::min(left, options_.request_timeout).count());
    Transfer t{&e, max_bytes, &cancel_, deadline_};
    CURL* c = curl.get();
    SetBoundedRequest(c, url, "http,https", timeout_ms, t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    const CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    e.status = status;
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && e.truncated)) {
      e.error = curl_easy_strerror(rc);
      if (rc == CURLE_ABORTED_BY_CALLBACK) e.error = cancelled() ? "cancelled" : "out of time";
      if (e.status == 0) e.body.clear();
    }
    return e;
  }

  // What every request of the checks shares: one URL, no redirect (followed by the caller, to the
  // same host only), never a proxy, bounded in time and cancellable through `t`. The checks read
  // what the site serves whatever its certificate; the TLS check judges the certificate itself.
  static void SetBoundedRequest(CURL* c, const std::string& url, const char* protocols,
                                long timeout_ms, Transfer& t) {
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L));
    curl_easy_setopt(c, CURLOPT_USERAGENT, "Pantau-assessment/1 (CSIRT web checks)");
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  }

  // A HEAD request whose TLS session is read, while it is open, from OpenSSL. Verification is
  // judged here, not by the transfer, so an expired or self-signed certificate is still read.
  TlsFacts ProbeTls(const std::string& url) {
    TlsFacts tls;
    tls.url = url;
    tls.error = "no answer";
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
      tls.error = "curl_easy_init failed";
      return tls;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    const long timeout_ms = std::max<long>(1, std::min(left, options_.request_timeout).count());
    HttpExchange unused;
    Transfer t{&unused, 0, &cancel_, deadline_};
    TlsRead read{curl.get(), &tls, &options_.ca_file, false};
    CURL* c = curl.get();
    SetBoundedRequest(c, url, "https", timeout_ms, t);
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnTlsHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &read);
    const CURLcode rc = curl_easy_perform(c);
    if (!read.done) {
      tls.error = rc == CURLE_ABORTED_BY_CALLBACK ? (cancelled() ? "cancelled" : "out of time")
                  : rc != CURLE_OK                ? curl_easy_strerror(rc)
                                                  : tls.error;
    }
    return tls;
  }

  // A HEAD request that offers only `offer`: what the handshake agreed, or "" when the server
  // refused it (or the request failed; `why` says which).
  std::string ProbeOffer(const std::string& url, const WeakOffer& offer, std::string& why) {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return "";
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    const long timeout_ms = std::max<long>(1, std::min(left, options_.request_timeout).count());
    HttpExchange unused;
    Transfer t{&unused, 0, &cancel_, deadline_};
    AgreedRead read{curl.get(), ""};
    CURL* c = curl.get();
    SetBoundedRequest(c, url, "https", timeout_ms, t);
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_SSLVERSION, offer.ssl_version);
    curl_easy_setopt(c, CURLOPT_SSL_CIPHER_LIST, offer.ciphers);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnAgreedHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &read);
    const CURLcode rc = curl_easy_perform(c);
    why = read.agreed.empty() ? curl_easy_strerror(rc) : "";
    return read.agreed;
  }

 private:
  const WebCheckOptions& options_;
  const std::atomic<bool>& cancel_;
  std::chrono::steady_clock::time_point deadline_;
};

// scheme://host[:port] of an absolute URL.
std::string Origin(const std::string& url) {
  const size_t host_start = url.find("://");
  if (host_start == std::string::npos) return url;
  const size_t path = url.find_first_of("/?#", host_start + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

void Record(std::string& transcript, const HttpExchange& e) {
  transcript += fmt::format("> {} {}\n", e.method, e.url);
  if (e.status == 0) {
    transcript += fmt::format("! no answer: {}\n\n", e.error);
    return;
  }
  transcript += fmt::format("< HTTP {}\n", e.status);
  for (const auto& [name, value] : e.headers) transcript += fmt::format("< {}: {}\n", name, value);
  const std::string_view body = std::string_view(e.body).substr(0, kTranscriptBodyBytes);
  transcript +=
      fmt::format("< [{} bytes of body{}]\n", e.body.size(), e.truncated ? ", cut at the cap" : "");
  transcript += body;
  transcript += "\n\n";
}

}  // namespace

std::string HttpExchange::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

std::vector<NewFinding> CheckPage(const HttpExchange& page) {
  std::vector<NewFinding> out;
  const std::string headers = Excerpt(StatusAndHeaders(page));
  auto header_finding = [&](std::string_view check, std::string title, std::string_view why) {
    NewFinding f;
    f.title = std::move(title);
    f.check_id = std::string(check);
    f.severity = "low";
    f.target = page.url;
    f.evidence = fmt::format("{}\n\n{}", why, headers);
    out.push_back(std::move(f));
  };
  const std::string csp = Lower(page.Header("content-security-policy"));
  if (csp.empty()) {
    header_finding("web:csp-missing", "Missing Content-Security-Policy header",
                   "No Content-Security-Policy: the browser may run any script an attacker "
                   "injects into the page.");
  }
  if (page.Header("x-frame-options").empty() && csp.find("frame-ancestors") == std::string::npos) {
    header_finding("web:x-frame-options-missing", "Missing X-Frame-Options header",
                   "Neither X-Frame-Options nor a CSP frame-ancestors: the page can be framed "
                   "by another site (clickjacking).");
  }
  if (Lower(page.url).starts_with("https://") && page.Header("strict-transport-security").empty()) {
    header_finding("web:hsts-missing", "Missing Strict-Transport-Security header",
                   "HTTPS without Strict-Transport-Security: a browser may be downgraded to "
                   "plain HTTP.");
  }
  if (Lower(page.Header("x-content-type-options")) != "nosniff") {
    header_finding("web:nosniff-missing", "Missing X-Content-Type-Options: nosniff",
                   "Without X-Content-Type-Options: nosniff a browser may guess a response's "
                   "type and run an upload as a script.");
  }
  const std::string body = Lower(page.body);
  for (std::string_view marker : {"index of /", "directory listing for /"}) {
    const size_t at = body.find(marker);
    if (at == std::string::npos) continue;
    NewFinding f;
    f.title = "Directory listing enabled";
    f.check_id = "web:directory-listing";
    f.severity = "medium";
    f.target = page.url;
    f.evidence = fmt::format("HTTP {}: the page lists the directory's files:\n{}", page.status,
                             Around(page.body, at, 300));
    out.push_back(std::move(f));
    break;
  }
  std::vector<std::string> words;
  size_t first = std::string::npos;
  for (std::string_view word : kGamblingWords) {
    const size_t at = body.find(word);
    if (at == std::string::npos) continue;
    words.emplace_back(word);
    first = std::min(first, at);
  }
  if (!words.empty()) {
    NewFinding f;
    f.title = "Online-gambling content in the page";
    f.check_id = "web:gambling-content";
    f.severity = "high";
    f.target = page.url;
    std::string list;
    for (const std::string& w : words) list += (list.empty() ? "'" : ", '") + w + "'";
    f.evidence =
        fmt::format("The page holds {}, typical of injected gambling spam (judi online):\n{}", list,
                    Around(page.body, first, 200));
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<NewFinding> CheckExposedFile(std::string_view path, const HttpExchange& answer) {
  std::vector<NewFinding> out;
  if (answer.status != 200 || answer.body.empty()) return out;
  const std::string_view body = answer.body;
  NewFinding f;
  f.target = answer.url;
  if (path == "/.git/HEAD") {
    const bool ref = body.starts_with("ref: ");
    const bool hash = body.size() >= 40 && std::all_of(body.begin(), body.begin() + 40, [](char c) {
                        return std::isxdigit(static_cast<unsigned char>(c));
                      });
    if (!ref && !hash) return out;
    f.title = "Exposed Git repository (/.git/HEAD)";
    f.check_id = "web:exposed-git";
    f.severity = "high";
    f.evidence = fmt::format(
        "HTTP 200 with a Git HEAD: the repository, source and history may be downloadable.\n{}",
        Excerpt(body.substr(0, 200)));
  } else if (path == "/.env") {
    if (LooksLikeHtml(body)) return out;
    int variables = 0;
    const std::string masked = MaskedEnv(body, variables);
    if (variables == 0) return out;
    f.title = "Exposed environment file (/.env)";
    f.check_id = "web:exposed-env";
    f.severity = "high";
    f.evidence = fmt::format(
        "HTTP 200 with {} settings (values hidden here; the run's evidence has the answer):\n{}",
        variables, masked);
  } else if (path == "/backup.zip") {
    if (!body.starts_with(std::string_view("PK\x03\x04", 4))) return out;
    f.title = "Exposed backup archive (/backup.zip)";
    f.check_id = "web:exposed-backup-zip";
    f.severity = "high";
    f.evidence = fmt::format("HTTP 200 with a ZIP archive ({}{} bytes read).", body.size(),
                             answer.truncated ? "+" : "");
  } else if (path == "/wp-config.php.bak") {
    if (body.find("DB_PASSWORD") == std::string_view::npos &&
        body.find("<?php") == std::string_view::npos) {
      return out;
    }
    f.title = "Exposed WordPress configuration backup (/wp-config.php.bak)";
    f.check_id = "web:exposed-wp-config-backup";
    f.severity = "critical";
    f.evidence =
        "HTTP 200 with PHP source served as text (it names DB_PASSWORD or starts with <?php): "
        "the database password is readable. The run's evidence has the answer.";
  } else {
    return out;
  }
  out.push_back(std::move(f));
  return out;
}

namespace {

std::string DateText(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

bool HasPasswordField(std::string_view body) {
  const std::string lower = Lower(body);
  for (std::string_view marker : {"type=\"password\"", "type='password'", "type=password"}) {
    if (lower.find(marker) != std::string::npos) return true;
  }
  return false;
}

// The <title> of a page, lower case; "" when it has none.
std::string TitleOf(std::string_view body) {
  const std::string lower = Lower(body.substr(0, 64 * 1024));
  const size_t open = lower.find("<title");
  if (open == std::string::npos) return "";
  const size_t start = lower.find('>', open);
  const size_t end = lower.find("</title", open);
  if (start == std::string::npos || end == std::string::npos || end < start) return "";
  return TrimmedText(lower.substr(start + 1, end - start - 1));
}

// Whether `answer` is the site's answer for any path (a soft 404) rather than a file of its own:
// the same as the answer for a random path, or close to it (same title, size within 10%).
bool LikeRandom(const HttpExchange& answer, const HttpExchange& random) {
  if (random.status != answer.status) return false;
  if (answer.body == random.body) return true;
  const std::string title = TitleOf(answer.body);
  const double a = static_cast<double>(answer.body.size());
  const double r = static_cast<double>(random.body.size());
  return title == TitleOf(random.body) && std::abs(a - r) <= 0.1 * std::max(a, r);
}

std::string PathOf(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return path == std::string::npos ? "/" : url.substr(path);
}

// The value of attribute `name` within one tag (lower-cased `tag_lower`, original `tag`).
std::string Attribute(std::string_view tag, std::string_view tag_lower, std::string_view name) {
  size_t at = 0;
  while ((at = tag_lower.find(name, at)) != std::string_view::npos) {
    const bool starts = at > 0 && std::isspace(static_cast<unsigned char>(tag_lower[at - 1]));
    size_t i = at + name.size();
    at = i;
    if (!starts) continue;
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    if (i >= tag.size() || tag[i] != '=') continue;
    ++i;
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    if (i >= tag.size()) return "";
    const char quote = tag[i];
    if (quote == '"' || quote == '\'') {
      const size_t end = tag.find(quote, i + 1);
      return std::string(tag.substr(i + 1, end == std::string_view::npos ? 0 : end - i - 1));
    }
    const size_t end = tag.find_first_of(" \t\r\n>", i);
    return std::string(tag.substr(i, end == std::string_view::npos ? 0 : end - i));
  }
  return "";
}

// The content of <meta name="generator">; "" when there is none.
std::string Generator(std::string_view body) {
  body = body.substr(0, 256 * 1024);
  const std::string lower = Lower(body);
  size_t at = 0;
  while ((at = lower.find("<meta", at)) != std::string::npos) {
    const size_t end = lower.find('>', at);
    if (end == std::string::npos) break;
    const std::string_view tag = body.substr(at, end - at);
    const std::string_view tag_lower = std::string_view(lower).substr(at, end - at);
    at = end;
    if (Lower(Attribute(tag, tag_lower, "name")) != "generator") continue;
    return ShortenedText(TrimmedText(Attribute(tag, tag_lower, "content")), 200);
  }
  return "";
}

// The first version number ("6.4.2") in `text` after `from`; "" when there is none.
std::string VersionAfter(std::string_view text, size_t from) {
  for (size_t i = from; i < text.size() && i < from + 200; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) continue;
    size_t end = i;
    while (end < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
      ++end;
    }
    while (end > i && text[end - 1] == '.') --end;
    return std::string(text.substr(i, end - i));
  }
  return "";
}

bool HasGamblingWord(std::string_view text) {
  const std::string lower = Lower(text);
  std::string squeezed;
  for (char c : lower) {
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '-' && c != '_') squeezed += c;
  }
  for (std::string_view word : kGamblingWords) {
    if (lower.find(word) != std::string::npos) return true;
    std::string w;
    for (char c : word) {
      if (c != ' ') w += c;
    }
    if (squeezed.find(w) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::vector<NewFinding> CheckTls(const TlsFacts& tls, int64_t now_unix) {
  std::vector<NewFinding> out;
  if (!tls.error.empty()) return out;
  const std::string facts = fmt::format(
      "{}\nprotocol: {}\nsubject: {}\nissuer: {}\nvalid from: {}\nvalid until: {}\nchain: {}\n"
      "host in certificate: {}",
      tls.url, tls.protocol, tls.subject, tls.issuer,
      tls.not_before ? DateText(tls.not_before) : "?",
      tls.not_after ? DateText(tls.not_after) : "?",
      tls.chain_verified ? "verifies" : tls.chain_problem, tls.host_matches ? "yes" : "no");
  auto add = [&](std::string title, std::string severity, std::string_view why) {
    NewFinding f;
    f.title = std::move(title);
    f.check_id = "web:tls";
    f.severity = std::move(severity);
    f.target = tls.url;
    f.evidence = fmt::format("{}\n\n{}", why, Excerpt(facts));
    out.push_back(std::move(f));
  };
  if (tls.not_after != 0 && tls.not_after < now_unix) {
    add("TLS certificate expired", "high",
        fmt::format("The certificate expired on {}: browsers refuse the site or teach its "
                    "users to click through warnings.",
                    DateText(tls.not_after)));
  } else if (tls.not_before != 0 && tls.not_before > now_unix) {
    add("TLS certificate not yet valid", "high",
        fmt::format("The certificate is valid only from {}.", DateText(tls.not_before)));
  } else if (tls.not_after != 0 &&
             tls.not_after - now_unix < int64_t{kTlsExpiryWarningDays} * 24 * 3600) {
    add("TLS certificate expires soon", "medium",
        fmt::format("The certificate expires on {}, within {} days.", DateText(tls.not_after),
                    kTlsExpiryWarningDays));
  }
  const bool date_problem =
      tls.chain_problem == X509_verify_cert_error_string(X509_V_ERR_CERT_HAS_EXPIRED) ||
      tls.chain_problem == X509_verify_cert_error_string(X509_V_ERR_CERT_NOT_YET_VALID);
  if (!tls.chain_verified && !date_problem) {
    add("TLS certificate fails verification", "medium",
        fmt::format("The certificate chain does not verify against the trust store ({}): "
                    "browsers warn, and an attacker's certificate looks no different.",
                    tls.chain_problem));
  }
  if (!tls.host_matches) {
    add("TLS certificate does not name the host", "medium",
        "The certificate is for another name than the URL's host: browsers warn.");
  }
  if (tls.protocol == "SSLv3" || tls.protocol == "TLSv1" || tls.protocol == "TLSv1.1") {
    add(fmt::format("Outdated TLS protocol ({})", tls.protocol), "medium",
        "The server negotiates a protocol older than TLS 1.2, deprecated (RFC 8996).");
  } else if (!tls.old_protocols_accepted.empty()) {
    add(fmt::format("Outdated TLS protocol accepted ({})",
                    fmt::join(tls.old_protocols_accepted, ", ")),
        "medium",
        "A client that offers only a protocol older than TLS 1.2, deprecated (RFC 8996), is "
        "served: an attacker in the path can force it.");
  }
  if (!tls.weak_cipher_accepted.empty()) {
    add(fmt::format("Weak TLS cipher accepted ({})", tls.weak_cipher_accepted), "high",
        "A client that offers only ciphers without encryption or authentication or with broken "
        "algorithms is served: its traffic can be read or changed.");
  }
  if (!tls.static_rsa_accepted.empty()) {
    add(fmt::format("TLS without forward secrecy accepted ({})", tls.static_rsa_accepted), "low",
        "RSA key exchange is accepted: whoever obtains the server's private key later can decrypt "
        "every recorded session. Offer only ECDHE/DHE key exchange.");
  }
  return out;
}

std::vector<NewFinding> CheckAdminPanel(std::string_view path, const HttpExchange& answer,
                                        const HttpExchange& random) {
  std::vector<NewFinding> out;
  if (answer.status != 200 || !HasPasswordField(answer.body)) return out;
  if (random.status == 200 && HasPasswordField(random.body)) return out;  // a login on any path
  const size_t at = Lower(answer.body).find("password");
  NewFinding f;
  f.title = fmt::format("Admin login page exposed ({})", path);
  f.check_id = "web:admin-panel";
  f.severity = path == "/phpmyadmin/" ? "medium" : "low";
  f.target = answer.url;
  f.evidence = fmt::format(
      "HTTP 200 with a password field: the login is open to the whole Internet (brute force, "
      "stolen passwords); restrict it to the office network or a VPN.\n{}",
      Around(answer.body, at == std::string::npos ? 0 : at, 300));
  out.push_back(std::move(f));
  return out;
}

std::vector<NewFinding> CheckWebshellPath(std::string_view path, const HttpExchange& answer,
                                          const HttpExchange& random) {
  std::vector<NewFinding> out;
  if (answer.status != 200 || TrimmedText(answer.body).empty()) return out;
  if (LikeRandom(answer, random)) return out;
  NewFinding f;
  f.title = fmt::format("Possible webshell at a well-known path ({})", path);
  f.check_id = "web:webshell-path";
  f.severity = "high";
  f.target = answer.url;
  f.evidence = fmt::format(
      "HTTP 200 with content of its own ({}{} bytes; a random path answers HTTP {} with {} bytes): "
      "a file by a webshell's name is served. Confirm on the server and scan the file.\n{}",
      answer.body.size(), answer.truncated ? "+" : "", random.status, random.body.size(),
      Excerpt(std::string_view(answer.body).substr(0, 600)));
  out.push_back(std::move(f));
  return out;
}

std::vector<NewFinding> CheckCms(const HttpExchange& page, const std::vector<HttpExchange>& files) {
  struct Seen {
    std::string cms, version, where, excerpt, target;
  };
  std::vector<Seen> seen;
  auto note = [&](std::string cms, std::string version, std::string where, std::string excerpt,
                  std::string target) {
    for (Seen& s : seen) {
      if (s.cms != cms) continue;
      if (s.version.empty() && !version.empty()) {
        s.version = std::move(version);
        s.where += ", " + where;
        s.excerpt += "\n" + excerpt;
      }
      return;
    }
    seen.push_back({std::move(cms), std::move(version), std::move(where), std::move(excerpt),
                    std::move(target)});
  };
  if (page.status == 200) {
    const std::string generator = Generator(page.body);
    const std::string lower = Lower(generator);
    for (std::string_view cms : {"WordPress", "Joomla", "Drupal"}) {
      const size_t at = lower.find(Lower(cms));
      if (at == std::string::npos) continue;
      std::string version = VersionAfter(generator, at + cms.size());
      if (cms == "Joomla" && version == "1.5") version.clear();  // "Joomla! 1.5 - Open Source..."
      note(std::string(cms), version, "generator meta",
           fmt::format("<meta name=\"generator\" content=\"{}\">", Excerpt(generator, 200)),
           page.url);
    }
  }
  for (const HttpExchange& file : files) {
    if (file.status != 200) continue;
    const std::string path = PathOf(file.url);
    const std::string lower = Lower(file.body);
    if (path == "/readme.html" && lower.find("wordpress") != std::string::npos) {
      const size_t at = lower.find("version ");
      const std::string version = at == std::string::npos ? "" : VersionAfter(file.body, at + 8);
      note("WordPress", version, "/readme.html",
           at == std::string::npos ? "" : Around(file.body, at, 60), file.url);
    } else if (path == "/CHANGELOG.txt" && !LooksLikeHtml(file.body)) {
      for (std::string_view cms : {"Drupal", "Joomla"}) {
        const size_t at = file.body.find(std::string(cms) + " ");
        if (at == std::string::npos || at > 4096) continue;
        const std::string version = VersionAfter(file.body, at + cms.size());
        if (version.empty()) continue;
        note(std::string(cms), version, "/CHANGELOG.txt", Around(file.body, at, 60), file.url);
        break;
      }
    }
  }
  std::vector<NewFinding> out;
  for (const Seen& s : seen) {
    NewFinding f;
    f.title = s.version.empty() ? fmt::format("CMS: {}", s.cms)
                                : fmt::format("CMS: {} {}", s.cms, s.version);
    f.check_id = "web:cms";
    f.severity = "info";
    f.target = s.target;
    f.evidence = fmt::format("{}{} read from {}; compare with the CMS's security releases.\n{}",
                             s.cms, s.version.empty() ? " (version not shown)" : " " + s.version,
                             s.where, s.excerpt);
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<NewFinding> CheckHiddenLinks(const HttpExchange& page) {
  std::vector<NewFinding> out;
  if (page.status != 200) return out;
  const PageSummary summary = SummarisePage(page.body);
  const std::string host = UrlHost(page.url);
  std::string listed;
  int count = 0;
  bool gambling = false;
  for (const PageLink& link : summary.links) {
    if (!link.hidden) continue;
    const std::string lower = Lower(link.href);
    const bool absolute =
        lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//");
    const std::string target_host =
        absolute ? UrlHost(lower.starts_with("//") ? "http:" + link.href : link.href) : host;
    const bool words = HasGamblingWord(link.href) || HasGamblingWord(link.text);
    if (!words && (target_host.empty() || target_host == host)) continue;  // the site's own menus
    gambling = gambling || words;
    if (++count <= 10) {
      listed += fmt::format("- {} \"{}\" (hidden by {})\n", ShortenedText(link.href, 200),
                            ShortenedText(link.text, 100), link.hidden_by);
    }
  }
  if (count == 0) return out;
  NewFinding f;
  f.title = gambling ? "Hidden links with gambling words in the page"
                     : "Hidden links to other sites in the page";
  f.check_id = "web:hidden-link";
  f.severity = gambling ? "high" : "low";
  f.target = page.url;
  f.evidence =
      fmt::format("{} link(s) hidden from readers{}, the mark of injected SEO spam{}:\n{}{}", count,
                  gambling ? " with online-gambling words" : " to other hosts",
                  gambling ? "" : " (or a leftover; check who placed them)", listed,
                  count > 10 ? fmt::format("... and {} more\n", count - 10) : "");
  out.push_back(std::move(f));
  return out;
}

int WebChecksOf(std::string_view url) { return IsHttps(url) ? 6 : 5; }

WebCheckResult RunWebChecks(const std::vector<ScanTarget>& urls, const WebCheckOptions& options,
                            const std::atomic<bool>& cancel,
                            const std::function<void(const WebCheckProgress&)>& on_progress) {
  InitCurlOnce();
  WebCheckResult result;
  result.tool =
      fmt::format("Pantau web checks 2 (libcurl {})", curl_version_info(CURLVERSION_NOW)->version);
  Fetcher fetcher(options, cancel);
  int answered = 0;
  std::string problems;
  WebCheckProgress progress;
  for (const ScanTarget& target : urls) {
    if (target.kind() == ScanTarget::Kind::kUrl) progress.total += WebChecksOf(target.text());
  }
  // Each check of each target: named as it begins, counted as it ends (skipped ones too, so
  // that a run that was not stopped ends with done == total).
  auto begin_check = [&](std::string_view check, const ScanTarget& target) {
    progress.step = fmt::format("{} {}", check, target.text());
    if (on_progress) on_progress(progress);
  };
  auto end_check = [&] {
    ++progress.done;
    if (on_progress) on_progress(progress);
  };
  for (const ScanTarget& target : urls) {
    if (target.kind() != ScanTarget::Kind::kUrl) continue;
    const std::string host = target.host();
    std::string url = target.text();
    HttpExchange page;
    begin_check("page", target);
    for (int hop = 0;; ++hop) {
      if (fetcher.stopped()) break;
      page = fetcher.Fetch(url, options.max_page_bytes);
      Record(result.transcript, page);
      if (page.status < 300 || page.status >= 400) break;
      const std::string next = ResolveUrl(url, page.Header("location"));
      if (next.empty() || UrlHost(next) != host) {
        result.transcript += fmt::format(
            "! redirect to '{}' not followed: only the registered host {} is checked\n\n",
            ShortenedText(page.Header("location"), 300), host);
        break;
      }
      if (hop + 1 > options.max_redirects) {
        result.transcript += "! more redirects than allowed; stopped\n\n";
        break;
      }
      url = next;
    }
    if (page.status == 0) {
      problems += fmt::format("{}: {}; ", target.text(), page.error);
    } else {
      ++answered;
      for (NewFinding& f : CheckPage(page)) result.findings.push_back(std::move(f));
    }
    auto keep = [&](std::vector<NewFinding> found) {
      for (NewFinding& f : found) result.findings.push_back(std::move(f));
    };
    if (page.status != 0) keep(CheckHiddenLinks(page));
    end_check();
    const std::string origin = Origin(target.text());
    begin_check("exposed-files", target);
    for (std::string_view path : kExposedFilePaths) {
      if (fetcher.stopped()) break;
      HttpExchange answer = fetcher.Fetch(origin + std::string(path), options.max_file_bytes);
      Record(result.transcript, answer);
      for (NewFinding& f : CheckExposedFile(path, answer)) result.findings.push_back(std::move(f));
    }
    end_check();
    begin_check("cms", target);
    if (page.status != 0) {
      std::vector<HttpExchange> cms_files;
      for (std::string_view path : kCmsFilePaths) {
        if (fetcher.stopped()) break;
        cms_files.push_back(fetcher.Fetch(origin + std::string(path), options.max_file_bytes));
        Record(result.transcript, cms_files.back());
      }
      keep(CheckCms(page, cms_files));
    }
    end_check();
    if (IsHttps(target.text())) begin_check("tls", target);
    if (IsHttps(target.text()) && !fetcher.stopped()) {
      TlsFacts tls = fetcher.ProbeTls(origin + "/");
      result.transcript += fmt::format("> TLS handshake {}\n", tls.url);
      if (tls.error.empty()) {
        result.transcript +=
            fmt::format("< {} subject {} issuer {} not before {} not after {} chain {} host {}\n\n",
                        tls.protocol, tls.subject, tls.issuer, tls.not_before, tls.not_after,
                        tls.chain_verified ? "verifies" : tls.chain_problem,
                        tls.host_matches ? "matches" : "does not match");
      } else {
        result.transcript += fmt::format("! no handshake: {}\n\n", tls.error);
      }
      auto probe = [&](const WeakOffer& offer) {
        std::string why;
        std::string agreed = fetcher.ProbeOffer(tls.url, offer, why);
        result.transcript += fmt::format("> TLS handshake offering {}\n{}\n\n", offer.what,
                                         agreed.empty() ? "! refused: " + why : "< " + agreed);
        return agreed;
      };
      if (tls.error.empty()) {
        for (const WeakOffer& offer : kOldProtocolOffers) {
          if (fetcher.stopped()) break;
          std::string agreed = probe(offer);
          if (!agreed.empty())
            tls.old_protocols_accepted.push_back(agreed.substr(0, agreed.find(' ')));
        }
        if (!fetcher.stopped()) tls.weak_cipher_accepted = probe(kWeakCipherOffer);
        if (!fetcher.stopped()) tls.static_rsa_accepted = probe(kStaticRsaOffer);
      }
      keep(CheckTls(tls, std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()));
    }
    if (IsHttps(target.text())) end_check();
    // The answer for a path that cannot exist tells a soft 404 from a real file.
    if (fetcher.stopped()) continue;
    begin_check("admin-panels", target);
    std::mt19937_64 random_bits(std::random_device{}());
    const HttpExchange random = fetcher.Fetch(
        fmt::format("{}/pantau-{:016x}.php", origin, random_bits()), options.max_file_bytes);
    Record(result.transcript, random);
    for (std::string_view path : kAdminPanelPaths) {
      if (fetcher.stopped()) break;
      const HttpExchange answer = fetcher.Fetch(origin + std::string(path), options.max_file_bytes);
      Record(result.transcript, answer);
      keep(CheckAdminPanel(path, answer, random));
    }
    end_check();
    begin_check("webshell-paths", target);
    for (std::string_view path : kWebshellPaths) {
      if (fetcher.stopped()) break;
      const HttpExchange answer = fetcher.Fetch(origin + std::string(path), options.max_file_bytes);
      Record(result.transcript, answer);
      keep(CheckWebshellPath(path, answer, random));
    }
    end_check();
  }
  result.cancelled = fetcher.cancelled();
  result.timed_out = !result.cancelled && fetcher.timed_out();
  if (answered == 0 && !result.cancelled) {
    result.error =
        problems.empty() ? "no registered URL to check" : "no registered URL answered: " + problems;
  }
  return result;
}

}  // namespace pantau
