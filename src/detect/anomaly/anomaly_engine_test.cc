// Each detector on generated seasonal traffic (detector_test_support.h): quiet without a planted
// anomaly, found with its explanation's numbers when one is planted; mark-as-expected; caps.
#include "detect/anomaly/anomaly_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "detect/anomaly/baseline.h"
#include "detect/anomaly/detector_test_support.h"

namespace pantau::anomaly {
namespace {

using sim::RunMinutes;
using sim::StartTime;
using sim::Traffic;

constexpr TimeNs kMinute = 60 * kNsPerSecond;

std::vector<Anomaly> Only(const std::vector<Anomaly>& found, std::string_view kind) {
  std::vector<Anomaly> out;
  for (const Anomaly& a : found) {
    if (a.kind == kind) out.push_back(a);
  }
  return out;
}

const Anomaly* ByKey(const std::vector<Anomaly>& found, std::string_view key) {
  for (const Anomaly& a : found) {
    if (a.key == key) return &a;
  }
  return nullptr;
}

// Two weeks of seasonal traffic with day-to-day level changes and Poisson noise: no detector
// says anything (the defaults were checked quiet on 40 seeds; three run here).
class QuietTraffic : public ::testing::TestWithParam<uint32_t> {};

TEST_P(QuietTraffic, FourteenDaysMakeNoAnomaly) {
  ManualClock clock(StartTime());
  AnomalyEngine engine(AnomalyConfig{}, clock);
  Traffic traffic(GetParam());
  const auto found = RunMinutes(engine, clock, traffic, StartTime(), StartTime() + 14 * kNsPerDay);
  EXPECT_TRUE(found.empty()) << found.size() << " anomalies, first:\n" << sim::Describe(found);
  const AnomalyEngineStats stats = engine.stats();
  EXPECT_GT(stats.events, 80'000u);
  EXPECT_EQ(stats.late_events, 0u);
  EXPECT_EQ(stats.evicted_keys, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, QuietTraffic, ::testing::Values(42u, 7u, 2026u));

TEST(AnomalyEngine, VolumeSpikeOfOneTemplateIsExplainedWithItsNumbers) {
  ManualClock clock(StartTime());
  AnomalyEngine engine(AnomalyConfig{}, clock);
  Traffic traffic;
  // Monday to Thursday learn; Friday 10:00-10:10 (UTC+8) web1 logs 4,000 more errors.
  const TimeNs friday = StartTime() + 4 * kNsPerDay;
  ASSERT_TRUE(RunMinutes(engine, clock, traffic, StartTime(), friday + 10 * kNsPerHour).empty());
  const TimeNs bucket = friday + 10 * kNsPerHour;
  std::vector<Anomaly> found;
  int errors_in_bucket = 0;
  for (int m = 0; m < 10; ++m) {
    std::vector<Event> batch = traffic.Minute(bucket + m * kMinute);
    for (int i = 0; i < 400; ++i) {
      batch.push_back(sim::WebEvent(bucket + m * kMinute + TimeNs{i} * 100'000'000, sim::kWebError,
                                    404, "/missing", "sqlmap"));
    }
    for (const Event& e : batch) {
      if (e.fields.GetString("log.template_id") == sim::kWebError) ++errors_in_bucket;
    }
    clock.Set(bucket + (m + 1) * kMinute);
    for (Anomaly& a : engine.Observe(batch)) found.push_back(std::move(a));
    for (Anomaly& a : engine.Tick(clock.Now())) found.push_back(std::move(a));
  }
  auto more = RunMinutes(engine, clock, traffic, bucket + 10 * kMinute, bucket + 30 * kMinute);
  found.insert(found.end(), more.begin(), more.end());

  const Anomaly* spike = ByKey(found, "volume|web1|template=00000000000000a3");
  ASSERT_NE(spike, nullptr) << sim::Describe(found);
  EXPECT_EQ(spike->detector, "volume");
  EXPECT_EQ(spike->kind, "spike");
  EXPECT_EQ(spike->time, bucket);
  EXPECT_EQ(spike->value, std::to_string(errors_in_bucket));
  ASSERT_FALSE(spike->series.empty());
  const SeriesPoint& last = spike->series.back();
  EXPECT_EQ(last.time, bucket);
  EXPECT_EQ(last.value, errors_in_bucket);
  // The usual errors are ~6 per 10 minutes by day: the band says so.
  EXPECT_LE(last.high, 30);
  const std::string count = std::to_string(errors_in_bucket / 1000) + "," +
                            std::to_string(errors_in_bucket % 1000 + 1000).substr(1);
  EXPECT_EQ(spike->explanation_en,
            "host web1 logged " + count +
                " events of template 00000000000000a3 in the 10 minutes from 2026-11-06 10:00 "
                "UTC+8; its usual range for this hour is " +
                std::to_string(static_cast<int>(last.low)) + "-" +
                std::to_string(static_cast<int>(last.high)));
  EXPECT_NE(spike->explanation_id.find("mencatat " + std::to_string(errors_in_bucket / 1000) + "." +
                                       count.substr(2)),
            std::string::npos)
      << spike->explanation_id;
  // The whole source and its failure outcome spiked too; the 404 share of responses as well.
  EXPECT_NE(ByKey(found, "volume|web1"), nullptr);
  EXPECT_NE(ByKey(found, "volume|web1|outcome=failure"), nullptr);
  EXPECT_NE(ByKey(found, "ratio|web1|http_4xx"), nullptr);
  // Nothing else: the next buckets are normal again.
  for (const Anomaly& a : found) EXPECT_EQ(a.time, bucket) << a.ToJson();
}

TEST(AnomalyEngine, SilenceOfOneSourceIsFoundOnce) {
  ManualClock clock(StartTime());
  AnomalyEngine engine(AnomalyConfig{}, clock);
  Traffic traffic;
  const TimeNs thursday = StartTime() + 3 * kNsPerDay;
  ASSERT_TRUE(RunMinutes(engine, clock, traffic, StartTime(), thursday + 10 * kNsPerHour).empty());
  // web1 stops for 40 minutes; ssh1 goes on.
  auto found = RunMinutes(engine, clock, traffic, thursday + 10 * kNsPerHour,
                          thursday + 10 * kNsPerHour + 40 * kMinute, /*web=*/false, /*ssh=*/true);
  auto more = RunMinutes(engine, clock, traffic, thursday + 10 * kNsPerHour + 40 * kMinute,
                         thursday + 11 * kNsPerHour);
  found.insert(found.end(), more.begin(), more.end());
  const auto silences = Only(found, "silence");
  ASSERT_EQ(silences.size(), 1u) << sim::Describe(found);
  const Anomaly& s = silences[0];
  EXPECT_EQ(s.key, "volume|web1");
  EXPECT_EQ(s.severity, Severity::kHigh);
  EXPECT_EQ(s.time, thursday + 10 * kNsPerHour);
  EXPECT_EQ(s.value, "0");
  const SeriesPoint& p = s.series.back();
  EXPECT_GT(p.low, 0);
  EXPECT_EQ(s.explanation_en,
            "host web1 sent no events in the 10 minutes from 2026-11-05 10:00 UTC+8; it usually "
            "sends " +
                std::to_string(static_cast<int>(p.low)) + "-" +
                std::to_string(static_cast<int>(p.high)) + " in that time");
}

TEST(AnomalyEngine, SilenceOfEverySourceIsFoundByTheClock) {
  ManualClock clock(StartTime());
  AnomalyEngine engine(AnomalyConfig{}, clock);
  Traffic traffic;
  const TimeNs thursday = StartTime() + 3 * kNsPerDay;
  ASSERT_TRUE(RunMinutes(engine, clock, traffic, StartTime(), thursday + 10 * kNsPerHour).empty());
  // Nothing arrives any more; only the clock moves.
  std::vector<Anomaly> found;
  for (int m = 1; m <= 20; ++m) {
    clock.Set(thursday + 10 * kNsPerHour + m * kMinute);
    for (Anomaly& a : engine.Tick(clock.Now())) found.push_back(std::move(a));
  }
  const auto silences = Only(found, "silence");
  ASSERT_FALSE(silences.empty());
  EXPECT_NE(ByKey(silences, "volume|web1"), nullptr) << sim::Describe(found);
}

TEST(AnomalyEngine, DeviceWithALateClockIsNotSilent) {
  ManualClock clock(StartTime());
  AnomalyEngine engine(AnomalyConfig{}, clock);
  Traffic traffic;
  const TimeNs t = StartTime() + 3 * kNsPerDay + 9 * kNsPerHour;
  ASSERT_TRUE(RunMinutes(engine, clock, traffic, StartTime(), t).empty());
  // From now on ssh1's clock is 30 minutes behind: all its events are late.
  std::vector<Anomaly> found;
  for (TimeNs m = t; m < t + 3 * kNsPerHour; m += kMinute) {
    std::vector<Event> batch = traffic.Minute(m);
    for (Event& e : batch) {
      if (e.fields.GetString("host.name") == "ssh1") e.timestamp -= 30 * kMinute;
    }
    clock.Set(m + kMinute);
    for (Anomaly& a : engine.Observe(batch)) found.push_back(std::move(a));
    for (Anomaly& a : engine.Tick(clock.Now())) found.push_back(std::move(a));
  }
  EXPECT_TRUE(found.empty()) << sim::Describe(found);
  EXPECT_GT(engine.stats().late_events, 500u);
}

// A replay: two weeks of old logs fed in hour-sized batches within seconds of clock time, as
// `pantau import` or an end-to-end test does. Buckets follow the events' time, so the replay
// learns and alerts as the live stream would have.
TEST(AnomalyEngine, ReplayedStreamIsBucketedByEventTime) {
  const TimeNs now = StartTime() + 60 * kNsPerDay;  // the replay runs long after the logs
  ManualClock clock(now);
  AnomalyEngine engine(AnomalyConfig{}, clock);
  Traffic traffic;
  const TimeNs planted = StartTime() + 10 * kNsPerDay + 10 * kNsPerHour;  // a Thursday
  std::vector<Anomaly> found;
  for (TimeNs hour = StartTime(); hour < StartTime() + 14 * kNsPerDay; hour += kNsPerHour) {
    std::vector<Event> batch;
    for (TimeNs m = hour; m < hour + kNsPerHour; m += kMinute) {
      for (Event& e : traffic.Minute(m)) batch.push_back(std::move(e));
      if (m == planted) {
        for (int i = 0; i < 3000; ++i) {
          batch.push_back(sim::WebEvent(m + i, sim::kWebPost, 200, "/xmlrpc.php", "bot"));
        }
        batch.push_back(sim::SshLogin(m, "alice", "203.0.113.77", true));
      }
    }
    std::sort(batch.begin(), batch.end(),
              [](const Event& a, const Event& b) { return a.timestamp < b.timestamp; });
    clock.Advance(kNsPerSecond);
    for (Anomaly& a : engine.Observe(batch)) found.push_back(std::move(a));
    for (Anomaly& a : engine.Tick(clock.Now())) found.push_back(std::move(a));
  }
  std::vector<std::string> got;
  for (const Anomaly& a : found) got.push_back(a.key);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"new_value|login_ip|alice", "volume|web1",
                                           "volume|web1|template=00000000000000a2"}))
      << sim::Describe(found);
  for (const Anomaly& a : found) {
    EXPECT_EQ(a.time / (10 * kMinute), planted / (10 * kMinute)) << a.ToJson();
  }
  EXPECT_EQ(engine.stats().late_events, 0u);

