#include "monitor/host_addresses.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <condition_variable>
#include <iterator>
#include <memory>
#include <mutex>
#include <thread>

namespace pantau {
namespace {

// Shared by the lookup threads and the caller; the threads hold it after the caller stops
// waiting, so that a late answer writes to memory that still exists.
struct Lookups {
  std::mutex mu;
  std::condition_variable done_cv;
  std::vector<std::string> hosts;
  std::vector<std::vector<std::string>> results;  // GUARDED_BY(mu)
  size_t next = 0;                                // GUARDED_BY(mu)
  size_t done = 0;                                // GUARDED_BY(mu)
};

std::vector<std::string> Resolve(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0) return {};
  std::vector<std::string> out;
  for (addrinfo* a = list; a != nullptr && out.size() < 64; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw = nullptr;
    if (a->ai_family == AF_INET) {
      raw = &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;
    } else if (a->ai_family == AF_INET6) {
      raw = &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;
    }
    if (raw != nullptr && inet_ntop(a->ai_family, raw, text, sizeof(text)) != nullptr) {
      out.emplace_back(text);
    }
  }
  freeaddrinfo(list);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// `l` refers to the thread's own copy (std::thread copies its arguments), which keeps the lookups
// alive after ResolveHosts gave up waiting.
void LookupWorker(const std::shared_ptr<Lookups>& l) {
  while (true) {
    size_t i;
    {
      std::lock_guard lock(l->mu);
      if (l->next >= l->hosts.size()) return;
      i = l->next++;
    }
    std::vector<std::string> addresses = Resolve(l->hosts[i]);
    std::lock_guard lock(l->mu);
    l->results[i] = std::move(addresses);
    ++l->done;
    l->done_cv.notify_all();
  }
}

}  // namespace

bool IsIpLiteral(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::vector<std::vector<std::string>> ResolveHosts(const std::vector<std::string>& hosts,
                                                   std::chrono::milliseconds timeout,
                                                   size_t parallel) {
  auto l = std::make_shared<Lookups>();
  std::vector<size_t> index;  // of each name looked up, in `hosts`
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (hosts[i].empty() || IsIpLiteral(hosts[i])) continue;
    index.push_back(i);
    l->hosts.push_back(hosts[i]);
  }
  l->results.resize(l->hosts.size());
  const size_t threads = std::min(std::max<size_t>(1, parallel), l->hosts.size());
  for (size_t t = 0; t < threads; ++t) std::thread(LookupWorker, l).detach();

  std::vector<std::vector<std::string>> out(hosts.size());
  std::unique_lock lock(l->mu);
  l->done_cv.wait_for(lock, timeout, [&] { return l->done == l->hosts.size(); });
  l->next = l->hosts.size();  // lookups not started are not started
  for (size_t k = 0; k < index.size(); ++k) out[index[k]] = l->results[k];
  return out;
}

AddressChange CompareAddresses(const std::vector<std::string>& before,
                               const std::vector<std::string>& after) {
  AddressChange c;
  if (before.empty() || after.empty()) return c;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(c.added));
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(c.removed));
  return c;
}

std::string JoinAddresses(const std::vector<std::string>& addresses) {
  std::string out;
  for (const std::string& a : addresses) {
    if (!out.empty()) out += ", ";
    out += a;
  }
  return out;
}

std::vector<std::string> SplitAddresses(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string a(text.substr(start, end - start));
    while (!a.empty() && a.front() == ' ') a.erase(0, 1);
    while (!a.empty() && a.back() == ' ') a.pop_back();
    if (IsIpLiteral(a)) out.push_back(std::move(a));
    start = end + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace pantau
