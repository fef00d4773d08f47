#include "cases/timeline.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr TimeNs kMinute = 60 * kNsPerSecond;
const TimeNs kNoon = *MakeTime(2026, 3, 1, 12, 0, 0);

std::vector<std::string> Kinds(const std::vector<TimelineItem>& items) {
  std::vector<std::string> out;
  for (const TimelineItem& i : items) out.emplace_back(TimelineKindName(i.kind));
  return out;
}

TEST(MergeTimelineTest, OrdersByTimeThenByKind) {
  Case c;
  c.id = "1";
  c.workflow.history = {
      {CaseState::kTriage, "budi", std::nullopt, "", kNoon, kNoon + 10 * kMinute, 180},
      {CaseState::kInvestigating, "budi", CaseAction::kInvestigate, "", kNoon + 10 * kMinute,
       std::nullopt, 1440}};
  Alert a;
  a.id = "7";
  a.rule_title = "SSH brute force";
  a.level = "high";
  a.first_seen = kNoon - 30 * kMinute;
  a.count = 3;
  std::vector<AlertEvent> events(3);
  for (int i = 0; i < 3; ++i) {
    events[i].alert_id = "7";
    events[i].event.id = "20260301-" + std::to_string(i + 1);
    events[i].event.timestamp = kNoon - (30 - i) * kMinute;  // the first one with the alert
    events[i].event.dataset = "linux.auth";
    events[i].event.message = "Failed password for root\nfrom 203.0.113.9";
    events[i].event.fields_json = R"({"host.name":"web01"})";
  }
  // Listed out of order on purpose.
  std::swap(events[0], events[2]);
  AuditEntry verdict;
  verdict.time = kNoon + 20 * kMinute;
  verdict.actor = "budi";
  verdict.action = "case.verdict";
  verdict.details_json = R"({"verdict":"confirmed","justification":"login berhasil"})";
  AuditEntry other = verdict;
  other.action = "case.update";
  Note n;
  n.id = "3";
  n.kind = "attack_form";
  n.created = kNoon + 10 * kMinute;  // same time as a state change
  n.created_by = "siti";
  n.latest.title = "Bentuk serangan";
  TimelineEntry m;
  m.id = "4";
  m.time = kNoon - 60 * kMinute;  // reported before detection
  m.text = "PSE melapor situs lambat";
  m.author = "budi";

  const std::vector<TimelineItem> items = MergeTimeline(
      c, std::span(&a, 1), events, std::vector{verdict, other}, std::span(&n, 1), std::span(&m, 1));
  EXPECT_EQ(Kinds(items), (std::vector<std::string>{"manual", "event", "alert", "event", "event",
                                                    "state", "state", "note", "verdict"}));
  EXPECT_EQ(items[1].id, "20260301-1");
  EXPECT_EQ(items[1].summary, "Failed password for root from 203.0.113.9");  // one line
  EXPECT_EQ(items[1].host, "web01");
  EXPECT_EQ(items[5].id, "triage");
  EXPECT_EQ(items[6].action, "investigate");
  EXPECT_EQ(items[7].actor, "siti");
  EXPECT_EQ(items[8].verdict, "confirmed");
  EXPECT_EQ(items[8].summary, "login berhasil");

  const nlohmann::json e = nlohmann::json::parse(items[1].ToJson());
  EXPECT_EQ(e, nlohmann::json::parse(
                   R"({"time":"2026-03-01T11:30:00Z","kind":"event","summary":"Failed password )"
                   R"(for root from 203.0.113.9","event_id":"20260301-1","alert_id":"7",)"
                   R"("dataset":"linux.auth","host":"web01"})"));
  const nlohmann::json s = nlohmann::json::parse(items[5].ToJson());
  EXPECT_EQ(s["state"], "triage");
  EXPECT_TRUE(s["action"].is_null());
  EXPECT_TRUE(s["comment"].is_null());
  const nlohmann::json al = nlohmann::json::parse(items[2].ToJson());
  EXPECT_EQ(al["count"], 3);
  EXPECT_EQ(al["alert_id"], "7");
}

