#include "detect/anomaly/country_lookup.h"

#include <GeoIP.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include <cstring>

namespace pantau::anomaly {

namespace {

// GEOIP_SILENCE: the library would print to stderr on a damaged file; errors are ours to report.
GeoIP* OpenDb(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  return GeoIP_open(path.c_str(), GEOIP_MEMORY_CACHE | GEOIP_SILENCE);
}

std::string CodeOf(int id) {
  // Id 0 is "--", the database's "no country" (private and reserved ranges among them).
  if (id <= 0) return "";
  const char* code = GeoIP_code_by_id(id);
  if (code == nullptr || std::strlen(code) != 2 || std::strcmp(code, "--") == 0) return "";
  return code;
}

}  // namespace

Result<std::unique_ptr<CountryLookup>> CountryLookup::Open(const std::string& dir) {
  const std::string v4_path = dir + "/GeoIP.dat";
  GeoIP* v4 = OpenDb(v4_path);
  if (v4 == nullptr) return NotFound("no readable GeoIP country database at " + v4_path);
  if (GeoIP_database_edition(v4) != GEOIP_COUNTRY_EDITION) {
    GeoIP_delete(v4);
    return NotFound(v4_path + " is not a GeoIP country database");
  }
  GeoIP* v6 = OpenDb(dir + "/GeoIPv6.dat");
  if (v6 != nullptr && GeoIP_database_edition(v6) != GEOIP_COUNTRY_EDITION_V6) {
    GeoIP_delete(v6);
    v6 = nullptr;
  }
  return std::unique_ptr<CountryLookup>(new CountryLookup(v4, v6));
}

CountryLookup::~CountryLookup() {
  for (GeoIP* gi : {v4_, v6_}) {
    if (gi != nullptr) GeoIP_delete(gi);
  }
}

std::string CountryLookup::CountryOf(std::string_view ip) const {
  // The longest IPv6 text form (with an embedded IPv4) is 45 characters.
  if (ip.empty() || ip.size() > 45) return "";
  char text[46];
  std::memcpy(text, ip.data(), ip.size());
  text[ip.size()] = '\0';
  GeoIPLookup gl{};
  in_addr a4{};
  if (::inet_pton(AF_INET, text, &a4) == 1) {
    std::lock_guard lock(mu_);
    return CodeOf(GeoIP_id_by_ipnum_gl(v4_, ntohl(a4.s_addr), &gl));
  }
  in6_addr a6{};
  if (v6_ == nullptr || ::inet_pton(AF_INET6, text, &a6) != 1) return "";
  std::lock_guard lock(mu_);
  return CodeOf(GeoIP_id_by_ipnum_v6_gl(v6_, a6, &gl));
}

}  // namespace pantau::anomaly