  // When the replay is over, the clock takes over: the sources are silent from then on.
  found.clear();
  for (int m = 1; m <= 30; ++m) {
    clock.Advance(kMinute);
    for (Anomaly& a : engine.Tick(clock.Now())) found.push_back(std::move(a));
  }
  EXPECT_FALSE(Only(found, "silence").empty());
}

TEST(AnomalyEngine, NewTemplateAfterLearningOnlyAndFloodsAreCapped) {
  ManualClock clock(StartTime());
  AnomalyConfig config;
  config.new_template.learning = kNsPerDay;
  AnomalyEngine engine(config, clock);
  Traffic traffic;
  // During learning a new template is learned silently.
  std::vector<Event> early = {sim::WebEvent(StartTime() + kNsPerHour, "00000000000000d1", 200, "/x",
                                            "Mozilla/5.0 Firefox")};
  ASSERT_TRUE(RunMinutes(engine, clock, traffic, StartTime(), StartTime() + kNsPerHour).empty());
  EXPECT_TRUE(engine.Observe(early).empty());
  ASSERT_TRUE(
      RunMinutes(engine, clock, traffic, StartTime() + kNsPerHour, StartTime() + 2 * kNsPerDay)
          .empty());

  const TimeNs t = StartTime() + 2 * kNsPerDay;
  std::vector<Event> batch = traffic.Minute(t);
  Event fresh = sim::WebEvent(t + 30 * kNsPerSecond, "00000000000000e1", 200, "/x", "curl");
  fresh.message = "backdoor installed in /var/www";
  batch.push_back(fresh);
  batch.push_back(sim::WebEvent(t + 31 * kNsPerSecond, "00000000000000d1", 200, "/x", "c"));
  const auto found = engine.Observe(batch);
  ASSERT_EQ(found.size(), 1u) << sim::Describe(found);
  const Anomaly& a = found[0];
  EXPECT_EQ(a.detector, "new_template");
  EXPECT_EQ(a.key, "new_template|web1");
  EXPECT_EQ(a.value, "00000000000000e1");
  ASSERT_TRUE(a.event_index.has_value());
  EXPECT_EQ(*a.event_index, batch.size() - 2);
  EXPECT_EQ(a.explanation_en,
            "host web1 logged a kind of message never seen from it before (template "
            "00000000000000e1): \"backdoor installed in /var/www\"");
  EXPECT_EQ(a.explanation_id,
            "host web1 mencatat jenis pesan yang belum pernah terlihat darinya (template "
            "00000000000000e1): \"backdoor installed in /var/www\"");

  // A flood of 50 unique templates within the hour of the first: 9 more one by one (10 an hour),
  // then one flood anomaly.
  std::vector<Event> flood;
  for (int i = 0; i < 50; ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "%016x", 0xf000 + i);
    flood.push_back(sim::WebEvent(t + kMinute, id, 200, "/x", "c"));
  }
  const auto flooded = engine.Observe(flood);
  ASSERT_EQ(flooded.size(), 10u);
  EXPECT_EQ(Only(flooded, "flood").size(), 1u);
  EXPECT_EQ(engine.stats().suppressed, 41u);
}

