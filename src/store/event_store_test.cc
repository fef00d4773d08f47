// The conformance suite of EventStore: every backend must pass it.
#include "store/event_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/time.h"
#include "store/sqlite/schema.h"

namespace pantau {
namespace {

namespace fs = std::filesystem;

const TimeNs kNow = *MakeTime(2026, 11, 27, 12, 0, 0);

EventRow MakeEvent(TimeNs ts, std::string message, std::string host = "web01") {
  Event e;
  e.timestamp = ts;
  e.received = kNow;
  e.dataset = "linux.auth";
  e.message = message;
  e.raw = "<13>" + message;
  e.fields.Set("host.name", host);
  e.fields.Set("source.port", int64_t{22});
  return EncodeEvent(std::move(e));
}

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pantau_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto s = OpenSqliteEventStore({dir_.string(), 30, false, &clock_});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  std::vector<StoredEvent> ReadAll(ReadRequest r = {}) {
    r.limit = 1000;
    auto got = store_->Read(r);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::vector<StoredEvent>{};
  }

  fs::path dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<EventStore> store_;
};

TEST_F(EventStoreTest, AppendThenReadNewestFirst) {
  std::vector<EventRow> batch = {MakeEvent(kNow - 3 * kNsPerSecond, "first"),
                                 MakeEvent(kNow - 1 * kNsPerSecond, "third"),
                                 MakeEvent(kNow - 2 * kNsPerSecond, "second")};
  ASSERT_TRUE(store_->Append(batch).ok());
  auto all = ReadAll();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].message, "third");
  EXPECT_EQ(all[2].message, "first");
  EXPECT_EQ(all[0].raw, "<13>third");
  EXPECT_EQ(all[0].fields_json, R"({"host.name":"web01","source.port":22})");
  EXPECT_EQ(all[0].dataset, "linux.auth");
  EXPECT_EQ(all[0].id.substr(0, 9), "20261127-");

  auto one = store_->Get(all[1].id);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->message, "second");
  EXPECT_EQ(store_->Get("20261127-999").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("../../etc").status().code(), StatusCode::kInvalidArgument);

  ReadRequest window;
  window.from = kNow - 2 * kNsPerSecond;
  window.to = kNow - 1 * kNsPerSecond;
  auto in_window = ReadAll(window);
  ASSERT_EQ(in_window.size(), 1u);
  EXPECT_EQ(in_window[0].message, "second");
}

TEST_F(EventStoreTest, KeepsBytesExactAndFlags) {
  Event e;
  e.timestamp = e.received = kNow;
  e.dataset = "unknown";
  e.raw = e.message = "bad \xff\xfe bytes and \"quotes\"";
  e.flags = kInvalidUtf8 | kDecodeError;
  e.error = "no decoder recognised the line";
  Event other = e;
  other.message = "not a tail of raw";
  const std::vector<EventRow> rows = {EncodeEvent(Event(e)), EncodeEvent(std::move(other))};
  ASSERT_TRUE(store_->Append(rows).ok());
  auto all = ReadAll();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].raw, e.raw);
  EXPECT_EQ(all[1].message, e.message);
  EXPECT_EQ(all[1].flags, e.flags);
  EXPECT_EQ(all[1].error, e.error);
  EXPECT_EQ(all[0].raw, e.raw);
  EXPECT_EQ(all[0].message, "not a tail of raw");
  EXPECT_NE(all[1].ToJson().find(R"("flags":["decode_error","invalid_utf8"])"), std::string::npos);
}

TEST_F(EventStoreTest, FilterParametersAreBoundInOrder) {
  std::vector<EventRow> batch = {MakeEvent(kNow, "a", "web01"), MakeEvent(kNow, "b", "web02"),
                                 MakeEvent(kNow, "c", "db01")};
  ASSERT_TRUE(store_->Append(batch).ok());
  ReadRequest r;
  r.filter.where = "e.host = ? OR json_extract(b.fields, ?) = ? OR e.host = ?";
  r.filter.needs_body = true;
  r.filter.params = {std::string("web02"), std::string("$.\"source.port\""), int64_t{23},
                     std::string("db01' OR '1'='1")};
  auto got = ReadAll(r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message, "b");
  r.filter.params[2] = int64_t{22};  // every event has source.port 22
  EXPECT_EQ(ReadAll(r).size(), 3u);
}

