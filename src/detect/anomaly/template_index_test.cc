// TemplateIndex over a real data directory (SQLite file and state file in a temporary folder).
#include "detect/anomaly/template_index.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace pantau::anomaly {
namespace {

class TemplateIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_template_index_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<TemplateIndex> Open(TemplateIndexOptions options = {}) {
    auto index = TemplateIndex::Open(dir_.string(), options);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return index.ok() ? std::move(*index) : nullptr;
  }

  static Event Ev(std::string dataset, std::string message, TimeNs t = 1'000) {
    Event e;
    e.dataset = std::move(dataset);
    e.message = std::move(message);
    e.timestamp = t;
    return e;
  }

  // The ids Enrich gives `events`, in order ("" when none).
  static std::vector<std::string> Ids(TemplateIndex& index, std::vector<Event>& events) {
    index.Enrich(events);
    std::vector<std::string> ids;
    for (const Event& e : events) ids.emplace_back(e.fields.GetString(kTemplateIdField));
    return ids;
  }

  std::filesystem::path dir_;
};

TEST_F(TemplateIndexTest, SameTemplateSameIdAndEmptyMessagesGetNone) {
  auto index = Open();
  ASSERT_TRUE(index);
  std::vector<Event> events = {
      Ev("linux.auth", "Failed password for root from 10.0.0.1 port 22 ssh2"),
      Ev("linux.auth", "Failed password for root from 10.0.0.2 port 2222 ssh2"),
      Ev("linux.auth", "session opened for user alice by (uid=0)"),
      Ev("linux.auth", ""),
  };
  const auto ids = Ids(*index, events);
  EXPECT_EQ(ids[0], ids[1]);
  EXPECT_NE(ids[0], ids[2]);
  EXPECT_TRUE(ParseTemplateId(ids[0]).has_value()) << ids[0];
  EXPECT_EQ(ids[3], "");
  EXPECT_FALSE(events[3].fields.Has(kTemplateIdField));
}

TEST_F(TemplateIndexTest, TextOfAnId) {
  auto index = Open();
  ASSERT_TRUE(index);
  std::vector<Event> events = {Ev("linux.auth", "Failed password for root from 10.0.0.1 port 22"),
                               Ev("linux.auth", "Failed password for root from 10.0.0.2 port 23"),
                               Ev("web.access", "GET /index.html 200")};
  const auto ids = Ids(*index, events);
  EXPECT_EQ(index->Text(ids[0]), "Failed password for root from <*> port <*>");
  EXPECT_EQ(index->Text(ids[2]), "GET <*> <*>");
  EXPECT_EQ(index->Text("0000000000000000"), std::nullopt);
  EXPECT_EQ(index->Text("not an id"), std::nullopt);
}

TEST_F(TemplateIndexTest, DatasetsDoNotShareTemplates) {
  auto index = Open();
  ASSERT_TRUE(index);
  std::vector<Event> events = {Ev("linux.auth", "Connection closed by 10.0.0.1"),
                               Ev("web.access", "Connection closed by 10.0.0.1")};
  const auto ids = Ids(*index, events);
  EXPECT_NE(ids[0], ids[1]);
}

