// Generated traffic for the detector tests: a web server (web1) and an SSH server (ssh1) with a
// seasonal day (busy office hours in UTC+8, quiet nights and weekends) and Poisson noise from a
// fixed-seed RNG, fed minute by minute to an AnomalyEngine under a ManualClock.
//
// Thread-safety: one test thread.
#pragma once

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/event.h"
#include "core/time.h"
#include "detect/anomaly/anomaly_engine.h"
#include "detect/anomaly/baseline.h"

namespace pantau::anomaly::sim {

// Monday 2026-11-02 00:00 in UTC+8.
inline TimeNs StartTime() { return *MakeTime(2026, 11, 1, 16, 0, 0); }

inline constexpr const char* kWebGet = "00000000000000a1";
inline constexpr const char* kWebPost = "00000000000000a2";
inline constexpr const char* kWebError = "00000000000000a3";
inline constexpr const char* kSshAccepted = "00000000000000b1";
inline constexpr const char* kSshFailed = "00000000000000b2";
inline constexpr const char* kCron = "00000000000000c1";

inline Event WebEvent(TimeNs t, const std::string& tid, int status, const std::string& path,
                      const std::string& agent) {
  Event e;
  e.timestamp = t;
  e.dataset = "web.access";
  e.message = "GET " + path;
  e.fields.Set("host.name", std::string("web1"));
  e.fields.Set("log.template_id", tid);
  e.fields.Set("url.path", path);
  e.fields.Set("user_agent.original", agent);
  e.fields.Set("http.response.status_code", int64_t{status});
  e.fields.Set("event.category", std::string("web"));
  if (status >= 400) e.fields.Set("event.outcome", std::string("failure"));
  return e;
}

inline Event SshLogin(TimeNs t, const std::string& user, const std::string& ip, bool ok,
                      const std::string& host = "ssh1") {
  Event e;
  e.timestamp = t;
  e.dataset = "linux.auth";
  e.message = (ok ? "Accepted password for " : "Failed password for ") + user + " from " + ip;
  e.fields.Set("host.name", host);
  e.fields.Set("log.template_id", std::string(ok ? kSshAccepted : kSshFailed));
  e.fields.Set("process.name", std::string("sshd"));
  e.fields.Set("event.category", std::string("authentication"));
  e.fields.Set("event.action", std::string("ssh_login"));
  e.fields.Set("event.outcome", std::string(ok ? "success" : "failure"));
  e.fields.Set("user.name", user);
  e.fields.Set("source.ip", ip);
  return e;
}

class Traffic {
 public:
  explicit Traffic(uint32_t seed = 42) : rng_(seed) {}

  // Mean events per minute of web1 at time t: 6 in office hours on workdays, 1.5 otherwise.
  static double WebRate(TimeNs t) {
    const int slot = SeasonalSlot(t, 8 * 60, true);
    if (slot >= 24) return 1.0;
    return slot >= 8 && slot < 17 ? 6.0 : 1.5;
  }

  // The events of the minute starting at t. Each day gets its own level (0.7 to 1.3 times the
  // usual), as real days do, besides the Poisson noise of every minute.
  std::vector<Event> Minute(TimeNs t, bool web = true, bool ssh = true) {
    std::vector<Event> out;
    if (t / kNsPerDay != day_) {
      day_ = t / kNsPerDay;
      day_level_ = std::uniform_real_distribution<double>(0.7, 1.3)(rng_);
    }
    std::uniform_int_distribution<int64_t> offset(0, 59 * kNsPerSecond);
    std::uniform_real_distribution<double> u(0, 1);
    if (web) {
      std::poisson_distribution<int> n(WebRate(t) * day_level_);
      for (int i = n(rng_); i > 0; --i) {
        const double r = u(rng_);
        const TimeNs at = t + offset(rng_);
        if (r < 0.6) {
          out.push_back(WebEvent(at, kWebGet, 200, "/index.php", "Mozilla/5.0 Firefox"));
        } else if (r < 0.85) {
          out.push_back(WebEvent(at, kWebPost, 200, "/form", "Mozilla/5.0 Chrome"));
        } else if (r < 0.95) {
          out.push_back(WebEvent(at, kWebError, 404, "/missing", "Mozilla/5.0 Chrome"));
        } else {
          out.push_back(WebEvent(at, kWebGet, 200, "/wp-admin/index.php",
                                 r < 0.975 ? "Mozilla/5.0 Firefox" : "Mozilla/5.0 Chrome"));
        }
      }
    }
    if (ssh) {
      std::poisson_distribution<int> n(WebRate(t) * day_level_ * 0.8);
      for (int i = n(rng_); i > 0; --i) {
        const double r = u(rng_);
        const TimeNs at = t + offset(rng_);
        if (r < 0.45) {
          out.push_back(SshLogin(at, "alice", r < 0.3 ? "10.1.2.3" : "10.1.7.8", true));
        } else if (r < 0.85) {
          out.push_back(SshLogin(at, "bob", "10.2.0.5", true));
        } else {
          out.push_back(SshLogin(at, "bob", "10.2.0.5", false));
        }
      }
      if (u(rng_) < 0.1) {
        Event cron;
        cron.timestamp = t + offset(rng_);
        cron.dataset = "syslog";
        cron.message = "(root) CMD (run-parts /etc/cron.hourly)";
        cron.fields.Set("host.name", std::string("ssh1"));
        cron.fields.Set("log.template_id", std::string(kCron));
        cron.fields.Set("process.name", std::string("CRON"));
        out.push_back(std::move(cron));
      }
    }
    std::sort(out.begin(), out.end(),
              [](const Event& a, const Event& b) { return a.timestamp < b.timestamp; });
    return out;
  }

 private:
  std::mt19937 rng_;
  int64_t day_ = -1;
  double day_level_ = 1;
};

// Feeds minutes [from, to) to `engine`, advancing `clock` to the end of each minute and ticking.
// Returns every anomaly found.
inline std::vector<Anomaly> RunMinutes(AnomalyEngine& engine, ManualClock& clock, Traffic& traffic,
                                       TimeNs from, TimeNs to, bool web = true, bool ssh = true) {
  std::vector<Anomaly> found;
  for (TimeNs t = from; t < to; t += 60 * kNsPerSecond) {
    const std::vector<Event> batch = traffic.Minute(t, web, ssh);
    clock.Set(t + 60 * kNsPerSecond);
    for (Anomaly& a : engine.Observe(batch)) found.push_back(std::move(a));
    for (Anomaly& a : engine.Tick(clock.Now())) found.push_back(std::move(a));
  }
  return found;
}

inline std::string Describe(const std::vector<Anomaly>& found) {
  std::string out;
  for (size_t i = 0; i < found.size() && i < 10; ++i) out += found[i].ToJson() + "\n";
  return out;
}

}  // namespace pantau::anomaly::sim