TEST_F(EventStoreTest, ASearchPastItsDeadlineStops) {
  std::vector<EventRow> batch;
  for (int i = 0; i < 2000; ++i) batch.push_back(MakeEvent(kNow, "row " + std::to_string(i)));
  ASSERT_TRUE(store_->Append(batch).ok());
  ReadRequest r;
  r.limit = 10;
  r.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  r.filter.where = "b.raw LIKE '%never%'";  // makes SQLite step through every row
  r.filter.needs_body = true;
  EXPECT_EQ(store_->Read(r).status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(store_->Count(r).status().code(), StatusCode::kDeadlineExceeded);
  r.deadline.reset();
  EXPECT_TRUE(store_->Read(r).ok());
}

TEST_F(EventStoreTest, PartitionsByDayAndSurvivesReopen) {
  std::vector<EventRow> batch = {
      MakeEvent(kNow - 2 * kNsPerDay, "two days ago"), MakeEvent(kNow, "today"),
      // Outside retention and in the future: filed under the day received.
      MakeEvent(kNow - 400 * kNsPerDay, "forged old"),
      MakeEvent(kNow + 30 * kNsPerDay, "forged future")};
  ASSERT_TRUE(store_->Append(batch).ok());
  Reopen();
  auto parts = store_->Partitions();
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].day, "2026-11-25");
  EXPECT_EQ((*parts)[0].events, 1);
  EXPECT_EQ((*parts)[1].day, "2026-11-27");
  EXPECT_EQ((*parts)[1].events, 3);
  auto all = ReadAll();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].message, "forged future");  // its own time is kept
  EXPECT_EQ(all[3].message, "forged old");
}

TEST_F(EventStoreTest, GetManyKeepsTheOrderAndLeavesOutWhatIsNotThere) {
  std::vector<EventRow> batch = {MakeEvent(kNow - 2 * kNsPerDay, "two days ago"),
                                 MakeEvent(kNow, "today"),
                                 MakeEvent(kNow - 1 * kNsPerSecond, "a second ago")};
  ASSERT_TRUE(store_->Append(batch).ok());
  auto all = ReadAll();  // newest first: today, a second ago, two days ago
  ASSERT_EQ(all.size(), 3u);
  const std::vector<std::string> ids = {all[2].id,   "20261127-999", all[0].id,
                                        "../../etc", "19990101-1",   all[1].id};
  auto got = store_->GetMany(ids);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].message, "two days ago");
  EXPECT_EQ((*got)[1].message, "today");
  EXPECT_EQ((*got)[2].message, "a second ago");
  EXPECT_EQ((*got)[2].fields_json, all[1].fields_json);
  EXPECT_TRUE(store_->GetMany({})->empty());
}

TEST_F(EventStoreTest, MaintainIndexesClosedDaysAndAppliesRetention) {
  std::vector<EventRow> batch = {MakeEvent(kNow - 20 * kNsPerDay, "old"),
                                 MakeEvent(kNow - 1 * kNsPerDay, "yesterday"),
                                 MakeEvent(kNow, "today")};
  ASSERT_TRUE(store_->Append(batch).ok());
  ASSERT_TRUE(store_->Maintain().ok());
  auto parts = store_->Partitions();
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_TRUE((*parts)[0].indexed);   // 20 days ago: closed
  EXPECT_FALSE((*parts)[1].indexed);  // yesterday still takes late events
  EXPECT_FALSE((*parts)[2].indexed);  // today

  clock_.Advance(15 * kNsPerDay);  // retention is 30 days: the "old" day is now 35 days back
  ASSERT_TRUE(store_->Maintain().ok());
  auto after = ReadAll();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[1].message, "yesterday");
  EXPECT_FALSE(fs::exists(dir_ / "events" / "2026-11-07.db"));
  // Writing after retention closed a partition still works.
  EventRow late = MakeEvent(clock_.Now(), "later");
  ASSERT_TRUE(store_->Append(std::span(&late, 1)).ok());
  EXPECT_EQ(ReadAll().size(), 3u);
}

