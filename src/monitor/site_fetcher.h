// Fetches many pages at once with libcurl's multi interface, for the website monitor: bounded in
// transfers running together, bytes kept per page, time per request and per batch, and redirects,
// which are followed only within the host asked for (a redirect to another site is noted, not
// followed). Never through a proxy. For https it keeps what the server's certificate says: when
// it expires and whether it verifies against the system's trust store (or the CA file named in
// the options). The page is read whatever the certificate; the verdict is only recorded.
//
// Thread-safety: FetchPages may run in several threads at once (one multi handle each).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace pantau {

struct FetchOptions {
  size_t max_parallel = 8;
  size_t max_page_bytes = size_t{1} << 20;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(20)};
  std::chrono::milliseconds batch_timeout{std::chrono::minutes(5)};
  int max_redirects = 5;
  // PEM file of the CAs certificates are verified against; empty: the system's trust store.
  std::string ca_file;
};

struct FetchRequest {
  std::string url;  // REQUIRES: an absolute http:// or https:// URL
  std::string user_agent;
  std::string referer;  // empty: none
};

struct TlsCertificate {
  bool present = false;
  TimeNs not_after = 0;   // 0: not read
  bool verified = false;  // the chain verifies against the trust store
  std::string problem;    // why it does not ("certificate has expired"); empty when verified
  std::string subject, issuer;
};

struct FetchResult {
  std::string url;        // asked for
  std::string final_url;  // that answered, after redirects within the host
  long status = 0;        // 0: no answer
  std::string content_type;
  std::string body;
  bool truncated = false;         // the body was longer than max_page_bytes
  std::string error;              // why there was no answer
  std::vector<std::string> hops;  // each redirect followed: "301 http://a/ -> http://a/x"
  std::string offsite_redirect;   // a Location to another host, not followed
  int64_t elapsed_ms = 0;         // all requests of it, redirects included
  TlsCertificate certificate;     // of the first https answer
};

// One result per request, in order. Returns when all are done, the batch timeout passed, or
// `cancel` was set (those not done carry an error).
std::vector<FetchResult> FetchPages(const std::vector<FetchRequest>& requests,
                                    const FetchOptions& options, const std::atomic<bool>& cancel);

// OK when `ca_file` is a PEM file OpenSSL reads at least one certificate from; the error names it.
Status CheckCaFile(const std::string& ca_file);

// `location` (a redirect's Location, a link) resolved against `base`; empty when the result is
// not an http(s) URL.
std::string ResolveUrl(const std::string& base, const std::string& location);

// "Jan  2 03:04:05 2030 GMT" (how OpenSSL prints a certificate's dates) as TimeNs; 0 when it is
// not that.
TimeNs ParseCertificateTime(std::string_view text);

}  // namespace pantau
