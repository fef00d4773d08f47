#include "ingest/demo_feed.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "core/time.h"
#include "decode/decoder.h"

namespace pantau {
namespace {

// 10:00 WITA on a working day.
const TimeNs kStart = *MakeTime(2026, 11, 27, 2, 0, 0);

// Every line of `minutes` of the simulation, stepped as the feed does (every 100 ms).
std::vector<DemoLine> Simulate(uint64_t seed, int minutes, TimeNs start = kStart) {
  DemoLogGenerator generator(seed, start);
  std::vector<DemoLine> all;
  for (TimeNs t = start; t <= start + minutes * 60 * kNsPerSecond; t += kNsPerSecond / 10) {
    for (DemoLine& l : generator.Step(t)) all.push_back(std::move(l));
  }
  return all;
}

TEST(DemoLogGeneratorTest, EveryLineDecodesToItsDataset) {
  const std::vector<DemoLine> lines = Simulate(42, 10);
  std::map<std::string, int> datasets;
  TimeNs previous = 0;
  for (const DemoLine& l : lines) {
    DecodeContext ctx;
    ctx.received = l.time + kNsPerSecond / 10;
    ctx.input = "demo";
    ctx.source_address = "demo";
    const Event e = Decode(l.text, Format::kAuto, ctx);
    ASSERT_FALSE(e.flags & kDecodeError) << e.error << "\n" << l.text;
    ASSERT_FALSE(e.flags & kTimeFromReceipt) << l.text;
    ASSERT_EQ(e.dataset, l.dataset) << l.text;
    // The line's own time, to the second (access logs and FortiGate's date have no fraction).
    ASSERT_LE(e.timestamp, l.time) << l.text;
    ASSERT_GT(e.timestamp, l.time - kNsPerSecond) << l.text;
    ASSERT_GE(l.time, previous) << "lines are in time order";
    previous = l.time;
    ++datasets[e.dataset];
  }
  for (const char* d : {"fortigate.traffic", "linux.auth", "web.access", "windows.security"}) {
    EXPECT_GT(datasets[d], 1000) << d;
  }
  EXPECT_GE(datasets["fortigate.utm"], 5);  // IPS, antivirus, web filter: attacks only
}

TEST(DemoLogGeneratorTest, FieldsThatRulesAndSearchesUse) {
  std::set<std::string> seen;
  for (const DemoLine& l : Simulate(7, 3)) {
    DecodeContext ctx;
    ctx.received = l.time;
    const Event e = Decode(l.text, Format::kAuto, ctx);
    for (const char* f : {"source.ip", "host.name", "user.name", "event.action", "url.original",
                          "http.response.status_code", "user_agent.original", "EventID",
                          "TargetUserName", "attack", "observer.name"}) {
      if (e.fields.Find(f) != nullptr) seen.insert(e.dataset + " " + f);
    }
  }
  for (const char* want :
       {"web.access source.ip", "web.access host.name", "web.access url.original",
        "web.access http.response.status_code", "web.access user_agent.original",
        "linux.auth source.ip", "linux.auth host.name", "linux.auth user.name",
        "linux.auth event.action", "fortigate.traffic source.ip", "fortigate.traffic observer.name",
        "fortigate.utm attack", "windows.security EventID", "windows.security TargetUserName",
        "windows.security host.name"}) {
    EXPECT_TRUE(seen.count(want)) << want;
  }
}

TEST(DemoLogGeneratorTest, SameSeedSameLines) {
  const auto a = Simulate(1234, 2);
  const auto b = Simulate(1234, 2);
  const auto c = Simulate(1235, 2);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i].text, b[i].text) << i;
  size_t same = 0;
  for (size_t i = 0; i < std::min(a.size(), c.size()); ++i) same += a[i].text == c[i].text;
  EXPECT_LT(same, a.size() / 100);
}

TEST(DemoLogGeneratorTest, RateFollowsTheWorkingDay) {
  // 03:00 and 15:00 WITA.
  EXPECT_NEAR(DemoLogGenerator::RateAt(*MakeTime(2026, 11, 26, 19, 0, 0)), 20, 0.01);
  EXPECT_NEAR(DemoLogGenerator::RateAt(*MakeTime(2026, 11, 27, 7, 0, 0)), 50, 0.01);
  for (int hour = 0; hour < 24; ++hour) {
    const double rate = DemoLogGenerator::RateAt(*MakeTime(2026, 11, 27, hour, 30, 0));
    EXPECT_GE(rate, 20);
    EXPECT_LE(rate, 50);
  }
  // Ten minutes at 10:00 WITA: the everyday rate plus the attacks.
  const double per_second = static_cast<double>(Simulate(42, 10).size()) / 600;
  EXPECT_GE(per_second, DemoLogGenerator::RateAt(kStart) * 0.95);
  EXPECT_LE(per_second, DemoLogGenerator::RateAt(kStart) * 1.3);
}

TEST(DemoLogGeneratorTest, LongPauseWritesOnlyItsLastSeconds) {
  DemoLogGenerator generator(42, kStart);
  generator.Step(kStart + 30 * kNsPerSecond);  // past the opening
  const TimeNs later = kStart + 3600 * kNsPerSecond;
  const auto lines = generator.Step(later);
  EXPECT_LT(lines.size(), 10 * 50 + 200);
  size_t everyday_in_pause = 0;
  for (const auto& l : lines) everyday_in_pause += l.time < later - 11 * kNsPerSecond;
  EXPECT_LT(everyday_in_pause, 50u) << "only attacks that were under way";
  EXPECT_TRUE(generator.Step(later).empty()) << "no time passed";
}

class DemoFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("pantau_demo_feed_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto s = OpenSqliteEventStore({dir_.string(), 90, false, &clock_});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  ManualClock clock_{kStart};
  Metrics metrics_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(DemoFeedTest, FeedsThePipelineAsInputDemoAndStopsCleanly) {
  Pipeline pipeline(*store_, metrics_, {});
  pipeline.Start();
  DemoFeed feed(pipeline, clock_, 42, std::chrono::milliseconds(5));
  feed.Start();
  InputCounters& counters = pipeline.counters(Input::kDemo);
  // Twenty simulated seconds, in steps of 100 ms.
  for (int i = 0; i < 200; ++i) {
    clock_.Advance(kNsPerSecond / 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (counters.received->value() < 400 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  feed.Stop();
  feed.Stop();  // idempotent
  pipeline.Stop();
  const uint64_t received = counters.received->value();
  EXPECT_GE(received, 400u);
  EXPECT_EQ(pipeline.stored(), received) << "everything the feed handed over is stored";

  ReadRequest r;
  r.limit = 100'000;
  auto events = store_->Read(r);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), received);
  for (const StoredEvent& e : *events) {
    ASSERT_TRUE(e.error.empty()) << e.error << " " << e.raw;
    ASSERT_NE(e.fields_json.find(R"("input.type":"demo")"), std::string::npos) << e.fields_json;
    ASSERT_NE(e.fields_json.find(R"("log.source.address":"demo")"), std::string::npos);
  }
  const std::string m = metrics_.RenderPrometheus();
  EXPECT_NE(m.find("pantau_events_received_total{input=\"demo\"} " + std::to_string(received)),
            std::string::npos)
      << m;
}

}  // namespace
}  // namespace pantau