// An open day's postings narrow a search to a value's rows; rows written after the last
// maintenance are found all the same, and closing the day hands over to its indexes.
TEST_F(EventStoreTest, PostingsFindTheSameRowsAsAReadOfTheWholeDay) {
  std::vector<EventRow> batch;
  for (int i = 0; i < 300; ++i) {
    batch.push_back(MakeEvent(kNow - i * kNsPerSecond, "e" + std::to_string(i),
                              i % 100 == 7 ? "Rare" : "web" + std::to_string(i % 3)));
  }
  ASSERT_TRUE(store_->Append(batch).ok());
  ASSERT_TRUE(store_->Maintain().ok());  // posts the 300 rows
  const fs::path postings = dir_ / "events" / "2026-11-27.postings";
  EXPECT_TRUE(fs::exists(postings));
  std::vector<EventRow> later = {MakeEvent(kNow + kNsPerSecond, "after", "rare")};
  ASSERT_TRUE(store_->Append(later).ok());  // past the watermark

  const auto by_host = [](std::string host, bool lookup) {
    ReadRequest r;
    r.filter.where = "(e.host = ? COLLATE NOCASE)";
    r.filter.params = {host};
    if (lookup) r.filter.lookups = {{"host", host}};
    return r;
  };
  for (const std::string host : {"RARE", "web1", "nobody"}) {
    SCOPED_TRACE(host);
    const auto posted = ReadAll(by_host(host, true));
    const auto scanned = ReadAll(by_host(host, false));
    ASSERT_EQ(posted.size(), scanned.size());
    for (size_t i = 0; i < posted.size(); ++i) EXPECT_EQ(posted[i].id, scanned[i].id);
    EXPECT_EQ(*store_->Count(by_host(host, true)), static_cast<int64_t>(scanned.size()));
  }
  EXPECT_EQ(ReadAll(by_host("rare", true)).size(), 4u);  // 7, 107, 207 and the later one
  EXPECT_EQ(ReadAll(by_host("rare", true)).front().message, "after");
  // The postings did the narrowing: a lookup of another value than the condition's leaves only
  // the row past the watermark.
  ReadRequest other = by_host("rare", false);
  other.filter.lookups = {{"host", "web1"}};
  EXPECT_EQ(ReadAll(other).size(), 1u);
  EXPECT_EQ(*store_->Count(other), 1);

  clock_.Advance(3 * kNsPerDay);  // the day closes: indexes instead of postings
  ASSERT_TRUE(store_->Maintain().ok());
  EXPECT_FALSE(fs::exists(postings));
  EXPECT_EQ(ReadAll(by_host("rare", true)).size(), 4u);
}

TEST_F(EventStoreTest, LateEventsForAClosedDayGoToTheDayReceived) {
  std::vector<EventRow> first = {MakeEvent(kNow - 3 * kNsPerDay, "on time")};
  ASSERT_TRUE(store_->Append(first).ok());
  ASSERT_TRUE(store_->Maintain().ok());  // closes and indexes that day
  std::vector<EventRow> late = {MakeEvent(kNow - 3 * kNsPerDay - 1, "late")};
  ASSERT_TRUE(store_->Append(late).ok());
  auto parts = store_->Partitions();
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].events, 1);  // the closed day is unchanged
  EXPECT_TRUE((*parts)[0].indexed);
  EXPECT_EQ((*parts)[1].day, "2026-11-27");
  auto all = ReadAll();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].message, "late");  // ordered by its own time all the same
  EXPECT_EQ(all[1].timestamp, kNow - 3 * kNsPerDay - 1);
}

