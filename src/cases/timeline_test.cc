#include "cases/timeline.h"

#include <gtest/gtest.h>
#include <unistd.h>

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

  Result<Timeline> Build(std::string_view id, size_t max_events = 500) {
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