// Items of one time and kind are ordered by their ids' numbers, not as text, and each has a key
// that places it.
TEST(MergeTimelineTest, TiesOfOneKindGoByTheIdsNumbers) {
  std::vector<AlertEvent> events(3);
  const char* ids[] = {"20260301-10", "20260301-9", "20260228-11"};
  for (int i = 0; i < 3; ++i) {
    events[i].event.id = ids[i];
    events[i].event.timestamp = kNoon;
  }
  std::vector<TimelineEntry> manual(2);
  manual[0].id = "12";
  manual[1].id = "3";
  for (TimelineEntry& m : manual) m.time = kNoon;
  Case c;
  c.workflow.history = {{CaseState::kTriage, "budi", std::nullopt, "", kNoon, std::nullopt, 180}};
  const auto items = MergeTimeline(c, {}, events, {}, {}, manual);
  std::vector<std::string> keys;
  for (const TimelineItem& i : items) keys.push_back(i.key);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"20260228-11", "20260301-9", "20260301-10", "0", "3", "12"}));
}

// A timeline of `n` manual entries, one a minute, with ids 1..n.
Timeline ManualTimeline(int n) {
  std::vector<TimelineEntry> manual(n);
  for (int i = 0; i < n; ++i) {
    manual[i].id = std::to_string(i + 1);
    manual[i].time = kNoon + i * kMinute;
  }
  Timeline t;
  t.items = MergeTimeline(Case{}, {}, {}, {}, {}, manual);
  t.total = n;
  return t;
}

std::vector<std::string> Ids(const Timeline& t) {
  std::vector<std::string> out;
  for (const TimelineItem& i : t.items) out.push_back(i.id);
  return out;
}

