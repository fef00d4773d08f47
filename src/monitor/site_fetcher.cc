#include "monitor/site_fetcher.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <memory>
#include <mutex>

#include "monitor/system_matcher.h"

namespace pantau {
namespace {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  size_t index = 0;
  std::string url;
  int hop = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
  bool truncated = false;
  size_t max_bytes = 0;
  std::string location;

  ~Transfer() {
    if (easy != nullptr) curl_easy_cleanup(easy);
    if (headers != nullptr) curl_slist_free_all(headers);
  }
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  if (t->body.size() + bytes > t->max_bytes) {
    t->body.append(data, t->max_bytes - t->body.size());
    t->truncated = true;
    return 0;  // enough: stop reading
  }
  t->body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  constexpr std::string_view kLocation = "location:";
  if (line.size() > kLocation.size()) {
    bool match = true;
    for (size_t i = 0; i < kLocation.size() && match; ++i) {
      match = static_cast<char>(std::tolower(static_cast<unsigned char>(line[i]))) == kLocation[i];
    }
    if (match) {
      line.remove_prefix(kLocation.size());
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) {
        line.remove_suffix(1);
      }
      t->location = std::string(line.substr(0, 4096));
    }
  }
  return size * n;
}

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

void ReadCertificate(CURL* easy, TlsCertificate& cert) {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr ||
      info->num_of_certs < 1) {
    return;
  }
  cert.present = true;
  for (curl_slist* s = info->certinfo[0]; s != nullptr; s = s->next) {
    const std::string_view line(s->data);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    const std::string_view value = line.substr(colon + 1).substr(0, 1000);
    if (key == "Expire date") cert.not_after = ParseCertificateTime(value);
    if (key == "Subject") cert.subject = std::string(value);
    if (key == "Issuer") cert.issuer = std::string(value);
  }
  long verify = 0;
  if (curl_easy_getinfo(easy, CURLINFO_SSL_VERIFYRESULT, &verify) == CURLE_OK) {
    cert.verified = verify == X509_V_OK;
    if (!cert.verified) cert.problem = X509_verify_cert_error_string(verify);
  }
}

struct StoreDeleter {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
using StorePtr = std::unique_ptr<X509_STORE, StoreDeleter>;

// The CAs the certificates are verified against: `ca_file`, or the system's trust store. Null
// when they cannot be read.
StorePtr LoadTrustStore(const std::string& ca_file) {
  StorePtr store(X509_STORE_new());
  if (!store) return nullptr;
  const bool loaded = ca_file.empty() ? X509_STORE_set_default_paths(store.get()) == 1
                                      : X509_STORE_load_file(store.get(), ca_file.c_str()) == 1;
  return loaded ? std::move(store) : nullptr;
}

class Batch {
 public:
  Batch(const std::vector<FetchRequest>& requests, const FetchOptions& options,
        const std::atomic<bool>& cancel)
      : requests_(requests), options_(options), cancel_(cancel), results_(requests.size()) {}

  std::vector<FetchResult> Run() {
    InitCurlOnce();
    for (size_t i = 0; i < requests_.size(); ++i) {
      results_[i].url = requests_[i].url;
      auto t = std::make_unique<Transfer>();
      t->index = i;
      t->url = requests_[i].url;
      waiting_.push_back(std::move(t));
    }
    CURLM* multi = curl_multi_init();
    if (multi == nullptr) {
      for (FetchResult& r : results_) r.error = "curl_multi_init failed";
      return std::move(results_);
    }
    multi_ = multi;
    const auto deadline = std::chrono::steady_clock::now() + options_.batch_timeout;
    while ((!active_.empty() || !waiting_.empty()) && !cancel_.load() &&
           std::chrono::steady_clock::now() < deadline) {
      while (active_.size() < std::max<size_t>(1, options_.max_parallel) && !waiting_.empty()) {
        std::unique_ptr<Transfer> t = std::move(waiting_.front());
        waiting_.pop_front();
        Start(std::move(t));
      }
      int running = 0;
      curl_multi_perform(multi_, &running);
      int left = 0;
      while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
        if (m->msg != CURLMSG_DONE) continue;
        Done(m->easy_handle, m->data.result);
      }
      // A slot freed by a transfer just done is filled at once, not after the next wait (which
      // cost up to 100 ms per fetch: 1,000 URLs answering in 200 ms took 67 s instead of 50).
      const bool room = active_.size() < std::max<size_t>(1, options_.max_parallel);
      if (room && !waiting_.empty()) continue;
      if (!active_.empty()) curl_multi_poll(multi_, nullptr, 0, 100, nullptr);
    }
    const char* why = cancel_.load() ? "cancelled" : "out of time (the batch's limit)";
    for (auto& t : active_) {
      curl_multi_remove_handle(multi_, t->easy);
      if (results_[t->index].error.empty()) results_[t->index].error = why;
    }
    active_.clear();
    for (auto& t : waiting_) results_[t->index].error = why;
    waiting_.clear();
    curl_multi_cleanup(multi_);
    return std::move(results_);
  }

 private:
  // libcurl loads no trust store when it does not verify, so OpenSSL's verdict (which it reaches
  // even when told not to enforce it, CURLINFO_SSL_VERIFYRESULT) would fail every chain. Each
  // connection gets the batch's store, read once on the first https connection.
  static CURLcode OnSslContext(CURL*, void* ssl_ctx, void* user) {
    auto* batch = static_cast<Batch*>(user);
    if (!batch->store_tried_) {
      batch->store_tried_ = true;
      batch->store_ = LoadTrustStore(batch->options_.ca_file);
    }
    if (batch->store_) SSL_CTX_set1_cert_store(static_cast<SSL_CTX*>(ssl_ctx), batch->store_.get());
    return CURLE_OK;
  }