TEST(AnomalyEngine, HostileTimestampsNeitherEndLearningNorResetTheLimit) {
  ManualClock clock(StartTime());
  AnomalyConfig config;
  config.new_template.learning = kNsPerDay;
  AnomalyEngine engine(config, clock);
  const auto web = [](TimeNs t, int template_number) {
    char id[17];
    std::snprintf(id, sizeof id, "%016x", template_number);
    return sim::WebEvent(t, id, 200, "/", "x");
  };
  // The first event of web1 claims to be from 1970: learning still starts now.
  std::vector<Event> batch = {web(StartTime(), 1), web(kNsPerSecond, 2)};
  EXPECT_TRUE(engine.Observe(batch).empty());
  clock.Advance(kNsPerHour);
  batch = {web(StartTime() + kNsPerHour, 3)};
  EXPECT_TRUE(engine.Observe(batch).empty()) << "still learning";
  // After learning, new templates stamped alternately now and in 1970: the hourly limit holds.
  clock.Advance(2 * kNsPerDay);
  batch.clear();
  for (int i = 0; i < 40; ++i) {
    batch.push_back(web(i % 2 ? kNsPerSecond * i : clock.Now(), 100 + i));
  }
  const auto found = engine.Observe(batch);
  EXPECT_EQ(found.size(), 11u);  // 10, then one flood anomaly
}