TEST(TimelinePageTest, PagesVisitEveryItemOnce) {
  const Timeline whole = ManualTimeline(5);
  auto first = TimelinePage(whole, "", 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(Ids(*first), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(first->total, 5);
  EXPECT_EQ(first->next_cursor, fmt::format("{}.5.2", kNoon + kMinute));
  auto second = TimelinePage(whole, first->next_cursor, 2);
  EXPECT_EQ(Ids(*second), (std::vector<std::string>{"3", "4"}));
  auto last = TimelinePage(whole, second->next_cursor, 2);
  EXPECT_EQ(Ids(*last), (std::vector<std::string>{"5"}));
  EXPECT_TRUE(last->next_cursor.empty());
  const nlohmann::json j = nlohmann::json::parse(last->ToJson());
  EXPECT_TRUE(j["next_cursor"].is_null());
  EXPECT_EQ(j["total"], 5);
  EXPECT_EQ(nlohmann::json::parse(first->ToJson())["next_cursor"], first->next_cursor);
  // A page that ends with the last item says so, and after the last item there is nothing.
  EXPECT_TRUE(TimelinePage(whole, "", 5)->next_cursor.empty());
  auto after_last = TimelinePage(whole, fmt::format("{}.5.5", kNoon + 4 * kMinute), 2);
  EXPECT_TRUE(after_last->items.empty());
  EXPECT_TRUE(after_last->next_cursor.empty());
}

// Items that arrive between two pages: placed before the cursor they are not on the next page
// (and move nothing), placed after it they are; nothing repeats and nothing is skipped.
TEST(TimelinePageTest, StableWhileItemsArrive) {
  Timeline whole = ManualTimeline(4);
  auto first = TimelinePage(whole, "", 2);
  ASSERT_TRUE(first.ok());
  std::vector<TimelineEntry> manual(6);
  for (int i = 0; i < 4; ++i) {
    manual[i].id = std::to_string(i + 1);
    manual[i].time = kNoon + i * kMinute;
  }
  manual[4].id = "5";
  manual[4].time = kNoon - kMinute;  // before everything: behind the cursor
  manual[5].id = "6";
  manual[5].time = kNoon + 2 * kMinute;  // the same time as entry 3, after it by id
  whole.items = MergeTimeline(Case{}, {}, {}, {}, {}, manual);
  auto second = TimelinePage(whole, first->next_cursor, 10);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Ids(*second), (std::vector<std::string>{"3", "6", "4"}));
  EXPECT_EQ(second->total, 6);
}

TEST(TimelinePageTest, RefusesCursorsItDidNotGiveOut) {
  const Timeline whole = ManualTimeline(3);
  for (const char* bad :
       {"x", "1.2", "abc.5.1", "1.9.1", "1.-1.1", "1.5.", "1x.5.1", "99999999999999999999.5.1"}) {
    EXPECT_EQ(TimelinePage(whole, bad, 2).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(TimelinePage(whole, "1.5." + std::string(101, '1'), 2).status().message(),
            "cursor: not a cursor this server gave out");
}

TEST(MergeTimelineTest, ShortensLongMessagesAtACharacterBoundary) {
  AlertEvent e;
  e.event.message = std::string(999, 'a') + "\xc3\xa9" + std::string(100, 'b');  // é at 999
  const auto items = MergeTimeline(Case{}, {}, std::span(&e, 1), {}, {}, {});
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].summary, std::string(999, 'a') + "\u2026");
  // The raw line stands in for an empty message.
  e.event.message.clear();
  e.event.raw = "<13>raw line";
  EXPECT_EQ(MergeTimeline(Case{}, {}, std::span(&e, 1), {}, {}, {})[0].summary, "<13>raw line");
}

class CaseTimelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("pantau_timeline_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    const std::string d = dir_.string();
    auto events = OpenSqliteEventStore({d, 90, false, &clock_});
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    events_ = std::move(*events);
    alerts_ = std::move(*AlertStore::Open(d, clock_, std::chrono::minutes(60)));
    cases_ = std::move(*CaseStore::Open(d, clock_));
    notes_ = std::move(*NoteStore::Open(d, clock_));
    manual_ = std::move(*TimelineStore::Open(d, clock_));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Stores SSH failures at the given times and records one alert over them; its id.
  std::string AlertOver(const std::vector<TimeNs>& times, const std::string& rule = "ssh-brute") {
    std::vector<EventRow> rows;
    for (TimeNs t : times) {
      Event e;
      e.timestamp = t;
      e.received = t;
      e.dataset = "linux.auth";
      e.message = "Failed password for root from 203.0.113.9 port 52113 ssh2";
      e.raw = "<38>" + e.message;
      e.fields.Set("host.name", std::string("web01"));
      rows.push_back(EncodeEvent(std::move(e)));
      rows.back().seq = ++seq_;
    }
    std::vector<std::string> ids(rows.size());
    EXPECT_TRUE(events_->Append(rows, &ids).ok());
    std::vector<AlertHit> hits;
    for (size_t i = 0; i < times.size(); ++i) {
      hits.push_back({rule,
                      "SSH brute force",
                      "high",
                      {"attack.t1110.001"},
                      "linux.auth",
                      "web01",
                      times[i],
                      ids[i],
                      R"({"source.ip":"203.0.113.9"})"});
    }
    EXPECT_TRUE(alerts_->Record(hits).ok());
    AlertQuery q;
    q.rule = rule;
    return alerts_->List(q)->items.at(0).id;
  }

  Result<Timeline> Build(std::string_view id, size_t max_events = kMaxTimelineEvents) {
    return BuildCaseTimeline(id, {*cases_, *alerts_, *events_, *notes_, *manual_}, max_events);
  }

  std::filesystem::path dir_;
  ManualClock clock_{kNoon};
  uint64_t seq_ = 0;
  std::unique_ptr<EventStore> events_;
  std::unique_ptr<AlertStore> alerts_;
  std::unique_ptr<CaseStore> cases_;
  std::unique_ptr<NoteStore> notes_;
  std::unique_ptr<TimelineStore> manual_;
  const Actor budi_{"budi", Role::kAnalyst};
  const Actor siti_{"siti", Role::kCoordinator};
};

TEST_F(CaseTimelineTest, PutsTogetherEventsAlertsStatesNotesAndManualEntries) {
  const std::string alert =
      AlertOver({kNoon - 50 * kMinute, kNoon - 49 * kMinute, kNoon - 48 * kMinute});
  CaseFields f;
  f.alert_ids = std::vector<std::string>{alert};
  const Case c = *cases_->Create(f, budi_);
  clock_.Advance(kMinute);
  ASSERT_TRUE(cases_->Act(c.id, CaseAction::kInvestigate, "", budi_).ok());
  clock_.Advance(kMinute);
  ASSERT_TRUE(
      notes_->Create(c.id, {"attack_scheme", "Skema serangan", "SSH dari luar"}, siti_).ok());
  clock_.Advance(kMinute);
  ASSERT_TRUE(cases_->SetVerdict(c.id, Verdict::kConfirmed, "root berhasil login", budi_).ok());
  auto entry = manual_->Add(c.number, kNoon - 2 * 60 * kMinute, "PSE: server terasa lambat", budi_);
  ASSERT_TRUE(entry.ok()) << entry.status().ToString();

  auto t = Build(c.id);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Kinds(t->items), (std::vector<std::string>{"manual", "event", "alert", "event", "event",
                                                       "state", "state", "note", "verdict"}));
  EXPECT_EQ(t->items[0].summary, "PSE: server terasa lambat");
  EXPECT_EQ(t->items[1].alert_id, alert);
  EXPECT_EQ(t->items[1].dataset, "linux.auth");
  EXPECT_EQ(t->items[1].summary, "Failed password for root from 203.0.113.9 port 52113 ssh2");
  EXPECT_EQ(t->items[2].summary, "SSH brute force");
  EXPECT_EQ(t->events_omitted, 0);
  EXPECT_EQ(t->events_missing, 0);
  const nlohmann::json j = nlohmann::json::parse(t->ToJson());
  EXPECT_EQ(j["total"], 9);
  EXPECT_TRUE(j["next_cursor"].is_null());
  EXPECT_EQ(j["items"][0]["time"], "2026-03-01T10:00:00Z");
  EXPECT_EQ(j["items"][0]["actor"], "budi");
  for (size_t i = 1; i < j["items"].size(); ++i) {
    EXPECT_LE(j["items"][i - 1]["time"].get<std::string>(),
              j["items"][i]["time"].get<std::string>());
  }
}