// A full-text read looks words up row by row among the newest rows first, and collects the
// candidates of the whole file when those do not hold enough matches: both give the same answer.
TEST_F(EventStoreTest, FullTextReadsAgreeWhetherProbedOrCollected) {
  constexpr int kEvents = 25'000;  // more than one probe's worth of rows
  std::vector<EventRow> batch;
  for (int i = 0; i < kEvents; ++i) {
    std::string message = "event " + std::to_string(i);
    if (i % 100 == 0) message += " common needle";
    if (i == 7) message += " rare zebra";
    batch.push_back(MakeEvent(kNow - (kEvents - i) * kNsPerSecond / 10, message));
  }
  ASSERT_TRUE(store_->Append(batch).ok());
  const std::string text = std::string(sqlite::kMessageSql);
  auto read = [&](const std::string& word, size_t limit, TimeNs from, bool probe) {
    ReadRequest r;
    r.limit = limit;
    r.from = from;
    r.filter.needs_body = true;
    r.filter.where =
        "(e.id IN (SELECT rowid FROM events_text WHERE events_text MATCH ?) AND instr(" + text +
        ", ?) > 0)";
    if (probe) {
      r.filter.where_probe =
          "(EXISTS (SELECT 1 FROM events_text WHERE events_text MATCH ? AND rowid = e.id) AND "
          "instr(" +
          text + ", ?) > 0)";
    }
    r.filter.params = {"\"" + word + "\"", word};
    auto got = store_->Read(r);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    std::vector<std::string> messages;
    for (const auto& e : *got) messages.push_back(e.message);
    return messages;
  };
  for (bool probe : {false, true}) {
    SCOPED_TRACE(probe ? "probed" : "collected");
    // Common: the newest rows hold enough.
    auto needles = read("needle", 10, INT64_MIN, probe);
    ASSERT_EQ(needles.size(), 10u);
    EXPECT_EQ(needles.front(), "event 24900 common needle");
    EXPECT_EQ(needles.back(), "event 24000 common needle");
    // Rare: only in the oldest rows, past the probe.
    EXPECT_EQ(read("zebra", 10, INT64_MIN, probe), std::vector<std::string>{"event 7 rare zebra"});
    // All of them, and a window too small to need a probe bound.
    EXPECT_EQ(read("needle", 1000, INT64_MIN, probe).size(), 250u);
    EXPECT_EQ(read("needle", 1000, kNow - 1000 * kNsPerSecond / 10, probe).size(), 10u);
  }
}

TEST_F(EventStoreTest, PagingVisitsEveryEventOnceAcrossDaysAndTies) {
  // Equal times within a day, and equal times in two day files (a late event filed under the
  // day it was received carries its own, older time).
  std::vector<EventRow> first;
  for (int i = 0; i < 5; ++i)
    first.push_back(MakeEvent(kNow - 3 * kNsPerDay, "old " + std::to_string(i)));
  ASSERT_TRUE(store_->Append(first).ok());
  ASSERT_TRUE(store_->Maintain().ok());  // closes that day
  std::vector<EventRow> second;
  for (int i = 0; i < 4; ++i)
    second.push_back(MakeEvent(kNow - 3 * kNsPerDay, "late " + std::to_string(i)));
  for (int i = 0; i < 3; ++i) second.push_back(MakeEvent(kNow, "now " + std::to_string(i)));
  ASSERT_TRUE(store_->Append(second).ok());
  ReadRequest r;
  r.limit = 2;
  std::vector<std::string> seen;
  for (int page = 0; page < 20; ++page) {
    auto got = store_->Read(r);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    for (const auto& e : *got) seen.push_back(e.message);
    if (got->size() < r.limit) break;
    r.after = ReadRequest::Position{got->back().timestamp, got->back().id};
  }
  ASSERT_EQ(seen.size(), 12u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 12u);
  EXPECT_EQ(seen.front().substr(0, 3), "now");
}