TEST(AnomalyEngine, FirstSeenValues) {
  ManualClock clock(StartTime());
  AnomalyConfig config;
  config.new_value.learning = 2 * kNsPerDay;
  AnomalyEngine engine(config, clock);
  Traffic traffic;
  const TimeNs t = StartTime() + 3 * kNsPerDay + 10 * kNsPerHour;
  ASSERT_TRUE(RunMinutes(engine, clock, traffic, StartTime(), t).empty());

  std::vector<Event> batch;
  batch.push_back(sim::SshLogin(t, "alice", "203.0.113.9", true));    // new IP, new /16
  batch.push_back(sim::SshLogin(t, "alice", "10.1.200.1", true));     // new IP, known /16
  batch.push_back(sim::SshLogin(t, "alice", "198.51.100.7", false));  // failed: not a login
  Event sudo;
  sudo.timestamp = t;
  sudo.dataset = "linux.auth";
  sudo.fields.Set("host.name", std::string("ssh1"));
  sudo.fields.Set("process.name", std::string("sudo"));
  sudo.fields.Set("event.action", std::string("sudo"));
  sudo.fields.Set("event.outcome", std::string("success"));
  sudo.fields.Set("user.name", std::string("bob"));
  sudo.fields.Set("user.effective.name", std::string("root"));
  batch.push_back(sudo);
  batch.push_back(
      sim::WebEvent(t, sim::kWebGet, 200, "/wp-admin/plugin-install.php", "python-requests/2.31"));
  batch.push_back(sim::WebEvent(t, sim::kWebGet, 200, "/administrator-guide",
                                "python-requests/2.31"));  // not an admin path
  Event proc;
  proc.timestamp = t;
  proc.dataset = "windows.sysmon";
  proc.fields.Set("host.name", std::string("ssh1"));
  proc.fields.Set("process.executable", std::string("/tmp/.x/kworker"));
  batch.push_back(proc);

  const auto found = engine.Observe(batch);
  std::vector<std::string> kinds;
  for (const Anomaly& a : found) kinds.push_back(a.kind + " " + a.value);
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"login_ip 203.0.113.9", "login_ip 10.1.200.1", "process sudo",
                                      "admin_user bob", "admin_user_agent python-requests/2.31",
                                      "process /tmp/.x/kworker"}));
  ASSERT_EQ(found.size(), 6u);
  EXPECT_EQ(found[0].key, "new_value|login_ip|alice");
  EXPECT_EQ(found[0].severity, Severity::kHigh);
  EXPECT_EQ(*found[0].event_index, 0u);
  EXPECT_EQ(found[0].explanation_en,
            "user \"alice\" logged in on host ssh1 from 203.0.113.9, an address never seen for "
            "this user, in a network never seen for this user either (203.0.0.0/16)");
  EXPECT_EQ(found[0].explanation_id,
            "pengguna \"alice\" login di host ssh1 dari 203.0.113.9, alamat yang belum pernah "
            "terlihat untuk pengguna ini, dari jaringan yang juga belum pernah terlihat "
            "(203.0.0.0/16)");
  EXPECT_EQ(found[1].severity, Severity::kMedium);
  EXPECT_EQ(found[3].key, "new_value|admin_user|ssh1");
  EXPECT_EQ(found[3].explanation_en,
            "account \"bob\" acted as administrator on host ssh1 for the first time (sudo to "
            "root)");
  EXPECT_EQ(found[4].key, "new_value|admin_user_agent|web1");
  EXPECT_EQ(*found[4].event_index, 4u);

  // Seen once, known thereafter.
  EXPECT_TRUE(engine.Observe(batch).empty());
}

