// Pantau's built-in web checks (a first subset) against a system's registered URLs, with libcurl:
// missing security headers (Content-Security-Policy, X-Frame-Options, Strict-Transport-Security on
// https, X-Content-Type-Options), a directory listing, files that should never be served
// (/.git/HEAD, /.env, /backup.zip, /wp-config.php.bak), online-gambling content injected into
// the page, the TLS certificate, protocols and ciphers of an https URL, admin login pages,
// well-known webshell paths, the CMS and its version, and hidden links. Bounded: a deadline for the
// whole run and one per request, a cap on the bytes read, at most a few redirects, and only to the
// registered host (a redirect elsewhere is noted and not followed); never through a proxy. The run
// reports its progress to a callback, check by check.
//
// Thread-safety: RunWebChecks may run in several threads at once (one curl handle each); the
// checks of one response are pure.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "assess/allow_list.h"
#include "assess/assessment_store.h"

namespace pantau {

struct WebCheckOptions {
  std::chrono::milliseconds total_timeout{std::chrono::seconds(120)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(15)};
  size_t max_page_bytes = size_t{1} << 20;
  size_t max_file_bytes = size_t{64} << 10;
  int max_redirects = 3;
  // Trust store of the TLS check (a PEM file); empty: the system's.
  std::string ca_file;
};

// What the TLS handshake with an https URL showed.
struct TlsFacts {
  std::string url;
  std::string error;     // why there was no handshake; empty when there was one
  std::string protocol;  // "TLSv1.3"
  bool chain_verified = false;
  std::string chain_problem;  // why the chain does not verify ("self-signed certificate")
  bool host_matches = false;  // the certificate names the URL's host
  int64_t not_before = 0;     // Unix seconds; 0: not read
  int64_t not_after = 0;
  std::string subject, issuer;
  // What further handshakes that offered only weak choices got the server to accept ("TLSv1
  // ECDHE-RSA-AES128-SHA"): protocols older than TLS 1.2, ciphers without encryption or
  // authentication or with broken algorithms, and key exchange without forward secrecy. Empty:
  // refused (or not probed).
  std::vector<std::string> old_protocols_accepted;
  std::string weak_cipher_accepted;
  std::string static_rsa_accepted;
};

// One request and what came back.
struct HttpExchange {
  std::string method = "GET";
  std::string url;
  long status = 0;                                           // 0: no answer
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  bool truncated = false;  // the body was longer than the cap
  std::string error;       // why there was no answer

  // The value of the first header `name` (lower case), or "".
  std::string Header(std::string_view name) const;
};

struct WebCheckResult {
  std::vector<NewFinding> findings;
  std::string transcript;  // every request and answer: the run's raw output
  std::string tool;        // "Pantau web checks 2 (libcurl 7.88.1)"
  bool cancelled = false;
  bool timed_out = false;
  std::string error;  // no registered URL answered
};

// How far a run is: of `total` checks (each check of WebChecksOf on each URL), `done` have
// ended; `step` is the check going on or the last one ("tls https://portal.example/").
struct WebCheckProgress {
  int done = 0;
  int total = 0;
  std::string step;
};

// The checks of one URL, each a step of the progress: page (headers, directory listing,
// gambling content, hidden links), exposed-files, cms, tls (https only), admin-panels,
// webshell-paths.
int WebChecksOf(std::string_view url);

// `on_progress`, when given, is called on the calling thread as each check begins and ends;
// `done` never goes down and reaches `total` unless the run was cancelled or ran out of time.
WebCheckResult RunWebChecks(const std::vector<ScanTarget>& urls, const WebCheckOptions& options,
                            const std::atomic<bool>& cancel,
                            const std::function<void(const WebCheckProgress&)>& on_progress = {});

// The checks of a page as fetched: headers, directory listing, gambling content.
std::vector<NewFinding> CheckPage(const HttpExchange& page);
// Whether the answer to `path` (one of the exposed-file paths) is that file.
std::vector<NewFinding> CheckExposedFile(std::string_view path, const HttpExchange& answer);

// The TLS check (web:tls): expired or not yet valid, failing verification, expiring within
// kTlsExpiryWarningDays of `now_unix`, a protocol older than TLS 1.2 negotiated or accepted, a
// weak cipher accepted, key exchange without forward secrecy accepted.
std::vector<NewFinding> CheckTls(const TlsFacts& tls, int64_t now_unix);
// An admin login page (web:admin-panel): `answer` to one of kAdminPanelPaths is 200 with a
// password field, and `random` (the answer for a path that cannot exist) is not the same form.
std::vector<NewFinding> CheckAdminPanel(std::string_view path, const HttpExchange& answer,
                                        const HttpExchange& random);
// A well-known webshell file (web:webshell-path): 200 with content unlike the soft 404 `random`.
std::vector<NewFinding> CheckWebshellPath(std::string_view path, const HttpExchange& answer,
                                          const HttpExchange& random);
// The CMS and its version (web:cms, info) from the page's generator meta and the answers for
// kCmsFilePaths (`files`, any order; those not answering 200 are ignored).
std::vector<NewFinding> CheckCms(const HttpExchange& page, const std::vector<HttpExchange>& files);
// Links the page hides from its readers to other hosts (web:hidden-link): high with gambling
// words, otherwise low.
std::vector<NewFinding> CheckHiddenLinks(const HttpExchange& page);

inline constexpr int kTlsExpiryWarningDays = 14;
inline constexpr std::string_view kAdminPanelPaths[] = {
    "/wp-admin/", "/wp-login.php", "/administrator/", "/phpmyadmin/", "/admin/", "/login"};
inline constexpr std::string_view kWebshellPaths[] = {
    "/shell.php", "/c99.php", "/r57.php", "/wso.php", "/up.php", "/alfa.php", "/b374k.php"};
inline constexpr std::string_view kCmsFilePaths[] = {"/readme.html", "/CHANGELOG.txt"};

// The paths probed for exposed files.
inline constexpr std::string_view kExposedFilePaths[] = {"/.git/HEAD", "/.env", "/backup.zip",
                                                         "/wp-config.php.bak"};
// Words of online-gambling spam injected into government sites, matched without regard to case.
inline constexpr std::string_view kGamblingWords[] = {"slot gacor", "judi online", "togel",
                                                      "situs slot"};

}  // namespace pantau