// Scan visits exactly the rows in range and filter, whichever way it reads a day's file: a
// narrow range goes through the time index, a wide one scans the table.
TEST_F(EventStoreTest, ScanVisitsTheRowsInRangeWhetherIndexedOrScanned) {
  constexpr TimeNs kMinute = 60 * kNsPerSecond;
  std::vector<EventRow> batch;
  for (int i = 0; i < 100; ++i) {
    batch.push_back(
        MakeEvent(kNow - i * kMinute, "event " + std::to_string(i), i % 2 ? "odd" : "even"));
  }
  ASSERT_TRUE(store_->Append(batch).ok());
  SqlScan scan;
  scan.columns = {"e.host", "e.ts / ?"};
  scan.column_params = {kMinute};
  const auto visit = [&](ReadRequest r) {
    std::multiset<std::string> seen;
    const Status s = store_->Scan(r, scan, [&](const ScanRow& row) {
      EXPECT_EQ(row.KindAt(0), ValueKind::kText);
      EXPECT_EQ(row.KindAt(1), ValueKind::kInt);
      seen.insert(std::string(row.Text(0)) + "@" + std::to_string(row.Int(1)));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return seen;
  };
  ReadRequest narrow;  // 10 of the 100 minutes
  narrow.from = kNow - 9 * kMinute;
  narrow.to = kNow + 1;
  EXPECT_EQ(visit(narrow).size(), 10u);
  ReadRequest wide;  // 90 of them, filtered to one host
  wide.from = kNow - 89 * kMinute;
  wide.to = kNow + 1;
  wide.filter.where = "e.host = ?";
  wide.filter.params = {std::string("even")};
  const auto evens = visit(wide);
  EXPECT_EQ(evens.size(), 45u);
  EXPECT_EQ(evens.count("even@" + std::to_string(kNow / kMinute)), 1u);
  EXPECT_EQ(visit({}).size(), 100u);
  // The visitor's error stops the scan and comes back.
  int visits = 0;
  const Status stopped = store_->Scan({}, scan, [&](const ScanRow&) {
    ++visits;
    return InvalidArgument("enough");
  });
  EXPECT_EQ(stopped.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(visits, 1);
}

TEST_F(EventStoreTest, MinuteCountsAcrossDaysAndBatches) {
  std::vector<EventRow> a = {MakeEvent(kNow, "a"), MakeEvent(kNow + 59 * kNsPerSecond, "b"),
                             MakeEvent(kNow + 60 * kNsPerSecond, "c"),
                             MakeEvent(kNow - kNsPerDay, "yesterday")};
  ASSERT_TRUE(store_->Append(a).ok());
  std::vector<EventRow> b = {MakeEvent(kNow + 1, "d")};
  ASSERT_TRUE(store_->Append(b).ok());
  auto counts = store_->MinuteCounts(kNow - kNsPerDay, kNow + kNsPerDay);
  ASSERT_TRUE(counts.ok());
  const std::vector<std::pair<TimeNs, int64_t>> want = {
      {kNow - kNsPerDay, 1}, {kNow, 3}, {kNow + 60 * kNsPerSecond, 1}};
  EXPECT_EQ(*counts, want);
  EXPECT_EQ(store_->MinuteCounts(kNow + 60 * kNsPerSecond, kNow + kNsPerDay)->size(), 1u);
  // Count without a filter reads the same counts; with one, or off the minute, it scans: equal.
  ReadRequest all;
  EXPECT_EQ(*store_->Count(all), 5);
  all.from = kNow + 1;
  EXPECT_EQ(*store_->Count(all), 3);
}

TEST_F(EventStoreTest, RetriedAppendStoresEachRowOnce) {
  std::vector<EventRow> rows = {MakeEvent(kNow - 1 * kNsPerDay, "yesterday"),
                                MakeEvent(kNow, "today")};
  rows[0].seq = 1;
  rows[1].seq = 2;
  // Today's file cannot be created: the first day commits, the second fails.
  const fs::path blocker = dir_ / "events" / "2026-11-27.db";
  fs::create_directories(blocker);
  EXPECT_FALSE(store_->Append(rows).ok());
  fs::remove(blocker);
  ASSERT_TRUE(store_->Append(rows).ok());  // the writer's retry
  auto all = ReadAll();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].message, "today");
  EXPECT_EQ(all[1].message, "yesterday");
}

}  // namespace
}  // namespace pantau
