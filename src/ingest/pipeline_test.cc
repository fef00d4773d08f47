#include "ingest/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/time.h"
#include "ingest/file_import.h"

namespace pantau {
namespace {

namespace fs = std::filesystem;

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("pantau_pipeline_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto s = OpenSqliteEventStore({dir_.string(), 90, false, &clock_});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<StoredEvent> ReadAll() {
    ReadRequest r;
    r.limit = 100000;
    auto got = store_->Read(r);
    EXPECT_TRUE(got.ok());
    return got.ok() ? *got : std::vector<StoredEvent>{};
  }

  fs::path dir_;
  ManualClock clock_{*MakeTime(2026, 11, 27, 12, 0, 0)};
  Metrics metrics_;
  std::unique_ptr<EventStore> store_;
};

RawBatch Lines(std::vector<std::string> lines) {
  RawBatch b;
  b.input = Input::kSyslogTcp;
  b.source_address = "127.0.0.1";
  for (auto& l : lines) b.lines.push_back({std::move(l), *MakeTime(2026, 11, 27, 12, 0, 0), 0});
  return b;
}

TEST_F(PipelineTest, StopStoresEverythingAccepted) {
  Pipeline p(*store_, metrics_, {});
  p.Start();
  for (int i = 0; i < 100; ++i) {
    std::vector<std::string> lines;
    for (int j = 0; j < 50; ++j) {
      lines.push_back("<13>Nov 27 11:59:00 web01 app[1]: line " + std::to_string(i * 50 + j));
    }
    ASSERT_TRUE(p.Submit(Lines(std::move(lines))));
  }
  p.Stop();
  EXPECT_EQ(p.stored(), 5000u);
  auto all = ReadAll();
  ASSERT_EQ(all.size(), 5000u);
  EXPECT_NE(all[0].fields_json.find(R"("input.type":"syslog-tcp")"), std::string::npos);
  EXPECT_FALSE(p.Submit(Lines({"late"})));  // refused after Stop, not lost silently
  const std::string m = metrics_.RenderPrometheus();
  EXPECT_NE(m.find("pantau_events_stored_total 5000"), std::string::npos) << m;
  // The sender is counted once per decoded batch.
  const auto sources = p.sources().Rows();
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].input, "syslog-tcp");
  EXPECT_EQ(sources[0].peer, "127.0.0.1");
  EXPECT_EQ(sources[0].host, "web01");
  EXPECT_EQ(sources[0].events, 5000u);
  EXPECT_EQ(sources[0].errors, 0u);
}

TEST_F(PipelineTest, DecodedBatchResolvesWhenDurable) {
  Pipeline p(*store_, metrics_, {});
  p.Start();
  std::vector<Event> events(3);
  for (auto& e : events) {
    e.timestamp = e.received = clock_.Now();
    e.dataset = "json";
    e.message = e.raw = "{}";
  }
  auto f = p.SubmitDecoded(std::move(events));
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->get().ok());
  EXPECT_EQ(ReadAll().size(), 3u);
}

// Numbers the events it sees in field "seen", and counts Maintain calls.
class CountingEnricher final : public EventEnricher {
 public:
  void Enrich(std::span<Event> events) override {
    for (Event& e : events) e.fields.Set("seen", static_cast<int64_t>(++seen));
  }
  Status Maintain() override {
    ++maintained;
    return Status::Ok();
  }
  std::atomic<int64_t> seen{0};
  std::atomic<int> maintained{0};
};

// Checks that every event it inspects was enriched first.
class CheckingHook final : public EventHook {
 public:
  std::unique_ptr<Pending> Inspect(std::span<const Event> events) override {
    for (const Event& e : events) unenriched += e.fields.Has("seen") ? 0 : 1;
    inspected += static_cast<int>(events.size());
    return nullptr;
  }
  std::atomic<int> inspected{0}, unenriched{0};
};

TEST_F(PipelineTest, EnricherSeesListenerAndHttpInputBeforeTheHook) {
  CountingEnricher enricher;
  CheckingHook hook;
  PipelineOptions options;
  options.enricher = &enricher;
  options.hook = &hook;
  Pipeline p(*store_, metrics_, options);
  p.Start();
  ASSERT_TRUE(p.Submit(
      Lines({"<13>Nov 27 11:59:00 web01 app[1]: one", "<13>Nov 27 11:59:00 web01 app[1]: two"})));
  std::vector<Event> events(3);
  for (auto& e : events) {
    e.timestamp = e.received = clock_.Now();
    e.dataset = "json";
    e.message = e.raw = "{}";
  }
  auto f = p.SubmitDecoded(std::move(events));
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->get().ok());
  const int maintained_before_stop = enricher.maintained.load();
  p.Stop();
  EXPECT_EQ(enricher.seen.load(), 5);
  EXPECT_EQ(hook.inspected.load(), 5);
  EXPECT_EQ(hook.unenriched.load(), 0);
  EXPECT_GT(enricher.maintained.load(), maintained_before_stop);  // once more at Stop
  for (const auto& e : ReadAll()) EXPECT_NE(e.fields_json.find(R"("seen":)"), std::string::npos);
}