TEST(AnomalyEngine, AdminAccountsFromLinuxGroupsAndWindowsEvents) {
  ManualClock clock(StartTime());
  AnomalyConfig config;
  config.new_value.learning = kNsPerHour;
  config.new_value.process = false;
  AnomalyEngine engine(config, clock);
  const auto event = [](std::string host, std::vector<std::pair<std::string, Value>> fields) {
    Event e;
    e.timestamp = StartTime() + 2 * kNsPerHour;
    e.dataset = "test";
    e.fields.Set("host.name", std::move(host));
    for (auto& [name, value] : fields) e.fields.Set(name, std::move(value));
    return e;
  };
  std::vector<Event> learn = {event("dc1", {{"event.code", int64_t{4624}}})};
  learn[0].timestamp = StartTime();
  EXPECT_TRUE(engine.Observe(learn).empty());
  clock.Set(StartTime() + 2 * kNsPerHour);
  const std::vector<Event> batch = {
      event("dc1", {{"event.code", int64_t{4732}},
                    {"TargetUserName", std::string("Administrators")},
                    {"MemberName", std::string("CN=eve,OU=Staff")}}),
      event("dc1", {{"event.code", std::string("4672")}, {"user.name", std::string("svc_sql")}}),
      event("dc1", {{"event.code", int64_t{4732}},
                    {"TargetUserName", std::string("Printers")},
                    {"MemberName", std::string("CN=joe")}}),
      event("db1", {{"event.action", std::string("user_added_to_group")},
                    {"user.name", std::string("mallory")},
                    {"group.name", std::string("wheel")}}),
  };
  const auto found = engine.Observe(batch);
  std::vector<std::string> got;
  for (const Anomaly& a : found) got.push_back(a.key + " " + a.value);
  // db1 was never seen before: it is still learning.
  EXPECT_EQ(got, (std::vector<std::string>{"new_value|admin_user|dc1 CN=eve,OU=Staff",
                                           "new_value|admin_user|dc1 svc_sql"}));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].explanation_en,
            "account \"CN=eve,OU=Staff\" acted as administrator on host dc1 for the first time "
            "(added to group Administrators)");
  EXPECT_EQ(found[0].explanation_id,
            "akun \"CN=eve,OU=Staff\" bertindak sebagai administrator di host dc1 untuk pertama "
            "kalinya (ditambahkan ke grup Administrators)");
}

