// CountryLookup on Debian's installed GeoIP country databases (geoip-database, a 2019 snapshot:
// the addresses below belonged to the same countries then), and login_ip's "a country never
// seen for this user" in the engine. Only the database files are read: no network.
#include "detect/anomaly/country_lookup.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/config.h"
#include "detect/anomaly/anomaly_engine.h"
#include "detect/anomaly/detector_test_support.h"

namespace pantau::anomaly {
namespace {

constexpr const char* kGeoIpDir = "/usr/share/GeoIP";

std::shared_ptr<const CountryLookup> Countries() {
  auto opened = CountryLookup::Open(kGeoIpDir);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  if (!opened.ok()) return nullptr;
  return std::shared_ptr<const CountryLookup>(std::move(*opened));
}

TEST(CountryLookup, CountriesOfAddresses) {
  const auto countries = Countries();
  ASSERT_NE(countries, nullptr);
  EXPECT_EQ(countries->CountryOf("8.8.8.8"), "US");
  EXPECT_EQ(countries->CountryOf("36.66.1.1"), "ID");
  EXPECT_EQ(countries->CountryOf("81.2.69.142"), "GB");
  EXPECT_EQ(countries->CountryOf("127.0.0.1"), "");
  EXPECT_EQ(countries->CountryOf("10.0.0.1"), "");
  EXPECT_EQ(countries->CountryOf("192.168.1.1"), "");
  EXPECT_EQ(countries->CountryOf("not an ip"), "");
  EXPECT_EQ(countries->CountryOf(""), "");
  EXPECT_EQ(countries->CountryOf("8.8.8.8 "), "");
  EXPECT_EQ(countries->CountryOf("8.8.8"), "");  // inet_aton would take it; inet_pton does not
  EXPECT_EQ(countries->CountryOf(std::string(200, '1')), "");
  // A host name is not looked up (the library's *_by_name functions would ask DNS).
  EXPECT_EQ(countries->CountryOf("dns.google"), "");
  if (countries->has_ipv6()) {
    EXPECT_EQ(countries->CountryOf("2001:4860:4860::8888"), "US");
    EXPECT_EQ(countries->CountryOf("::1"), "");
  }
}

TEST(CountryLookup, MissingDatabaseIsNotFound) {
  const auto opened = CountryLookup::Open("/nonexistent-geoip-dir");
  EXPECT_EQ(opened.status().code(), StatusCode::kNotFound);
}

TEST(CountryLookup, GeoipDirSetting) {
  const auto dir = [](std::string_view yaml) {
    Config app;
    EXPECT_TRUE(LoadConfigText(yaml, "pantau.yaml", app).ok());
    AnomalyConfig c;
    EXPECT_TRUE(ApplyAnomalySettings(app.anomaly, c).ok());
    return c.new_value.geoip_dir;
  };
  EXPECT_EQ(dir("anomaly:\n  enabled: true\n"), "/usr/share/GeoIP");
  EXPECT_EQ(dir("anomaly:\n  new_value:\n    geoip_dir: /opt/geoip\n"), "/opt/geoip");
  EXPECT_EQ(dir("anomaly:\n  new_value:\n    geoip_dir: \"\"\n"), "");
}

// alice logs in during the learning period from two Indonesian addresses.
class LoginCountryTest : public ::testing::Test {
 protected:
  LoginCountryTest() : clock_(sim::StartTime()) {
    config_.new_value.learning = kNsPerDay;
    learned_ = sim::StartTime() + 2 * kNsPerDay;
  }

  std::unique_ptr<AnomalyEngine> Learned(std::shared_ptr<const CountryLookup> countries) {
    auto engine = std::make_unique<AnomalyEngine>(config_, clock_);
    engine->SetCountryLookup(std::move(countries));
    const std::vector<Event> learning = {
        sim::SshLogin(sim::StartTime(), "alice", "36.66.1.1", true),
        sim::SshLogin(sim::StartTime() + kNsPerHour, "alice", "182.253.1.1", true)};
    EXPECT_TRUE(engine->Observe(learning).empty());
    return engine;
  }

  std::vector<Anomaly> Login(AnomalyEngine& engine, const std::string& ip) {
    clock_.Set(learned_);
    return engine.Observe(std::vector<Event>{sim::SshLogin(learned_, "alice", ip, true)});
  }

