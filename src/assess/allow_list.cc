#include "assess/allow_list.h"

#include <fmt/format.h>

#include <algorithm>

#include "cases/text.h"
#include "monitor/system_matcher.h"

namespace pantau {
namespace {

// Whether `inner` lies inside `outer` (same family, at least as long a prefix, equal bits).
bool Contains(const IpRange& outer, const IpRange& inner) {
  if (outer.v6 != inner.v6 || outer.prefix > inner.prefix) return false;
  const int full = outer.prefix / 8, rest = outer.prefix % 8;
  if (!std::equal(outer.bytes.begin(), outer.bytes.begin() + full, inner.bytes.begin())) {
    return false;
  }
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (outer.bytes[full] & mask) == (inner.bytes[full] & mask);
}

// The target in the form the registry stores a URL or host name in (monitor/registry.h), so that
// what is compared is what was registered.
Result<std::string> NormalisedAs(std::string_view list, const std::string& target) {
  ElectronicSystem probe;
  probe.name = "target";
  probe.op.agency = "target";
  (list == "urls" ? probe.urls : probe.hosts).push_back(target);
  auto normalised = NormaliseSystem(std::move(probe));
  if (!normalised.ok()) {
    std::string why(normalised.status().message());
    if (why.starts_with(list))
      why = why.substr(list.size() + 2);  // "urls: 'x' is ..." -> "'x' is ..."
    return InvalidArgument("target: " + why);
  }
  const auto& out = list == "urls" ? normalised->urls : normalised->hosts;
  if (out.empty()) return InvalidArgument("target: empty");
  return out.front();
}

}  // namespace

Result<ScanTarget> AllowScanTarget(SystemRegistry& registry, std::string_view system_id,
                                   std::string_view target) {
  auto found = registry.Get(system_id);
  if (!found.ok()) {
    if (found.status().code() != StatusCode::kNotFound) return found.status();
    return PermissionDenied(fmt::format(
        "system '{}' is not in the registry: Pantau scans only registered systems (an admin "
        "registers them under Sistem Elektronik)",
        ShortenedText(system_id, 100)));
  }
  const ElectronicSystem& system = *found;
  const std::string label = fmt::format("system {} ({})", system.id, system.name);
  if (system.status == "retired") {
    return PermissionDenied(label + " is retired: a retired system is not scanned");
  }
  const std::string given = TrimmedText(target);
  if (given.empty()) return InvalidArgument("target: empty; name a URL, host name or address");
  const std::string shown = ShortenedText(given, 200);
  auto not_registered = [&] {
    return PermissionDenied(fmt::format(
        "target '{}' is not a URL, host name or address of {} in the registry: Pantau scans "
        "only what the registry lists for the system",
        shown, label));
  };

  if (given.find("://") != std::string::npos) {
    ASSIGN_OR_RETURN(std::string url, NormalisedAs("urls", given));
    if (std::find(system.urls.begin(), system.urls.end(), url) == system.urls.end()) {
      return not_registered();
    }
    const std::string host = UrlHost(url);
    if (host.empty() || host.starts_with('-')) {
      return InvalidArgument(fmt::format("target '{}': its host is not one to scan", shown));
    }
    return ScanTarget(ScanTarget::Kind::kUrl, url, host, system.id);
  }

  if (auto range = ParseIpRange(given); range.ok()) {
    const int widest = range->v6 ? kWidestScanPrefixV6 : kWidestScanPrefixV4;
    const int full = range->v6 ? 128 : 32;
    if (range->prefix < widest) {
      return InvalidArgument(fmt::format(
          "target '{}' is wider than /{}: scan a /{} or narrower part of it, or single addresses",
          shown, widest, widest));
    }
    bool listed = false;
    for (const std::string& ip : system.ips) {
      auto registered = ParseIpRange(ip);
      if (registered.ok() && Contains(*registered, *range)) listed = true;
    }
    // An address that a registered URL names (http://192.0.2.7/) is the system's as well.
    for (const std::string& url : system.urls) {
      auto host = ParseIpRange(UrlHost(url));
      if (host.ok() && Contains(*host, *range)) listed = true;
    }
    if (!listed) return not_registered();
    const std::string text = FormatIpRange(*range);
    return ScanTarget(range->prefix == full ? ScanTarget::Kind::kAddress : ScanTarget::Kind::kRange,
                      text, text, system.id);
  } else if (given.find_first_of(":/") != std::string::npos) {
    return InvalidArgument(fmt::format("target '{}': {}", shown, range.status().message()));
  }

  ASSIGN_OR_RETURN(std::string host, NormalisedAs("hosts", given));
  // A scanner would read it as an option; no real host name starts so.
  if (host.starts_with('-') || host.starts_with('.')) {
    return InvalidArgument(
        fmt::format("target '{}': a host name starts with a letter or digit", shown));
  }
  bool listed = std::find(system.hosts.begin(), system.hosts.end(), host) != system.hosts.end();
  for (const std::string& url : system.urls) {
    if (UrlHost(url) == host) listed = true;
  }
  if (!listed) return not_registered();
  return ScanTarget(ScanTarget::Kind::kHost, host, host, system.id);
}

std::vector<std::string> DefaultScanTargets(const ElectronicSystem& system, std::string_view kind) {
  std::vector<std::string> out;
  auto add = [&](const std::string& t) {
    if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  if (kind == "web") {
    for (const std::string& url : system.urls) add(url);
    return out;
  }
  for (const std::string& host : system.hosts) add(host);
  for (const std::string& ip : system.ips) add(ip);
  for (const std::string& url : system.urls) add(UrlHost(url));
  return out;
}

}  // namespace pantau
