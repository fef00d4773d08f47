// CountryLookup: the country of an IP address (ISO 3166 code, "US", "ID") from the legacy GeoIP
// country databases that Debian ships in geoip-database (GeoIP.dat for IPv4, GeoIPv6.dat for
// IPv6, /usr/share/GeoIP). The new_value detector uses it to tell a user's login from a country
// never seen for that user (docs/anomaly.md, "Detectors").
//
// Lookups read only the database files, loaded into memory at Open (GEOIP_MEMORY_CACHE): no DNS,
// no network. Addresses are parsed here (inet_pton), never by the library, whose *_by_name
// functions would resolve host names; an IP comes from an event and is attacker-controlled.
//
// Thread-safety: CountryOf is safe from any thread. The library's per-call-state (_gl) functions
// over a memory cache do not write to the database handle, but libGeoIP does not document that
// promise, so a mutex serialises lookups anyway (one lookup is a tree walk of ~30 steps).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/status.h"

struct GeoIPTag;  // libGeoIP's handle (GeoIP.h), kept out of this header

namespace pantau::anomaly {

class CountryLookup {
 public:
  // Opens DIR/GeoIP.dat and, when present, DIR/GeoIPv6.dat. NotFound when GeoIP.dat is missing
  // or unreadable (the caller turns countries off); IPv6 is optional.
  static Result<std::unique_ptr<CountryLookup>> Open(const std::string& dir);

  ~CountryLookup();
  CountryLookup(const CountryLookup&) = delete;
  CountryLookup& operator=(const CountryLookup&) = delete;

  // "US", "ID"; "" for a private, reserved or unknown address and for anything not an IP
  // address. Region codes of the database ("EU", "AP") and its anonymous-proxy ("A1"),
  // satellite ("A2") and other ("O1") codes are returned as they are.
  std::string CountryOf(std::string_view ip) const;

  bool has_ipv6() const { return v6_ != nullptr; }

 private:
  CountryLookup(GeoIPTag* v4, GeoIPTag* v6) : v4_(v4), v6_(v6) {}
  GeoIPTag* v4_;
  GeoIPTag* v6_;  // nullptr: no IPv6 database
  mutable std::mutex mu_;
};

}  // namespace pantau::anomaly
