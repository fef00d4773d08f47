// The allow-list of vulnerability scans: the one place that decides whether Pantau may scan a
// target. A target may be scanned only when it is a URL, a host name or an IP address of a
// system in the registry (monitor/registry.h) whose status is not `retired`: an address inside
// one of its ranges, or a range of its own no wider than /24 (IPv4) or /120 (IPv6). Everything
// else is refused: PermissionDenied (403) for what is not the system's, or a system that is not
// registered or is retired; InvalidArgument (400) for a target that is not a URL, host name or
// address, or a range too wide to scan at once.
//
// The runners (nmap.h, web_checks.h) take a ScanTarget, which only AllowScanTarget makes, so
// nothing reaches them without passing here.
//
// Thread-safety: AllowScanTarget calls only the registry, which is thread-safe; a ScanTarget is a
// value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "monitor/registry.h"

namespace pantau {

inline constexpr int kWidestScanPrefixV4 = 24;
inline constexpr int kWidestScanPrefixV6 = 120;

class ScanTarget {
 public:
  enum class Kind { kUrl, kHost, kAddress, kRange };

  Kind kind() const { return kind_; }
  // As the runners use it: the URL, the host name, the address or range in canonical form.
  const std::string& text() const { return text_; }
  // The host a network scan names: the host name, the address or range, a URL's host.
  const std::string& host() const { return host_; }
  const std::string& system_id() const { return system_id_; }

 private:
  friend Result<ScanTarget> AllowScanTarget(SystemRegistry& registry, std::string_view system_id,
                                            std::string_view target);
  ScanTarget(Kind kind, std::string text, std::string host, std::string system_id)
      : kind_(kind),
        text_(std::move(text)),
        host_(std::move(host)),
        system_id_(std::move(system_id)) {}

  Kind kind_;
  std::string text_, host_, system_id_;
};

// Whether `target` (a URL, host name, IP address or CIDR range) may be scanned as part of the
// system `system_id` of the registry; the target to hand to a runner, or why not.
Result<ScanTarget> AllowScanTarget(SystemRegistry& registry, std::string_view system_id,
                                   std::string_view target);

// What a scan of `kind` ("nmap" or "web") covers of a system when no target is named: nmap its
// host names, IP addresses and ranges and its URLs' hosts; web its URLs. Each still goes through
// AllowScanTarget.
std::vector<std::string> DefaultScanTargets(const ElectronicSystem& system, std::string_view kind);

}  // namespace pantau