TEST_F(CaseTimelineTest, TakesEventsFromEveryAlertUpToTheLimit) {
  const std::string a =
      AlertOver({kNoon - 50 * kMinute, kNoon - 49 * kMinute, kNoon - 48 * kMinute}, "rule-a");
  const std::string b = AlertOver({kNoon - 10 * kMinute, kNoon - 9 * kMinute}, "rule-b");
  CaseFields f;
  f.title = "dua alert";
  f.alert_ids = std::vector<std::string>{a, b};
  const Case c = *cases_->Create(f, budi_);
  auto t = Build(c.id, 2);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::vector<std::string> from;
  for (const TimelineItem& i : t->items) {
    if (i.kind == TimelineKind::kEvent) from.push_back(i.alert_id);
  }
  EXPECT_EQ(from, (std::vector<std::string>{a, b}));  // one of each, not two of the first
  EXPECT_EQ(t->events_omitted, 3);
}

// More events than the old single answer held (500), read in full a page at a time, while a
// person adds entries between the pages.
TEST_F(CaseTimelineTest, AManyEventCaseIsReadInFullByPages) {
  CaseFields f;
  f.title = "serangan besar";
  f.alert_ids.emplace();
  for (int a = 0; a < 6; ++a) {
    std::vector<TimeNs> times;
    for (int i = 0; i < 100; ++i)
      times.push_back(kNoon - 5 * 3600 * kNsPerSecond + (a * 100 + i) * kNsPerSecond);
    f.alert_ids->push_back(AlertOver(times, "rule-" + std::to_string(a)));
  }
  const Case c = *cases_->Create(f, budi_);
  auto whole = Build(c.id);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->total, 600 + 6 + 1);
  EXPECT_EQ(whole->events_omitted, 0);

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto t = Build(c.id);
    ASSERT_TRUE(t.ok());
    auto page = TimelinePage(std::move(*t), cursor, 250);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const TimelineItem& i : page->items) {
      seen.push_back(std::string(TimelineKindName(i.kind)) + ":" + i.key);
    }
    cursor = page->next_cursor;
    if (++pages == 1) {
      // One entry behind the cursor (an hour before the first event), one ahead of it.
      ASSERT_TRUE(manual_->Add(c.id, kNoon - 6 * 3600 * kNsPerSecond, "lebih awal", budi_).ok());
      ASSERT_TRUE(manual_->Add(c.id, kNoon - kMinute, "kemudian", budi_).ok());
    }
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);
  std::vector<std::string> unique = seen;
  std::sort(unique.begin(), unique.end());
  EXPECT_EQ(std::unique(unique.begin(), unique.end()), unique.end()) << "an item repeated";
  // Every item there was at the start, and the entry added after the cursor; not the one before.
  EXPECT_EQ(seen.size(), 600u + 6 + 1 + 1);
  EXPECT_NE(std::find(seen.begin(), seen.end(), "manual:2"), seen.end());
  EXPECT_EQ(std::find(seen.begin(), seen.end(), "manual:1"), seen.end());
}

