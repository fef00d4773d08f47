// The demo feed of `pantau serve --demo`: a generated, fake but realistic stream of a regency's
// security logs, so that a first look at Pantau shows a dashboard, alerts and search at work.
//
// DemoLogGenerator is the simulation: pure, no clock and no threads. Given a seed and the times
// it is stepped to, it writes the same lines every time. It speaks the formats the decoders
// already read, as the devices send them:
//   - FortiGate traffic (LAN to the internet, the internet to the DMZ, denied probes) and UTM
//     (IPS, antivirus, web filter), key=value behind a syslog PRI;
//   - Linux auth from rsyslog (RFC 3339 time): sshd logins and internet noise, PAM, sudo, with an
//     SSH brute force now and then (one outside address, 10-30 failures within a minute,
//     sometimes followed by a success and a new account in the sudo group);
//   - nginx and Apache access logs over syslog for the regency's sites (*.kukarkab.go.id):
//     mostly everyday traffic, some attacks (SQL injection, XSS, path traversal, scanners,
//     online-gambling spam pages, a web shell);
//   - Windows Security logons (4624, 4625, 4672) as EVTX JSON export lines.
// The rate follows the hours of a working day in WITA (UTC+8): about 20 lines a second at night,
// 50 in the afternoon. The first 20 seconds after the start play one attack of every kind, so
// that alerts of several rules appear within a minute; later attacks start at random.
//
// Attackers use documentation addresses (RFC 5737: 192.0.2.0/24, 198.51.100.0/24) and the
// regency's public servers 203.0.113.0/24, so that a demo alert never names a real network.
//
// DemoFeed runs a generator on its own thread and hands its lines to the pipeline as a listener
// does: input `demo` (the `input.type` field), peer address `demo` (`log.source.address`). Stop
// joins the thread after its last batch was accepted, before the pipeline drains.
//
// Thread-safety: a DemoLogGenerator belongs to one thread. DemoFeed: Start and Stop from the
// owning thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "ingest/pipeline.h"

namespace pantau {

struct DemoLine {
  TimeNs time = 0;  // the time written in the line
  std::string text;
  // The dataset the line decodes to ("fortigate.traffic", "linux.auth", "web.access",
  // "windows.security", ...), for tests.
  std::string_view dataset;
};

class DemoLogGenerator {
 public:
  // The simulation starts at `start`; the opening attacks play in the 20 seconds after it.
  DemoLogGenerator(uint64_t seed, TimeNs start);

  // The lines written after the previous step (or the start) up to `now`, in time order. A step
  // over a long pause (a suspended laptop) writes the everyday traffic of its last 10 seconds
  // only. REQUIRES: `now` does not go back.
  std::vector<DemoLine> Step(TimeNs now);

  // Everyday lines per second at `t`, from the hour of the day in WITA (20 to 50).
  static double RateAt(TimeNs t);

 private:
  using Write = std::function<DemoLine(TimeNs)>;
  struct Scheduled {
    TimeNs due;
    uint64_t order;  // ties keep the order in which they were scheduled
    Write write;
  };
  // The heap's order: the earliest on top.
  static bool Later(const Scheduled& a, const Scheduled& b);

  // Uniform in [0, n) and in [lo, hi]; a probability; one of a list. Written on the engine's
  // output (fully specified by the standard), so a seed gives the same stream on every library.
  uint64_t Below(uint64_t n);
  int Between(int lo, int hi);
  bool Chance(double p);
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }
  TimeNs Seconds(double lo, double hi);  // a random duration

  void Schedule(TimeNs due, Write write);
  void ScheduleOpening(TimeNs start);
  void ScheduleRandomAttack(TimeNs at);

  // Everyday traffic, one line at `t` (more may be scheduled just after it).
  DemoLine Everyday(TimeNs t);
  DemoLine FortigateOutbound(TimeNs t);
  DemoLine FortigateInbound(TimeNs t);
  DemoLine FortigateDenied(TimeNs t, const std::string& from);
  DemoLine WebVisit(TimeNs t);
  DemoLine LinuxEveryday(TimeNs t);
  DemoLine WindowsEveryday(TimeNs t);

  // Attacks: each schedules its lines from `at` on.
  void SshBruteForce(TimeNs at, bool quick, bool succeeds);
  void SshBackdoorAccount(TimeNs at, const std::string& host);
  void WebSqlInjection(TimeNs at);
  void WebXss(TimeNs at);
  void WebPathTraversal(TimeNs at);
  void WebScanner(TimeNs at);
  void WebGamblingSpam(TimeNs at);
  void WebShell(TimeNs at);
  void WebRemoteCodeExecution(TimeNs at);
  void FortigateIpsAttack(TimeNs at);
  void FortigateVirus(TimeNs at);
  void FortigateWebFilterGambling(TimeNs at);
  void FortigateAdminLogin(TimeNs at);
  void WindowsPasswordSpray(TimeNs at);

  // One request of `client` to the site with index `site`, scheduled at `at`.
  void ScheduleRequest(TimeNs at, size_t site, const std::string& client, std::string_view method,
                       const std::string& uri, int status, std::string_view referrer,
                       std::string_view agent);
  DemoLine Request(TimeNs t, size_t site, const std::string& client, std::string_view method,
                   const std::string& uri, int status, std::string_view referrer,
                   std::string_view agent);
  DemoLine Windows(TimeNs t, std::string_view computer, int event_id,
                   const std::string& event_data);

  std::string Attacker();  // an outside address (documentation ranges)
  std::string Visitor();   // an everyday visitor of the regency's sites
  size_t RandomSite();
  int EphemeralPort();
  int Pid();

  std::mt19937_64 rng_;
  TimeNs last_;
  double carry_ = 0;  // fractions of everyday lines not yet written
  TimeNs next_attack_;
  std::vector<Scheduled> scheduled_;  // a min-heap on (due, order)
  uint64_t order_ = 0;
  uint64_t record_id_ = 184'000;  // Windows EventRecordID
  uint64_t session_id_ = 3'000'000;
};

class DemoFeed {
 public:
  DemoFeed(Pipeline& pipeline, const Clock& clock, uint64_t seed,
           std::chrono::milliseconds interval = std::chrono::milliseconds(100));
  ~DemoFeed();  // Stop()s
  DemoFeed(const DemoFeed&) = delete;
  DemoFeed& operator=(const DemoFeed&) = delete;

  void Start();
  // Returns once the thread has ended; every line it generated was handed to the pipeline.
  // Idempotent.
  void Stop();

 private:
  void Run();

  Pipeline& pipeline_;
  const Clock& clock_;
  const std::chrono::milliseconds interval_;
  DemoLogGenerator generator_;  // the feed's thread only
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace pantau