TEST_F(TemplateIndexTest, ListCountsSortsFiltersAndPages) {
  auto index = Open();
  ASSERT_TRUE(index);
  std::vector<Event> events;
  for (int i = 0; i < 5; ++i) {
    events.push_back(Ev("linux.auth", "Accepted password for user" + std::to_string(i), 100 + i));
  }
  events.push_back(Ev("fortigate.traffic", "<script>alert(1)</script> blocked", 50));
  const auto ids = Ids(*index, events);
  auto page = index->List({});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->total, 2u);
  EXPECT_EQ(page->items[0].id, ids[0]);
  EXPECT_EQ(page->items[0].count, 5u);
  EXPECT_EQ(page->items[0].first_seen, 100);
  EXPECT_EQ(page->items[0].last_seen, 104);
  EXPECT_EQ(page->items[0].dataset, "linux.auth");
  EXPECT_EQ(page->items[0].example, "Accepted password for user0");

  // Counts add up over flushes.
  std::vector<Event> more = {Ev("linux.auth", "Accepted password for user9", 200)};
  EXPECT_EQ(Ids(*index, more)[0], ids[0]);
  auto one = index->Get(ids[0]);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->count, 6u);
  EXPECT_EQ(one->last_seen, 200);

  TemplateQuery q;
  q.dataset = "fortigate.traffic";
  page = index->List(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, ids[5]);
  // Hostile text is kept as is here and escaped in JSON.
  EXPECT_NE(page->items[0].ToJson().find(R"("example":"<script>alert(1)</script> blocked")"),
            std::string::npos);

  q = {};
  q.text = "ACCEPTED";
  page = index->List(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 1u);

  q = {};
  q.sort = "first_seen";
  q.limit = 1;
  q.offset = 1;
  page = index->List(q);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->total, 2u);
  EXPECT_EQ(page->items[0].id, ids[5]);  // first_seen 50, after 100 in descending order

  q.sort = "nonsense";
  EXPECT_EQ(index->List(q).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->Get("nothex").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index->Get("0000000000000000").status().code(), StatusCode::kNotFound);
}

TEST_F(TemplateIndexTest, IdsSurviveRestart) {
  std::vector<std::string> before;
  {
    auto index = Open();
    ASSERT_TRUE(index);
    std::vector<Event> events = {Ev("linux.auth", "Invalid user bob from 10.1.1.1"),
                                 Ev("linux.auth", "Invalid user eve from 10.1.1.2"),
                                 Ev("syslog", "kernel: eth0 link up")};
    before = Ids(*index, events);
    ASSERT_TRUE(index->Maintain().ok());
  }
  auto index = Open();
  ASSERT_TRUE(index);
  std::vector<Event> events = {Ev("linux.auth", "Invalid user mallory from 10.9.9.9"),
                               Ev("syslog", "kernel: eth1 link up")};
  const auto after = Ids(*index, events);
  EXPECT_EQ(after[0], before[0]);
  EXPECT_EQ(after[1], before[2]);
}

TEST_F(TemplateIndexTest, DatasetCapSharesOneOverflowMiner) {
  TemplateIndexOptions options;
  options.max_datasets = 1;
  auto index = Open(options);
  ASSERT_TRUE(index);
  std::vector<Event> events = {Ev("a", "one two three"), Ev("b", "four five six"),
                               Ev("c", "four five six")};
  const auto ids = Ids(*index, events);
  EXPECT_EQ(ids[1], ids[2]);  // b and c share the overflow miner
  auto page = index->List({});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].dataset, "(other)");
  ASSERT_TRUE(index->Save().ok());
  auto reopened = Open(options);
  ASSERT_TRUE(reopened);
  std::vector<Event> again = {Ev("d", "four five six")};
  EXPECT_EQ(Ids(*reopened, again)[0], ids[1]);
}

TEST_F(TemplateIndexTest, CorruptStateIsMovedAside) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "templates.state") << "garbage\n";
  auto index = Open();
  ASSERT_TRUE(index);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "templates.state.bad"));
  std::vector<Event> events = {Ev("x", "hello world")};
  EXPECT_FALSE(Ids(*index, events)[0].empty());
}

TEST_F(TemplateIndexTest, RowsAreBounded) {
  TemplateIndexOptions options;
  options.max_rows = 3;
  auto index = Open(options);
  ASSERT_TRUE(index);
  std::vector<Event> events;
  TimeNs t = 0;
  for (const char* first : {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"}) {
    events.push_back(Ev("x", std::string(first) + " started", ++t));  // a template each
  }
  index->Enrich(events);
  auto page = index->List({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3u);
}

}  // namespace
}  // namespace pantau::anomaly
