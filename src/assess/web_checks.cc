#include "assess/web_checks.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "cases/text.h"
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
struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

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
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // followed here, to the same host only
    curl_easy_setopt(c, CURLOPT_PROXY, "");           // straight to the system, never a proxy
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L));
    curl_easy_setopt(c, CURLOPT_USERAGENT, "Pantau-assessment/1 (CSIRT web checks)");
    // An assessment reads what the site serves, whatever its certificate; the TLS checks judge the
    // certificate separately.
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
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

 private:
  const WebCheckOptions& options_;
  const std::atomic<bool>& cancel_;
  std::chrono::steady_clock::time_point deadline_;
};

// `location` resolved against `base`; empty when it is not an http(s) URL.
std::string Resolve(const std::string& base, const std::string& location) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) return "";
  if (curl_url_set(u.get(), CURLUPART_URL, location.c_str(), 0) != CURLUE_OK) return "";
  char* out = nullptr;
  if (curl_url_get(u.get(), CURLUPART_URL, &out, 0) != CURLUE_OK) return "";
  std::string resolved(out);
  curl_free(out);
  return UrlHost(resolved).empty() ? "" : resolved;
}

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

WebCheckResult RunWebChecks(const std::vector<ScanTarget>& urls, const WebCheckOptions& options,
                            const std::atomic<bool>& cancel) {
  InitCurlOnce();
  WebCheckResult result;
  result.tool =
      fmt::format("Pantau web checks 1 (libcurl {})", curl_version_info(CURLVERSION_NOW)->version);
  Fetcher fetcher(options, cancel);
  int answered = 0;
  std::string problems;
  for (const ScanTarget& target : urls) {
    if (target.kind() != ScanTarget::Kind::kUrl) continue;
    const std::string host = target.host();
    std::string url = target.text();
    HttpExchange page;
    for (int hop = 0;; ++hop) {
      if (fetcher.stopped()) break;
      page = fetcher.Fetch(url, options.max_page_bytes);
      Record(result.transcript, page);
      if (page.status < 300 || page.status >= 400) break;
      const std::string next = Resolve(url, page.Header("location"));
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
    const std::string origin = Origin(target.text());
    for (std::string_view path : kExposedFilePaths) {
      if (fetcher.stopped()) break;
      HttpExchange answer = fetcher.Fetch(origin + std::string(path), options.max_file_bytes);
      Record(result.transcript, answer);
      for (NewFinding& f : CheckExposedFile(path, answer)) result.findings.push_back(std::move(f));
    }
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
