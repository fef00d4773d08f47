// Baselines survive a restart: Save to SQLite, a new engine, Load, and the quiet stream stays
// quiet while what was learned before (a template, a spike's band) still counts.
#include "detect/anomaly/baseline_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "detect/anomaly/detector_config.h"
#include "detect/anomaly/detector_test_support.h"

namespace pantau::anomaly {
namespace {

using sim::RunMinutes;
using sim::StartTime;
using sim::Traffic;

class BaselineStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_anomaly_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path() const { return (dir_ / "anomaly.db").string(); }

  std::filesystem::path dir_;
};

TEST_F(BaselineStoreTest, RestartKeepsBaselinesWithoutRelearning) {
  ManualClock clock(StartTime());
  AnomalyConfig config;
  Traffic traffic;
  const TimeNs restart = StartTime() + 7 * kNsPerDay;
  {
    AnomalyEngine engine(config, clock);
    ASSERT_TRUE(RunMinutes(engine, clock, traffic, StartTime(), restart).empty());
    auto store = BaselineStore::Open(Path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE(SaveBaselines(engine, *store, clock.Now()).ok());
  }
  // Down for three hours: its buckets are not watched, so they are not silences either.
  const TimeNs back = restart + 3 * kNsPerHour;
  clock.Set(back);
  AnomalyEngine engine(config, clock);
  auto store = BaselineStore::Open(Path());
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(LoadBaselines(*store, engine).ok());
  const AnomalyEngineStats stats = engine.stats();
  EXPECT_GT(stats.series, 10u);
  EXPECT_GT(stats.known_values, 10u);

  // The quiet stream stays quiet for the next week, downtime included.
  const auto quiet = RunMinutes(engine, clock, traffic, restart + 5 * 60 * kNsPerSecond,
                                StartTime() + 14 * kNsPerDay);
  EXPECT_TRUE(quiet.empty()) << sim::Describe(quiet);

  // No relearning: a new template and a new login address are found at once (a fresh engine
  // would be learning for days).
  const TimeNs t = StartTime() + 14 * kNsPerDay;
  std::vector<Event> batch = {
      sim::WebEvent(t, "00000000000000e9", 200, "/shell.php", "curl"),
      sim::SshLogin(t, "bob", "203.0.113.50", true),
  };
  const auto found = engine.Observe(batch);
  ASSERT_EQ(found.size(), 2u) << sim::Describe(found);
  EXPECT_EQ(found[0].detector, "new_template");
  EXPECT_EQ(found[1].kind, "login_ip");

  // Saving again replaces the rows; reading them back gives the same state.
  ASSERT_TRUE(SaveBaselines(engine, *store, clock.Now()).ok());
  auto again = store->Read();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rows.size(), engine.Snapshot().rows.size());
}

TEST_F(BaselineStoreTest, DamagedRowIsReportedByKey) {
  ManualClock clock(StartTime());
  AnomalyEngine engine(AnomalyConfig{}, clock);
  BaselineSnapshot snap;
  snap.rows.push_back({"series", "volume|web1", "short"});
  const Status s = engine.Restore(snap);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("'volume|web1'"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace pantau::anomaly