TEST_F(CaseTimelineTest, CountsEventsNoLongerInTheStore) {
  const AlertHit gone{"old",   "Old rule",      "low",         {},  "linux.auth",
                      "web01", kNoon - kMinute, "20250101-42", "{}"};
  ASSERT_TRUE(alerts_->Record(std::span(&gone, 1)).ok());
  AlertQuery q;
  q.rule = "old";
  CaseFields f;
  f.alert_ids = std::vector<std::string>{alerts_->List(q)->items.at(0).id};
  const Case c = *cases_->Create(f, budi_);
  auto t = Build(c.id);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->events_missing, 1);
  EXPECT_EQ(Kinds(t->items), (std::vector<std::string>{"alert", "state"}));
}

TEST_F(CaseTimelineTest, ManualEntriesAreCheckedStoredAndAudited) {
  CaseFields f;
  f.title = "Deface situs kecamatan";
  const Case c = *cases_->Create(f, budi_);
  EXPECT_EQ(manual_->Add(c.id, kNoon, "   ", budi_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(manual_->Add(c.id, kNoon, std::string(TimelineStore::kMaxText + 1, 'x'), budi_)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  auto future = manual_->Add(c.id, kNoon + 2 * 3600 * kNsPerSecond, "nanti", budi_);
  EXPECT_EQ(future.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(future.status().message().find("in the future"), std::string::npos);
  EXPECT_EQ(manual_->Add("99", kNoon, "x", budi_).status().code(), StatusCode::kNotFound);

  // Minutes ahead is a clock difference, not the future; a year back is fine.
  ASSERT_TRUE(manual_->Add(c.id, kNoon + 5 * kMinute, "Situs diturunkan PSE", siti_).ok());
  auto e = manual_->Add(c.id, kNoon - 365 * kNsPerDay, "Plugin terakhir diperbarui", budi_);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->author, "budi");
  EXPECT_EQ(e->created, kNoon);
  auto entries = manual_->Entries(c.id);
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].text, "Plugin terakhir diperbarui");  // by time

  std::vector<AuditEntry> audit;
  const std::vector<AuditEntry> history = *cases_->History(c.id);
  for (const AuditEntry& a : history) {
    if (a.action == "timeline.add") audit.push_back(a);
  }
  ASSERT_EQ(audit.size(), 2u);
  const nlohmann::json d = nlohmann::json::parse(audit[1].details_json);
  EXPECT_EQ(d["text"], "Plugin terakhir diperbarui");
  EXPECT_EQ(d["time"], "2025-03-01T12:00:00Z");
  EXPECT_EQ(d["entry"], e->id);

  auto db = sqlite::OpenMainDb(dir_.string());
  EXPECT_FALSE(db->Exec("UPDATE case_timeline SET text = 'x'").ok());
  EXPECT_FALSE(db->Exec("DELETE FROM case_timeline").ok());
}

TEST_F(CaseTimelineTest, AClosedCaseTakesNoEntries) {
  CaseFields f;
  f.title = "x";
  const Case c = *cases_->Create(f, budi_);
  ASSERT_TRUE(cases_->Act(c.id, CaseAction::kInvestigate, "", budi_).ok());
  ASSERT_TRUE(cases_->SetVerdict(c.id, Verdict::kFalsePositive, "uji", budi_).ok());
  for (CaseAction a : {CaseAction::kAssess, CaseAction::kReport, CaseAction::kSubmit}) {
    ASSERT_TRUE(cases_->Act(c.id, a, "", budi_).ok());
  }
  ASSERT_TRUE(cases_->Act(c.id, CaseAction::kVerify, "", siti_).ok());
  clock_.Advance(kMinute);
  ASSERT_TRUE(cases_->Act(c.id, CaseAction::kClose, "", siti_).ok());
  EXPECT_EQ(manual_->Add(c.id, kNoon, "terlambat", budi_).status().code(),
            StatusCode::kFailedPrecondition);
  auto t = Build(c.id);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->items.back().id, "closed");
}

}  // namespace
}  // namespace pantau