TEST(AnomalyEngine, FailedLoginShareAndServerErrorShare) {
  ManualClock clock(StartTime());
  AnomalyEngine engine(AnomalyConfig{}, clock);
  Traffic traffic;
  const TimeNs t = StartTime() + 3 * kNsPerDay + 10 * kNsPerHour;
  ASSERT_TRUE(RunMinutes(engine, clock, traffic, StartTime(), t).empty());
  std::vector<Event> batch = traffic.Minute(t);
  for (int i = 0; i < 150; ++i) {
    batch.push_back(sim::SshLogin(t + TimeNs{i} * 100'000'000, "root", "10.2.0.5", false));
    if (i % 5 == 0) batch.push_back(sim::WebEvent(t + i, sim::kWebGet, 503, "/", "M"));
  }
  std::vector<Anomaly> found = engine.Observe(batch);
  clock.Set(t + kMinute);
  for (Anomaly& a : engine.Tick(clock.Now())) found.push_back(std::move(a));
  auto more = RunMinutes(engine, clock, traffic, t + kMinute, t + 20 * kMinute);
  found.insert(found.end(), more.begin(), more.end());

  const Anomaly* login = ByKey(found, "ratio|ssh1|login");
  ASSERT_NE(login, nullptr) << sim::Describe(found);
  EXPECT_EQ(login->detector, "ratio");
  const double share = std::stod(login->value);
  EXPECT_GT(share, 0.7);
  const SeriesPoint& p = login->series.back();
  EXPECT_NEAR(p.value, share, 1e-4);
  EXPECT_NE(login->explanation_en.find("% of "), std::string::npos);
  EXPECT_NE(login->explanation_en.find(" logins failed in the 10 minutes from 2026-11-05 10:00 "
                                       "UTC+8; the usual share is "),
            std::string::npos)
      << login->explanation_en;
  EXPECT_NE(ByKey(found, "ratio|web1|http_5xx"), nullptr) << sim::Describe(found);
  EXPECT_EQ(ByKey(found, "ratio|web1|http_4xx"), nullptr);
}

TEST(AnomalyEngine, MarkExpectedTeachesTheBaseline) {
  ManualClock clock(StartTime());
  AnomalyConfig config;
  config.new_value.learning = kNsPerDay;
  AnomalyEngine engine(config, clock);
  Traffic traffic;
  const TimeNs t = StartTime() + 2 * kNsPerDay + 10 * kNsPerHour;
  ASSERT_TRUE(RunMinutes(engine, clock, traffic, StartTime(), t).empty());

  // A nightly backup job logs 500 events at 10:00 each day: expected once marked.
  auto backup = [&](TimeNs at) {
    std::vector<Anomaly> found;
    std::vector<Event> batch = traffic.Minute(at);
    for (int i = 0; i < 500; ++i) {
      batch.push_back(sim::WebEvent(at + i, "00000000000000a4", 200, "/backup", "rsync"));
    }
    clock.Set(at + kMinute);
    for (Anomaly& a : engine.Observe(batch)) found.push_back(std::move(a));
    auto more = RunMinutes(engine, clock, traffic, at + kMinute, at + 20 * kMinute);
    found.insert(found.end(), more.begin(), more.end());
    return found;
  };
  auto first = backup(t);
  const Anomaly* spike = ByKey(first, "volume|web1");
  ASSERT_NE(spike, nullptr) << sim::Describe(first);
  for (const Anomaly& a : first) {
    if (a.kind == "spike") {
      EXPECT_TRUE(engine.MarkExpected(a.key, a.value, a.time).ok());
    }
  }
  ASSERT_TRUE(RunMinutes(engine, clock, traffic, t + 20 * kMinute, t + kNsPerDay).empty());
  const auto second = backup(t + kNsPerDay);
  EXPECT_TRUE(Only(second, "spike").empty()) << sim::Describe(second);

  // A new login address marked expected is known from then on.
  const TimeNs later = t + kNsPerDay + kNsPerHour;
  std::vector<Event> login = {sim::SshLogin(later, "alice", "192.0.2.1", true)};
  const auto found = engine.Observe(login);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(engine.MarkExpected(found[0].key, found[0].value, found[0].time).ok());
  login[0].fields.Set("source.ip", std::string("192.0.2.1"));
  EXPECT_TRUE(engine.Observe(login).empty());

  EXPECT_EQ(engine.MarkExpected("volume|nowhere", "5", later).code(), StatusCode::kNotFound);
  EXPECT_EQ(engine.MarkExpected("volume|web1", "many", later).code(), StatusCode::kInvalidArgument);
}

