#include "ingest/source_stats.h"

#include <gtest/gtest.h>

#include <thread>

namespace pantau {
namespace {

Event Make(std::string dataset, TimeNs received, std::string host = {}, bool error = false) {
  Event e;
  e.dataset = std::move(dataset);
  e.received = received;
  e.raw = "0123456789";
  if (!host.empty()) e.fields.Set("host.name", std::move(host));
  if (error) e.flags |= kDecodeError;
  return e;
}

TEST(SourceStatsTest, OneRowPerInputPeerAndDataset) {
  SourceStats stats;
  std::vector<Event> batch = {Make("linux.auth", 30, "web01"), Make("linux.auth", 10, "web01"),
                              Make("unknown", 20, "", true), Make("linux.auth", 40, "web02")};
  SourceTally tally = SourceStats::Count("syslog-udp", "10.0.0.5", batch);
  ASSERT_EQ(tally.rows.size(), 2u);
  stats.Add(tally);
  stats.Add(
      SourceStats::Count("syslog-udp", "10.0.0.5", std::vector<Event>{Make("linux.auth", 5)}));
  stats.Add(SourceStats::Count("http", "10.0.0.5", std::vector<Event>{Make("json", 50, "app")}));
  stats.Add(SourceStats::Count("syslog-udp", "10.0.0.5", std::vector<Event>{}));

  const auto rows = stats.Rows();
  ASSERT_EQ(rows.size(), 3u);
  // Ordered by input, peer, dataset.
  EXPECT_EQ(rows[0].input, "http");
  EXPECT_EQ(rows[0].dataset, "json");
  EXPECT_EQ(rows[0].host, "app");
  const SourceRow& auth = rows[1];
  EXPECT_EQ(auth.input, "syslog-udp");
  EXPECT_EQ(auth.peer, "10.0.0.5");
  EXPECT_EQ(auth.dataset, "linux.auth");
  EXPECT_EQ(auth.events, 4u);
  EXPECT_EQ(auth.bytes, 40u);
  EXPECT_EQ(auth.errors, 0u);
  EXPECT_EQ(auth.first_seen, 5);
  EXPECT_EQ(auth.last_seen, 40);
  // The latest event's host; a later batch without one keeps it.
  EXPECT_EQ(auth.host, "web02");
  const SourceRow& unknown = rows[2];
  EXPECT_EQ(unknown.dataset, "unknown");
  EXPECT_EQ(unknown.events, 1u);
  EXPECT_EQ(unknown.errors, 1u);
  EXPECT_EQ(unknown.first_seen, 20);
}

TEST(SourceStatsTest, BoundedWithTheRestInOther) {
  SourceStats stats(3);
  for (int i = 0; i < 10; ++i) {
    const std::string peer = "192.0.2." + std::to_string(i);
    stats.Add(SourceStats::Count("syslog-udp", peer, std::vector<Event>{Make("syslog", 100 + i)}));
  }
  // A known key keeps counting in its own row.
  stats.Add(SourceStats::Count("syslog-udp", "192.0.2.0", std::vector<Event>{Make("syslog", 1)}));
  const auto rows = stats.Rows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].peer, "192.0.2.0");
  EXPECT_EQ(rows[0].events, 2u);
  EXPECT_EQ(rows[0].first_seen, 1);
  const SourceRow& other = rows[3];
  EXPECT_EQ(other.input, "other");
  EXPECT_EQ(other.peer, "other");
  EXPECT_EQ(other.dataset, "other");
  EXPECT_EQ(other.events, 7u);
  EXPECT_EQ(other.first_seen, 103);
  EXPECT_EQ(other.last_seen, 109);
}

TEST(SourceStatsTest, ManyThreadsAtOnce) {
  SourceStats stats;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&stats, t] {
      std::vector<Event> batch(10, Make("syslog", 1));
      for (int i = 0; i < 1000; ++i) {
        stats.Add(SourceStats::Count("syslog-tcp", "peer" + std::to_string(t % 2), batch));
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto rows = stats.Rows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].events + rows[1].events, 40'000u);
}

}  // namespace
}  // namespace pantau