  void Start(std::unique_ptr<Transfer> t) {
    const FetchRequest& r = requests_[t->index];
    t->max_bytes = options_.max_page_bytes;
    t->easy = curl_easy_init();
    if (t->easy == nullptr) {
      results_[t->index].error = "curl_easy_init failed";
      return;
    }
    CURL* c = t->easy;
    const long timeout_ms = std::max<long>(1, static_cast<long>(options_.request_timeout.count()));
    curl_easy_setopt(c, CURLOPT_URL, t->url.c_str());
    curl_easy_setopt(c, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // followed here, within the host only
    curl_easy_setopt(c, CURLOPT_PROXY, "");           // straight to the system, never a proxy
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L));
    curl_easy_setopt(c, CURLOPT_USERAGENT, r.user_agent.c_str());
    if (!r.referer.empty()) curl_easy_setopt(c, CURLOPT_REFERER, r.referer.c_str());
    t->headers = curl_slist_append(nullptr, "Accept-Language: id-ID,id;q=0.9,en;q=0.8");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // what libcurl can decode
    // The page is read whatever its certificate; the certificate is judged on its own, from
    // what the handshake showed. A fresh connection for each, so that every answer shows it.
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, &Batch::OnSslContext);
    curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, this);
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, t.get());
    if (curl_multi_add_handle(multi_, c) != CURLM_OK) {
      results_[t->index].error = "curl_multi_add_handle failed";
      return;
    }
    active_.push_back(std::move(t));
  }

  void Done(CURL* easy, CURLcode rc) {
    auto it = std::find_if(active_.begin(), active_.end(),
                           [easy](const std::unique_ptr<Transfer>& t) { return t->easy == easy; });
    if (it == active_.end()) return;
    std::unique_ptr<Transfer> t = std::move(*it);
    active_.erase(it);
    curl_multi_remove_handle(multi_, easy);
    FetchResult& r = results_[t->index];
    curl_off_t us = 0;
    curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &us);
    r.elapsed_ms += static_cast<int64_t>(us / 1000);
    if (!r.certificate.present && t->url.starts_with("https://")) {
      ReadCertificate(easy, r.certificate);
    }
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && t->truncated)) {
      r.final_url = t->url;
      r.error = rc == CURLE_OPERATION_TIMEDOUT
                    ? "no answer within " + std::to_string(options_.request_timeout.count()) + " ms"
                    : curl_easy_strerror(rc);
      r.status = 0;
      return;
    }
    if (status >= 300 && status < 400 && !t->location.empty()) {
      const std::string next = ResolveUrl(t->url, t->location);
      const bool same_host = !next.empty() && UrlHost(next) == UrlHost(requests_[t->index].url);
      if (same_host && t->hop < options_.max_redirects) {
        r.hops.push_back(std::to_string(status) + " " + t->url + " -> " + next);
        auto again = std::make_unique<Transfer>();
        again->index = t->index;
        again->url = next;
        again->hop = t->hop + 1;
        waiting_.push_front(std::move(again));
        return;
      }
      if (!same_host) r.offsite_redirect = next.empty() ? t->location : next;
    }
    r.final_url = t->url;
    r.status = status;
    char* type = nullptr;
    if (curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != nullptr) {
      r.content_type = std::string(type).substr(0, 200);
    }
    r.body = std::move(t->body);
    r.truncated = t->truncated;
  }

  const std::vector<FetchRequest>& requests_;
  const FetchOptions& options_;
  const std::atomic<bool>& cancel_;
  std::vector<FetchResult> results_;
  CURLM* multi_ = nullptr;
  std::deque<std::unique_ptr<Transfer>> waiting_;
  std::vector<std::unique_ptr<Transfer>> active_;
  StorePtr store_;  // only the batch's thread: libcurl calls OnSslContext from perform
  bool store_tried_ = false;
};

}  // namespace

Status CheckCaFile(const std::string& ca_file) {
  if (LoadTrustStore(ca_file)) return Status::Ok();
  return InvalidArgument(ca_file + ": no PEM certificate could be read (the CAs to trust)");
}

std::string ResolveUrl(const std::string& base, const std::string& location) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) return "";
  if (curl_url_set(u.get(), CURLUPART_URL, location.c_str(), 0) != CURLUE_OK) return "";
  char* out = nullptr;
  if (curl_url_get(u.get(), CURLUPART_URL, &out, 0) != CURLUE_OK) return "";
  std::string resolved(out);
  curl_free(out);
  return UrlHost(resolved).empty() ? "" : resolved;
}

TimeNs ParseCertificateTime(std::string_view text) {
  std::string s(text.substr(0, 100));
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  tm t{};
  const char* end = strptime(s.c_str(), "%b %d %H:%M:%S %Y", &t);
  if (end == nullptr) return 0;
  const time_t secs = timegm(&t);
  if (secs <= 0) return 0;
  return static_cast<TimeNs>(secs) * kNsPerSecond;
}

std::vector<FetchResult> FetchPages(const std::vector<FetchRequest>& requests,
                                    const FetchOptions& options, const std::atomic<bool>& cancel) {
  return Batch(requests, options, cancel).Run();
}

}  // namespace pantau