  ManualClock clock_;
  AnomalyConfig config_;
  TimeNs learned_ = 0;
};

TEST_F(LoginCountryTest, NewCountryIsNamed) {
  auto engine = Learned(Countries());
  const auto found = Login(*engine, "8.8.8.8");
  ASSERT_EQ(found.size(), 1u);
  const Anomaly& a = found[0];
  EXPECT_EQ(a.kind, "login_ip");
  EXPECT_EQ(a.key, "new_value|login_ip|alice");
  EXPECT_EQ(a.value, "8.8.8.8");
  EXPECT_EQ(a.country, "US");
  EXPECT_EQ(a.severity, Severity::kHigh);
  EXPECT_EQ(a.explanation_en,
            "user \"alice\" logged in on host ssh1 from 8.8.8.8 (US), a country never seen for "
            "this user, in a network never seen for this user either (8.8.0.0/16)");
  EXPECT_EQ(a.explanation_id,
            "pengguna \"alice\" login di host ssh1 dari 8.8.8.8 (US), negara yang belum pernah "
            "terlihat untuk pengguna ini, dari jaringan yang juga belum pernah terlihat "
            "(8.8.0.0/16)");
  EXPECT_NE(a.ToJson().find("\"country\":\"US\""), std::string::npos);

  // The country is known now: another US address is a new address only.
  clock_.Set(learned_ + kNsPerHour);
  const auto again = engine->Observe(
      std::vector<Event>{sim::SshLogin(learned_ + kNsPerHour, "alice", "8.8.4.4", true)});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].severity, Severity::kMedium);
  EXPECT_EQ(again[0].explanation_en.find("country"), std::string::npos) << again[0].explanation_en;
}

TEST_F(LoginCountryTest, NewAddressInAKnownCountryIsAsBefore) {
  auto with = Learned(Countries());
  auto without = Learned(nullptr);
  for (const char* ip : {"114.125.1.1", "36.66.7.7"}) {  // a new /16, then a known one
    const auto a = Login(*with, ip);
    const auto b = Login(*without, ip);
    ASSERT_EQ(a.size(), 1u) << ip;
    ASSERT_EQ(b.size(), 1u) << ip;
    EXPECT_EQ(a[0].kind, b[0].kind);
    EXPECT_EQ(a[0].key, b[0].key);
    EXPECT_EQ(a[0].value, b[0].value);
    EXPECT_EQ(a[0].severity, b[0].severity);
    EXPECT_EQ(a[0].score, b[0].score);
    EXPECT_EQ(a[0].explanation_en, b[0].explanation_en);
    EXPECT_EQ(a[0].explanation_id, b[0].explanation_id);
    EXPECT_EQ(a[0].country, "ID");
    EXPECT_EQ(b[0].country, "");
  }
}

TEST_F(LoginCountryTest, PrivateAddressHasNoCountry) {
  auto engine = Learned(Countries());
  const auto found = Login(*engine, "10.9.8.7");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].country, "");
  EXPECT_EQ(found[0].explanation_en.find("country"), std::string::npos);
}

TEST_F(LoginCountryTest, MarkExpectedTeachesTheCountry) {
  auto engine = Learned(Countries());
  const BaselineSnapshot before = engine->Snapshot();
  const auto found = Login(*engine, "8.8.8.8");
  ASSERT_EQ(found.size(), 1u);

  // A baseline that never saw the login (restored from before it) learns its country when the
  // anomaly is marked expected.
  AnomalyEngine other(config_, clock_);
  other.SetCountryLookup(Countries());
  ASSERT_TRUE(other.Restore(before).ok());
  ASSERT_TRUE(other.MarkExpected(found[0].key, found[0].value, found[0].time).ok());
  const auto us = Login(other, "8.8.4.4");
  ASSERT_EQ(us.size(), 1u);
  EXPECT_EQ(us[0].severity, Severity::kMedium);  // the /16 was taught too
  EXPECT_EQ(us[0].explanation_en.find("country"), std::string::npos) << us[0].explanation_en;
  // Other countries are still new, also after a snapshot round trip (countries are in `values`).
  AnomalyEngine restored(config_, clock_);
  restored.SetCountryLookup(Countries());
  ASSERT_TRUE(restored.Restore(other.Snapshot()).ok());
  const auto gb = Login(restored, "81.2.69.142");
  ASSERT_EQ(gb.size(), 1u);
  EXPECT_EQ(gb[0].country, "GB");
  EXPECT_NE(gb[0].explanation_en.find("(GB), a country never seen"), std::string::npos);
  const auto us_again = Login(restored, "8.8.1.1");
  ASSERT_EQ(us_again.size(), 1u);
  EXPECT_EQ(us_again[0].explanation_en.find("country"), std::string::npos);
}

// A user learned before countries were turned on (an older baseline) has no country yet: the
// first one is learned quietly, not reported as "never seen".
TEST_F(LoginCountryTest, FirstCountryOfAnOlderBaselineIsLearned) {
  auto old = Learned(nullptr);
  AnomalyEngine engine(config_, clock_);
  engine.SetCountryLookup(Countries());
  ASSERT_TRUE(engine.Restore(old->Snapshot()).ok());
  const auto first = Login(engine, "8.8.8.8");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].country, "US");
  EXPECT_EQ(first[0].explanation_en.find("country"), std::string::npos);
  const auto second = Login(engine, "81.2.69.142");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0].explanation_en.find("(GB), a country never seen"), std::string::npos);
}

}  // namespace
}  // namespace pantau::anomaly