TEST_F(PipelineTest, FullQueueRefusesDecodedAndTrySubmit) {
  PipelineOptions o;
  o.queue_bytes = 4 * 300;           // room for about four small events
  Pipeline p(*store_, metrics_, o);  // not started: nothing drains
  auto first = p.SubmitDecoded(std::vector<Event>(4));
  ASSERT_TRUE(first.ok());
  auto second = p.SubmitDecoded(std::vector<Event>(1), "192.0.2.7");
  EXPECT_EQ(second.status().code(), StatusCode::kResourceExhausted);
  // Only what was accepted counts for its sender: the refused request will come again.
  ASSERT_EQ(p.sources().Rows().size(), 1u);
  EXPECT_EQ(p.sources().Rows()[0].events, 4u);
  EXPECT_EQ(p.sources().Rows()[0].input, "http");
  RawBatch a = Lines({"a", "b", "c", "d"}), b = Lines({"e"});
  EXPECT_TRUE(p.TrySubmit(a));
  EXPECT_FALSE(p.TrySubmit(b));
  EXPECT_EQ(b.lines.size(), 1u);  // still the caller's
}

TEST_F(PipelineTest, ImportReadsPlainAndGzipFiles) {
  const fs::path plain = dir_ / "a.log";
  const fs::path gz = dir_ / "b.log.gz";
  { std::ofstream(plain) << "line one\r\nline two\n\nline three without newline"; }
  ASSERT_EQ(std::system(("printf 'gz one\\ngz two\\n' | gzip > " + gz.string()).c_str()), 0);
  Pipeline p(*store_, metrics_, {});
  p.Start();
  ImportOptions o;
  o.format = Format::kRaw;
  auto r = ImportFiles({plain.string(), gz.string()}, o, p, clock_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->lines, 5u);
  p.Stop();
  std::set<std::string> messages;
  for (const auto& e : ReadAll()) messages.insert(e.raw);
  EXPECT_EQ(messages, (std::set<std::string>{"line one", "line two", "line three without newline",
                                             "gz one", "gz two"}));
  auto missing = ImportFiles({(dir_ / "nope.log").string()}, o, p, clock_);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("nope.log"), std::string::npos);
}

}  // namespace
}  // namespace pantau

namespace pantau {
namespace {

// A store that fails its first `failures` appends (or all of them), then passes them on.
class FlakyStore final : public EventStore {
 public:
  FlakyStore(EventStore& real, int failures) : real_(real), failures_(failures) {}
  Status DoAppend(std::span<const EventRow> rows, std::vector<std::string>* ids) override {
    ++calls_;
    if (failures_ < 0 || failures_-- > 0) return Internal("disk full (test)");
    return real_.Append(rows, ids);
  }
  Status Maintain() override { return real_.Maintain(); }
  Result<std::vector<StoredEvent>> Read(const ReadRequest& r) const override {
    return real_.Read(r);
  }
  Result<StoredEvent> Get(std::string_view id) const override { return real_.Get(id); }
  Result<int64_t> Count(const ReadRequest& r) const override { return real_.Count(r); }
  Result<std::vector<std::pair<TimeNs, int64_t>>> MinuteCounts(TimeNs from,
                                                               TimeNs to) const override {
    return real_.MinuteCounts(from, to);
  }
  Status Scan(const ReadRequest& r, const SqlScan& s,
              const std::function<Status(const ScanRow&)>& visit) const override {
    return real_.Scan(r, s, visit);
  }
  Result<std::vector<PartitionInfo>> Partitions() const override { return real_.Partitions(); }
  int calls() const { return calls_; }

 private:
  EventStore& real_;
  int failures_;
  std::atomic<int> calls_{0};
};

TEST_F(PipelineTest, StoreFailuresAreRetriedWithoutLossOrDuplicates) {
  FlakyStore flaky(*store_, 2);
  Pipeline p(flaky, metrics_, {});
  p.Start();
  ASSERT_TRUE(
      p.Submit(Lines({"<13>Nov 27 11:59:00 h app: one", "<13>Nov 27 11:59:00 h app: two"})));
  p.Stop();
  EXPECT_EQ(flaky.calls(), 3);
  EXPECT_EQ(p.stored(), 2u);
  EXPECT_EQ(p.lost(), 0u);
  EXPECT_EQ(ReadAll().size(), 2u);
}

TEST_F(PipelineTest, AStoreThatNeverRecoversCannotHangShutdown) {
  FlakyStore broken(*store_, -1);
  Pipeline p(broken, metrics_, {});
  p.Start();
  ASSERT_TRUE(p.Submit(Lines({"<13>Nov 27 11:59:00 h app: doomed"})));
  p.Stop();  // gives up after a few attempts and says so
  EXPECT_EQ(p.stored(), 0u);
  EXPECT_EQ(p.lost(), 1u);
  auto f = p.SubmitDecoded(std::vector<Event>(1));
  EXPECT_EQ(f.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace pantau
