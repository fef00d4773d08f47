#include "monitor/system_matcher.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace pantau {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The network bytes of `r` with the bits past `prefix` cleared, as a key.
std::string MaskedKey(const IpRange& r, int prefix) {
  const size_t n = r.v6 ? 16 : 4;
  std::string key(reinterpret_cast<const char*>(r.bytes.data()), n);
  for (size_t i = 0; i < n; ++i) {
    const int bits = std::clamp(prefix - static_cast<int>(i) * 8, 0, 8);
    key[i] = static_cast<char>(static_cast<unsigned char>(key[i]) & (0xff00 >> bits));
  }
  return key;
}

}  // namespace

Result<IpRange> ParseIpRange(std::string_view text) {
  IpRange r;
  std::string_view addr = text;
  std::optional<int> prefix;
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    const std::string_view bits = text.substr(slash + 1);
    int v = -1;
    const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), v);
    if (bits.empty() || ec != std::errc() || end != bits.data() + bits.size()) {
      return InvalidArgument(fmt::format("'{}' has no prefix length after '/'", text));
    }
    prefix = v;
  }
  const std::string a(addr);
  if (a.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, a.c_str(), r.bytes.data()) != 1) {
      return InvalidArgument(fmt::format("'{}' is not an IPv6 address", addr));
    }
    r.v6 = true;
    r.prefix = 128;
  } else if (inet_pton(AF_INET, a.c_str(), r.bytes.data()) != 1) {
    return InvalidArgument(fmt::format(
        "'{}' is not an IPv4 or IPv6 address (nor a range such as 192.0.2.0/24)", addr));
  }
  if (prefix) {
    if (*prefix < 0 || *prefix > r.prefix) {
      return InvalidArgument(
          fmt::format("'{}': the prefix length must be 0 to {}", text, r.prefix));
    }
    IpRange network = r;
    network.prefix = *prefix;
    const std::string key = MaskedKey(r, *prefix);
    std::copy(key.begin(), key.end(), network.bytes.begin());
    if (network.bytes != r.bytes) {
      return InvalidArgument(
          fmt::format("'{}' has host bits set: the range is {}", text, FormatIpRange(network)));
    }
    r.prefix = *prefix;
  }
  return r;
}

std::string FormatIpRange(const IpRange& r) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(r.v6 ? AF_INET6 : AF_INET, r.bytes.data(), buf, sizeof(buf));
  std::string out(buf);
  if (r.prefix != (r.v6 ? 128 : 32)) out += fmt::format("/{}", r.prefix);
  return out;
}

std::string UrlHost(std::string_view url) {
  std::string_view rest;
  if (url.size() > 7 && Lower(url.substr(0, 7)) == "http://") {
    rest = url.substr(7);
  } else if (url.size() > 8 && Lower(url.substr(0, 8)) == "https://") {
    rest = url.substr(8);
  } else {
    return {};
  }
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return {};
    return Lower(rest.substr(1, close - 1));
  }
  rest = rest.substr(0, rest.find(':'));
  if (rest.ends_with('.')) rest.remove_suffix(1);
  return Lower(rest);
}

SystemMatcher::SystemMatcher(const std::vector<Entry>& entries) {
  for (const Entry& e : entries) {
    for (const std::string& h : e.hosts) hosts_.emplace(Lower(h), e.id);
    for (const std::string& u : e.urls) {
      if (std::string h = UrlHost(u); !h.empty()) hosts_.emplace(std::move(h), e.id);
    }
    for (const IpRange& r : e.ips) {
      (r.v6 ? v6_ : v4_)[r.prefix].emplace(MaskedKey(r, r.prefix), e.id);
    }
  }
}

std::string SystemMatcher::Find(const Ranges& ranges, const IpRange& address) {
  for (const auto& [prefix, networks] : ranges) {
    auto it = networks.find(MaskedKey(address, prefix));
    if (it != networks.end()) return it->second;
  }
  return {};
}

std::string SystemMatcher::ForIp(std::string_view ip) const {
  if (ip.empty() || ip.find('/') != std::string_view::npos) return {};
  auto r = ParseIpRange(ip);
  if (!r.ok()) return {};
  return Find(r->v6 ? v6_ : v4_, *r);
}

std::string SystemMatcher::ForHost(std::string_view host) const {
  if (host.empty()) return {};
  if (host.ends_with('.')) host.remove_suffix(1);
  if (auto it = hosts_.find(Lower(host)); it != hosts_.end()) return it->second;
  return ForIp(host);
}

std::string SystemMatcher::ForUrl(std::string_view url) const {
  const std::string host = UrlHost(url);
  return host.empty() ? std::string() : ForHost(host);
}

std::string SystemMatcher::ForEvent(const Fields& f) const {
  if (empty()) return {};
  std::string id = ForIp(f.GetString("destination.ip"));
  if (id.empty()) id = ForHost(f.GetString("url.domain"));
  if (id.empty()) id = ForUrl(f.GetString("url.full"));
  if (id.empty()) id = ForUrl(f.GetString("url.original"));
  if (id.empty()) id = ForHost(f.GetString("destination.domain"));
  if (id.empty()) id = ForHost(f.GetString("host.name"));
  if (id.empty()) id = ForIp(f.GetString("source.ip"));
  if (id.empty()) id = ForIp(f.GetString("client.ip"));
  return id;
}

}  // namespace pantau
