// The addresses a monitored site's host name resolves to, for the DNS-change check of the website
// monitor (site_monitor.h): a defacer who takes over a domain's DNS points it elsewhere, and the
// page may even look right. Resolution is bounded in time (getaddrinfo has no timeout of its
// own: lookups run on a few threads of their own and are no longer waited for after the
// deadline), and the comparison of two checks' sets is a pure function.
//
// Thread-safety: ResolveHosts may run in several threads at once; the rest are pure functions.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pantau {

// Whether `host` (as UrlHost gives it: no brackets, no port) is an IPv4 or IPv6 address, which
// has no DNS record to watch.
bool IsIpLiteral(const std::string& host);

// Each host's addresses in text form ("127.0.0.1", "::1"), sorted and distinct, in the order of
// `hosts`: empty for an IP literal, a name that does not resolve, or one whose lookup was not
// done within `timeout`. At most `parallel` lookups run at once.
std::vector<std::vector<std::string>> ResolveHosts(const std::vector<std::string>& hosts,
                                                   std::chrono::milliseconds timeout,
                                                   size_t parallel);

struct AddressChange {
  std::vector<std::string> added, removed;  // sorted
  bool changed() const { return !added.empty() || !removed.empty(); }
};

// What changed from `before` to `after` (each sorted and distinct). Nothing when either is empty:
// the first check, and a lookup that failed (an outage, which availability reports), are not a
// change of the records.
AddressChange CompareAddresses(const std::vector<std::string>& before,
                               const std::vector<std::string>& after);

// "a, b" of sorted addresses, and back; bad entries of `text` are dropped.
std::string JoinAddresses(const std::vector<std::string>& addresses);
std::vector<std::string> SplitAddresses(std::string_view text);

}  // namespace pantau
