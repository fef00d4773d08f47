// Which registered electronic system an event or alert concerns: by IP address (equal to a
// registered address or inside a registered range, the longest prefix winning), by host name
// (equal without regard to case), or by the host of a URL (equal to the host of a registered
// URL, or to a registered host name). Built once from the registry and never changed: the
// registry builds a new one after each change and swaps it in (registry.h).
//
// Also the address and URL forms the registry accepts, so that what is stored is what matches.
//
// Thread-safety: immutable after construction; any number of threads may match at once.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "core/status.h"

namespace pantau {

// An IPv4 or IPv6 address, or a range of them in CIDR notation.
struct IpRange {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // network byte order; IPv4 in the first 4
  int prefix = 32;                  // 32 or 128 for a single address
};

// "192.0.2.7", "192.0.2.0/24", "2001:db8::1", "2001:db8::/32". A range with bits set past its
// prefix ("192.0.2.7/24") is refused, naming the network it would be.
Result<IpRange> ParseIpRange(std::string_view text);
// The canonical text: "192.0.2.7", "192.0.2.0/24", "2001:db8::/32" (no prefix for one address).
std::string FormatIpRange(const IpRange& range);

// The host of an absolute http:// or https:// URL, lower-cased, without a port, brackets or a
// trailing dot; empty when `url` is not one.
std::string UrlHost(std::string_view url);

class SystemMatcher {
 public:
  struct Entry {
    std::string id;
    std::vector<std::string> hosts;  // lower-case host names
    std::vector<std::string> urls;   // absolute URLs (their hosts are used)
    std::vector<IpRange> ips;
  };

  SystemMatcher() = default;
  // Where two systems claim the same host or range, the earlier entry wins.
  explicit SystemMatcher(const std::vector<Entry>& entries);

  // The id of the system, or empty.
  std::string ForIp(std::string_view ip) const;
  std::string ForHost(std::string_view host) const;  // a host name or an IP literal
  std::string ForUrl(std::string_view url) const;
  // An event's fields, most telling first: destination.ip; the URL's domain (url.domain,
  // url.full, url.original, destination.domain); host.name; then source.ip and client.ip (a
  // registered system that is the source, as when it attacks or leaks).
  std::string ForEvent(const Fields& fields) const;

  bool empty() const { return hosts_.empty() && v4_.empty() && v6_.empty(); }

 private:
  // Per prefix length, longest first: the masked network bytes -> system id.
  using Ranges = std::map<int, std::unordered_map<std::string, std::string>, std::greater<>>;
  static std::string Find(const Ranges& ranges, const IpRange& address);

  std::unordered_map<std::string, std::string> hosts_;  // host names and URL hosts
  Ranges v4_, v6_;
};

}  // namespace pantau