TEST(AnomalyEngine, UniqueValueFloodStaysWithinTheCaps) {
  ManualClock clock(StartTime());
  AnomalyConfig config;
  config.new_template.max_sources = 100;
  config.new_template.max_templates_per_source = 1000;
  config.new_value.max_entities = 500;
  config.new_value.max_values_per_entity = 200;
  config.volume.max_series = 300;
  config.ratio.max_series = 100;
  AnomalyEngine engine(config, clock);
  const auto started = std::chrono::steady_clock::now();
  std::vector<Event> batch;
  for (int i = 0; i < 60'000; ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "%016x", i);
    const std::string n = std::to_string(i);
    Event e =
        sim::SshLogin(StartTime() + TimeNs{i} * 10'000'000, i % 2 ? "user" + n : "alice",
                      "10." + std::to_string(i % 250) + "." + std::to_string(i / 250 % 250) + ".1",
                      true, i % 3 ? "host" + n : "ssh1");
    e.fields.Set("log.template_id", std::string(id));
    e.fields.Set("process.name", "proc" + n);
    e.fields.Set("event.outcome", "success");
    batch.push_back(std::move(e));
    if (batch.size() == 1000) {
      clock.Set(batch.back().timestamp);
      (void)engine.Observe(batch);
      (void)engine.Tick(clock.Now());
      batch.clear();
    }
  }
  const AnomalyEngineStats stats = engine.stats();
  EXPECT_LE(stats.known_sets, 100u + 500u);
  EXPECT_LE(stats.known_values, 100u * 1000 + 500u * 200 * 2);
  EXPECT_LE(stats.series, 300u + 100u);
  EXPECT_GT(stats.evicted_keys, 10'000u);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(AnomalyEngine, ExclusionsAndSourceOverrides) {
  ManualClock clock(StartTime());
  AnomalyConfig config;
  config.new_template.learning = kNsPerHour;
  config.new_value.learning = kNsPerHour;
  config.exclude_sources = {"test-*"};
  config.sources["ssh1"].disabled = {"new_template"};
  AnomalyEngine engine(config, clock);
  std::vector<Event> batch = {
      sim::SshLogin(StartTime(), "alice", "10.1.2.3", true, "test-7"),
      sim::SshLogin(StartTime(), "alice", "10.1.2.3", true, "ssh1"),
      sim::SshLogin(StartTime(), "alice", "10.1.2.3", true, "ssh2"),
  };
  for (Event& e : batch) e.fields.Set("log.template_id", std::string("00000000000000aa"));
  EXPECT_TRUE(engine.Observe(batch).empty());  // learning
  for (Event& e : batch) {
    e.timestamp += 2 * kNsPerHour;
    e.fields.Set("log.template_id", std::string("00000000000000ab"));
  }
  // Events stamped past the clock (+ max_future) count at the clock's time: still learning.
  EXPECT_TRUE(engine.Observe(batch).empty());
  clock.Advance(2 * kNsPerHour);
  for (Event& e : batch) e.fields.Set("log.template_id", std::string("00000000000000ac"));
  const auto found = engine.Observe(batch);
  // test-7 is excluded and ssh1 has new_template off: only ssh2 reports its new template.
  ASSERT_EQ(found.size(), 1u) << sim::Describe(found);
  EXPECT_EQ(found[0].key, "new_template|ssh2");
  EXPECT_EQ(*found[0].event_index, 2u);
}

TEST(AnomalyConfig, ValidateSaysWhatIsWrong) {
  AnomalyConfig c;
  EXPECT_TRUE(c.Validate().ok());
  c.bucket = 7 * kMinute;
  EXPECT_NE(c.Validate().message().find("anomaly.bucket"), std::string::npos);
  c = AnomalyConfig{};
  c.volume.spike_sigmas = 0;
  EXPECT_EQ(c.Validate().message(), "anomaly.volume.spike_sigmas must be > 0, got 0.000000");
  c = AnomalyConfig{};
  c.sources["web1"].disabled = {"volumes"};
  EXPECT_EQ(c.Validate().message(),
            "anomaly.sources.web1.disabled: unknown detector 'volumes' (new_template, volume, "
            "new_value, ratio)");
}

TEST(AnomalyConfig, ReadFromTheConfigFile) {
  Config app;
  ASSERT_TRUE(LoadConfigText(R"(anomaly:
  bucket_minutes: 5
  utc_offset_minutes: 420
  volume:
    spike_sigmas: 8
    exclude_sources: [test-*]
  new_value:
    learning_days: 1.5
    admin_paths: [/panel]
  sources:
    10.0.0.5:
      disabled: [new_template, ratio]
      sensitivity: 0.5
      learning_days: 0
)",
                             "pantau.yaml", app)
                  .ok());
  AnomalyConfig c;
  ASSERT_TRUE(ApplyAnomalySettings(app.anomaly, c).ok());
  EXPECT_EQ(c.bucket, 5 * kMinute);
  EXPECT_EQ(c.utc_offset_minutes, 420);
  EXPECT_EQ(c.volume.spike_sigmas, 8);
  EXPECT_EQ(c.volume.exclude_sources, (std::vector<std::string>{"test-*"}));
  EXPECT_EQ(c.new_value.learning, 36 * kNsPerHour);
  EXPECT_EQ(c.new_value.admin_paths, (std::vector<std::string>{"/panel"}));
  const auto& tuning = c.sources.at("10.0.0.5");
  EXPECT_EQ(tuning.disabled, (std::vector<std::string>{"new_template", "ratio"}));
  EXPECT_EQ(tuning.sensitivity, 0.5);
  EXPECT_EQ(tuning.learning, TimeNs{0});

  const auto error = [](std::string_view yaml) {
    Config app;
    Status s = LoadConfigText(yaml, "pantau.yaml", app);
    if (!s.ok()) return s.message();
    AnomalyConfig c;
    return ApplyAnomalySettings(app.anomaly, c).message();
  };
  EXPECT_EQ(error("anomaly:\n  volume:\n    spike_sigma: 3\n"),
            "pantau.yaml:3: anomaly.volume.spike_sigma: unknown setting");
  EXPECT_EQ(error("anomaly:\n  ratio:\n    sigmas: lots\n"),
            "pantau.yaml:3: anomaly.ratio.sigmas: must be a number");
  EXPECT_EQ(error("anomaly:\n  sources:\n    web1:\n      disabled: [volumes]\n"),
            "pantau.yaml:4: anomaly.sources.web1.disabled: unknown detector 'volumes' "
            "(new_template, volume, new_value, ratio)");
  EXPECT_EQ(error("anomaly:\n  bucket_minutes: 7\n"),
            "anomaly.bucket must divide an hour and be at least a minute (1m, 5m, 10m, 15m, 30m, "
            "1h)");
}

