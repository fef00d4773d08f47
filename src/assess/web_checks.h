// Pantau's built-in web checks (a first subset) against a system's registered URLs, with libcurl:
// missing security headers (Content-Security-Policy, X-Frame-Options, Strict-Transport-Security on
// https, X-Content-Type-Options), a directory listing, files that should never be served
// (/.git/HEAD, /.env, /backup.zip, /wp-config.php.bak) and online-gambling content injected into
// the page. Bounded: a deadline for the whole run and one per request, a cap on the bytes read,
// at most a few redirects, and only to the registered host (a redirect elsewhere is noted and not
// followed); never through a proxy.
//
// Thread-safety: RunWebChecks may run in several threads at once (one curl handle each); the
// checks of one response are pure.
#pragma once

#include <atomic>
#include <chrono>
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
  std::string tool;        // "Pantau web checks 1 (libcurl 7.88.1)"
  bool cancelled = false;
  bool timed_out = false;
  std::string error;  // no registered URL answered
};

WebCheckResult RunWebChecks(const std::vector<ScanTarget>& urls, const WebCheckOptions& options,
                            const std::atomic<bool>& cancel);

// The checks of a page as fetched: headers, directory listing, gambling content.
std::vector<NewFinding> CheckPage(const HttpExchange& page);
// Whether the answer to `path` (one of the exposed-file paths) is that file.
std::vector<NewFinding> CheckExposedFile(std::string_view path, const HttpExchange& answer);

// The paths probed for exposed files.
inline constexpr std::string_view kExposedFilePaths[] = {"/.git/HEAD", "/.env", "/backup.zip",
                                                         "/wp-config.php.bak"};
// Words of online-gambling spam injected into government sites, matched without regard to case.
inline constexpr std::string_view kGamblingWords[] = {"slot gacor", "judi online", "togel",
                                                      "situs slot"};

}  // namespace pantau