// The example in docs/configuration.md is read as written.
TEST(AnomalyConfig, DocumentedExampleIsValid) {
  const char* root = std::getenv("PANTAU_SOURCE_DIR");  // set by ctest; else run from the source
  std::ifstream in(std::string(root ? root : ".") + "/docs/configuration.md");
  ASSERT_TRUE(in) << "run from the source tree or set PANTAU_SOURCE_DIR";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  // From "anomaly:" to the next top-level key.
  const size_t start = doc.find("\nanomaly:");
  ASSERT_NE(start, std::string::npos);
  size_t end = start + 1;
  do {
    end = doc.find('\n', end) + 1;
  } while (end < doc.size() && doc[end] == ' ');
  Config app;
  const Status loaded = LoadConfigText(doc.substr(start + 1, end - start - 1), "doc", app);
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  ASSERT_FALSE(app.anomaly.empty());
  AnomalyConfig c;
  const Status applied = ApplyAnomalySettings(app.anomaly, c);
  EXPECT_TRUE(applied.ok()) << applied.ToString();
}

TEST(Anomaly, ToJson) {
  Anomaly a;
  a.detector = "volume";
  a.kind = "spike";
  a.key = "volume|web1";
  a.source = "web1";
  a.value = "4210";
  a.score = 12.5;
  a.time = StartTime();
  a.explanation_id = "x";
  a.explanation_en = "y";
  a.series = {{StartTime(), 4210, 80, 150}, {StartTime(), 3, NAN, NAN}};
  EXPECT_EQ(a.ToJson(),
            "{\"detector\":\"volume\",\"kind\":\"spike\",\"key\":\"volume|web1\",\"source\":"
            "\"web1\",\"value\":\"4210\",\"severity\":\"medium\",\"score\":12.5,\"time\":\"2026-"
            "11-01T16:00:00Z\",\"explanation\":{\"id\":\"x\",\"en\":\"y\"},\"series\":[{\"time\":"
            "\"2026-11-01T16:00:00Z\",\"value\":4210,\"low\":80,\"high\":150},{\"time\":\"2026-"
            "11-01T16:00:00Z\",\"value\":3,\"low\":null,\"high\":null}]}");
}

TEST(Baseline, SlotsAndRobustStats) {
  // Monday 2026-11-02 10:00 UTC+8 is slot 10; Saturday 2026-11-07 10:00 is 34.
  EXPECT_EQ(SeasonalSlot(StartTime() + 10 * kNsPerHour, 480, true), 10);
  EXPECT_EQ(SeasonalSlot(StartTime() + 5 * kNsPerDay + 10 * kNsPerHour, 480, true), 34);
  EXPECT_EQ(SeasonalSlot(StartTime() + 5 * kNsPerDay + 10 * kNsPerHour, 480, false), 10);
  const std::vector<float> v = {10, 12, 11, 9, 10, 1000};
  const RobustStats s = ComputeRobustStats(v, 0, false);
  EXPECT_DOUBLE_EQ(s.median, 10.5);
  EXPECT_NEAR(s.sigma, 1.4826 * 1.0, 1e-6);
}

}  // namespace
}  // namespace pantau::anomaly
