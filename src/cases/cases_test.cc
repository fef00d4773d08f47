#include "cases/cases.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include "auth/users.h"
#include "cases/alerts.h"
#include "core/time.h"

namespace pantau {
namespace {

constexpr TimeNs kMinute = 60 * kNsPerSecond;

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pantau_cases_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto s = CaseStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    auto a = AlertStore::Open(dir_.string(), clock_, std::chrono::minutes(60));
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    alerts_ = std::move(*a);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // An alert of an SSH brute force from 203.0.113.9, as detection records it.
  std::string MakeAlert(std::string rule = "ssh-brute", std::string level = "high") {
    const AlertHit hit{rule,
                       "SSH brute force",
                       level,
                       {"attack.credential_access", "attack.t1110.001"},
                       "linux.auth",
                       "web01",
                       clock_.Now(),
                       "20260301-" + rule,
                       R"({"source.ip":"203.0.113.9","user.name":"root","host.name":"web01"})"};
    EXPECT_TRUE(alerts_->Record(std::span(&hit, 1)).ok());
    AlertQuery q;
    q.rule = rule;
    return alerts_->List(q)->items.at(0).id;
  }

  Case Open(std::string title) {
    CaseFields f;
    f.title = std::move(title);
    auto c = store_->Create(f, budi_);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return *c;
  }

  Result<Case> Act(const Case& c, CaseAction action, const Actor& who, std::string comment = "") {
    clock_.Advance(kMinute);
    return store_->Act(c.id, action, comment, who);
  }

  std::filesystem::path dir_;
  // 2026-03-01T00:00:00Z
  ManualClock clock_{*MakeTime(2026, 3, 1, 0, 0, 0)};
  std::unique_ptr<CaseStore> store_;
  std::unique_ptr<AlertStore> alerts_;
  const Actor budi_{"budi", Role::kAnalyst};
  const Actor siti_{"siti", Role::kCoordinator};
  const Actor kadis_{"kadis", Role::kHead};
};

TEST_F(CaseStoreTest, OpensACaseByHandWithDefaults) {
  CaseFields f;
  f.title = "  Halaman utama diskominfo diubah  ";
  f.incident_type = "web_defacement";
  f.tags = {"website", "website", " opd "};
  f.techniques = {"t1491.002"};
  f.observables = {{"domain", "Diskominfo.Kukarkab.go.id"}, {"ip", "198.51.100.7"}};
  auto c = store_->Create(f, budi_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->number, "INS-2026-0001");
  EXPECT_EQ(c->title, "Halaman utama diskominfo diubah");
  EXPECT_EQ(c->source, "manual");
  EXPECT_EQ(c->risk_level, "medium");
  EXPECT_EQ(c->classification, "T");
  EXPECT_EQ(c->tags, (std::vector<std::string>{"website", "opd"}));
  EXPECT_EQ(c->techniques, (std::vector<std::string>{"T1491.002"}));
  EXPECT_EQ(c->observables[0], (Observable{"domain", "diskominfo.kukarkab.go.id"}));
  EXPECT_EQ(c->workflow.state, CaseState::kTriage);
  ASSERT_EQ(c->workflow.history.size(), 1u);
  EXPECT_EQ(c->workflow.history[0].actor, "budi");
  EXPECT_EQ(c->workflow.history[0].entered_at, clock_.Now());
  EXPECT_EQ(c->workflow.history[0].standard_minutes, 180);
  EXPECT_EQ(c->created_by, "budi");

  const std::string json = c->ToJson(clock_.Now(), true);
  for (const char* part :
       {R"("number":"INS-2026-0001")", R"("state":"triage")", R"("verdict":null)",
        R"("assignee":null)", R"("alert_ids":[])", R"("incident_type":"web_defacement")",
        R"("history":[{"state":"triage","action":null,"actor":"budi","comment":null,)",
        R"("sla":{"state":"triage","standard_minutes":180,"spent_seconds":0,)",
        R"("left_seconds":10800,"due":"2026-03-01T03:00:00Z","overdue":false,"reporting":null,)",
        R"("steps":[)"}) {
    EXPECT_NE(json.find(part), std::string::npos) << part << " in " << json;
  }
  // By id or by number.
  EXPECT_EQ(store_->Get("INS-2026-0001")->id, c->id);
  EXPECT_EQ(store_->Get("INS-2026-0002").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("x").status().code(), StatusCode::kNotFound);
}

TEST_F(CaseStoreTest, RefusesBadFields) {
  auto bad = [&](CaseFields f) { return store_->Create(f, budi_).status(); };
  CaseFields f;
  EXPECT_EQ(bad(f).message(), "title: give a title, or alert_ids to take it from");
  f.title = "t";
  f.incident_type = "ransomware";
  EXPECT_EQ(bad(f).message(),
            "incident_type: 'ransomware' is not one of web_defacement, gambling_injection, "
            "malware, ddos, phishing, unauthorized_access, data_leak, webshell, brute_force, "
            "other");
  f.incident_type.reset();
  f.classification = "S";
  EXPECT_EQ(bad(f).code(), StatusCode::kInvalidArgument);
  f.classification = "SR";
  f.techniques = {"1110"};
  EXPECT_NE(bad(f).message().find("ATT&CK technique"), std::string::npos);
  f.techniques.reset();
  f.observables = std::vector<Observable>{{"ip", "999.1.1.1"}};
  EXPECT_EQ(bad(f).message(), "observables: '999.1.1.1' is not an IPv4 or IPv6 address");
  f.observables = std::vector<Observable>{{"hash", "abc"}};
  EXPECT_EQ(bad(f).code(), StatusCode::kInvalidArgument);
  f.observables = std::vector<Observable>{{"email", "a@b"}};
  EXPECT_EQ(bad(f).code(), StatusCode::kInvalidArgument);
  f.observables.reset();
  f.assignee = "nobody";
  EXPECT_EQ(bad(f).message(), "assignee: no user 'nobody'");
  f.assignee.reset();
  f.alert_ids = {"404"};
  EXPECT_EQ(bad(f).message(), "alert_ids: no alert '404'");
  f.alert_ids.reset();
  f.title = std::string(201, 'x');
  EXPECT_EQ(bad(f).code(), StatusCode::kInvalidArgument);
  // Nothing was stored, and no number was used up.
  EXPECT_EQ(store_->List({})->total, 0);
  EXPECT_EQ(Open("ok").number, "INS-2026-0001");
}

TEST_F(CaseStoreTest, NumbersRunPerYear) {
  EXPECT_EQ(Open("a").number, "INS-2026-0001");
  EXPECT_EQ(Open("b").number, "INS-2026-0002");
  clock_.Set(*MakeTime(2027, 1, 1, 0, 0, 0));
  EXPECT_EQ(Open("c").number, "INS-2027-0001");
  clock_.Set(*MakeTime(2026, 12, 31, 23, 59, 59));  // a clock set back does not reuse numbers
  EXPECT_EQ(Open("d").number, "INS-2026-0003");
}

// Two stores (two connections, as two processes would have) and several threads each: every
// number from 1 to N exactly once.
TEST_F(CaseStoreTest, ConcurrentCreatesGiveEveryNumberOnce) {
  auto other = CaseStore::Open(dir_.string(), clock_);
  ASSERT_TRUE(other.ok());
  constexpr int kThreads = 4, kEach = 15;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<std::string> numbers;
  for (int t = 0; t < kThreads; ++t) {
    CaseStore& s = t % 2 ? **other : *store_;
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        CaseFields f;
        f.title = "case " + std::to_string(t) + "-" + std::to_string(i);
        auto c = s.Create(f, budi_);
        ASSERT_TRUE(c.ok()) << c.status().ToString();
        std::lock_guard lock(mu);
        numbers.push_back(c->number);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::sort(numbers.begin(), numbers.end());
  ASSERT_EQ(numbers.size(), static_cast<size_t>(kThreads * kEach));
  for (int i = 0; i < kThreads * kEach; ++i) {
    EXPECT_EQ(numbers[i], fmt::format("INS-2026-{:04}", i + 1));
  }
}

TEST_F(CaseStoreTest, OpensACaseFromAlerts) {
  const std::string a1 = MakeAlert("ssh-brute", "high");
  const std::string a2 = MakeAlert("ssh-user", "low");
  CaseFields f;
  f.alert_ids = {a1, a2};
  auto c = store_->Create(f, budi_);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->title, "SSH brute force");
  EXPECT_EQ(c->source, "detection");
  EXPECT_EQ(c->risk_level, "high");
  EXPECT_EQ(c->techniques, (std::vector<std::string>{"T1110.001"}));
  EXPECT_EQ(c->observables, (std::vector<Observable>{{"ip", "203.0.113.9"}, {"account", "root"}}));
  EXPECT_EQ(c->alert_ids, (std::vector<std::string>{a1, a2}));
  auto alert = alerts_->Get(a1);
  EXPECT_EQ(alert->status, "acknowledged");
  EXPECT_EQ(alert->case_id, c->id);
  EXPECT_NE(alert->ToJson().find(R"("case_id":")" + c->id + "\""), std::string::npos);

  // An alert works in one open case at a time.
  CaseFields again;
  again.alert_ids = {a1};
  auto twice = store_->Create(again, budi_);
  EXPECT_EQ(twice.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(twice.status().message(),
            "alert_ids: alert " + a1 + " is already in case INS-2026-0001 (triage)");

  // Unlinking frees it; the case's list follows.
  CaseFields change;
  change.alert_ids = std::vector<std::string>{a2};
  auto changed = store_->Update(c->id, change, budi_);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(changed->alert_ids, (std::vector<std::string>{a2}));
  EXPECT_EQ(alerts_->Get(a1)->case_id, "");
  EXPECT_TRUE(store_->Create(again, budi_).ok());
}

TEST_F(CaseStoreTest, UpdatesFieldsUntilClosed) {
  ASSERT_TRUE(Users::Open(dir_.string(), clock_)
                  .value()
                  ->Add("budi", Role::kAnalyst, "kata-sandi-analis", "admin")
                  .ok());
  Case c = Open("Situs judi online di subdomain");
  CaseFields f;
  f.incident_type = "gambling_injection";
  f.risk_level = "very_high";
  f.assignee = "budi";
  f.description = "Konten judi di /wp-content/";
  clock_.Advance(kMinute);
  auto changed = store_->Update(c.id, f, budi_);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(changed->incident_type, "gambling_injection");
  EXPECT_EQ(changed->risk_level, "very_high");
  EXPECT_EQ(changed->assignee, "budi");
  EXPECT_EQ(changed->title, "Situs judi online di subdomain");
  EXPECT_EQ(changed->updated, clock_.Now());
  f = {};
  f.assignee = "";
  EXPECT_EQ(store_->Update(c.id, f, budi_)->assignee, "");
  EXPECT_EQ(store_->Update(c.id, {}, budi_).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Update("99", f, budi_).status().code(), StatusCode::kNotFound);
}

TEST_F(CaseStoreTest, ConfirmedIncidentEndToEnd) {
  const std::string alert = MakeAlert();
  CaseFields f;
  f.alert_ids = {alert};
  Case c = *store_->Create(f, budi_);
  ASSERT_TRUE(Act(c, CaseAction::kInvestigate, budi_).ok());
  ASSERT_TRUE(Act(c, CaseAction::kAssess, budi_).ok());
  // Reporting needs the verdict.
  EXPECT_EQ(Act(c, CaseAction::kReport, budi_).status().code(), StatusCode::kFailedPrecondition);
  auto judged =
      store_->SetVerdict(c.id, Verdict::kConfirmed, "PoC: login as root succeeded", budi_);
  ASSERT_TRUE(judged.ok()) << judged.status().ToString();
  EXPECT_EQ(judged->workflow.verdict, Verdict::kConfirmed);
  EXPECT_EQ(judged->workflow.report_authors, (std::vector<std::string>{"budi"}));
  ASSERT_TRUE(Act(c, CaseAction::kReport, budi_).ok());
  ASSERT_TRUE(Act(c, CaseAction::kSubmit, budi_).ok());
  // The coordinator sends it back once, with a comment.
  EXPECT_EQ(Act(c, CaseAction::kReturn, siti_).status().code(), StatusCode::kInvalidArgument);
  auto back = Act(c, CaseAction::kReturn, siti_, "Lengkapi kronologi");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->workflow.state, CaseState::kReporting);
  ASSERT_TRUE(Act(c, CaseAction::kSubmit, budi_).ok());
  ASSERT_TRUE(Act(c, CaseAction::kVerify, siti_).ok());
  EXPECT_EQ(Act(c, CaseAction::kApprove, budi_).status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(Act(c, CaseAction::kApprove, kadis_).ok());
  ASSERT_TRUE(Act(c, CaseAction::kNotify, budi_).ok());
  auto closed = Act(c, CaseAction::kClose, budi_);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();

  // Read back from the file, by a new store.
  store_.reset();
  store_ = std::move(CaseStore::Open(dir_.string(), clock_).value());
  auto read = store_->Get(c.id);
  ASSERT_TRUE(read.ok());
  const CaseSnapshot& w = read->workflow;
  EXPECT_EQ(w.state, CaseState::kClosed);
  EXPECT_EQ(w.verified_by, "siti");
  EXPECT_EQ(w.approved_by, "kadis");
  std::vector<std::string> path;
  for (const StateEntry& e : w.history) path.emplace_back(CaseStateName(e.state));
  EXPECT_EQ(path, (std::vector<std::string>{"triage", "investigating", "assessing", "reporting",
                                            "submitted", "reporting", "submitted", "verified",
                                            "approved", "notified", "closed"}));
  EXPECT_EQ(w.history[5].comment, "Lengkapi kronologi");
  EXPECT_EQ(w.history[5].actor, "siti");
  EXPECT_EQ(w.history[5].action, CaseAction::kReturn);
  EXPECT_EQ(w.history[5].standard_minutes, 24 * 60);
  EXPECT_EQ(w.history[7].standard_minutes, 5);
  EXPECT_FALSE(w.history.back().left_at.has_value());
  for (size_t i = 0; i + 1 < w.history.size(); ++i) {
    EXPECT_EQ(w.history[i].left_at, w.history[i + 1].entered_at);
  }
  EXPECT_EQ(Act(c, CaseAction::kClose, budi_).status().code(), StatusCode::kFailedPrecondition);
  CaseFields change;
  change.title = "late";
  EXPECT_EQ(store_->Update(c.id, change, budi_).status().message(),
            "case INS-2026-0001 is closed and no longer changes");
  auto a = alerts_->Get(alert);
  EXPECT_EQ(a->status, "closed");
  EXPECT_FALSE(a->false_positive);
}

TEST_F(CaseStoreTest, FalsePositiveClosesAfterVerification) {
  const std::string alert = MakeAlert();
  CaseFields f;
  f.alert_ids = {alert};
  Case c = *store_->Create(f, budi_);
  ASSERT_TRUE(Act(c, CaseAction::kInvestigate, budi_).ok());
  ASSERT_TRUE(store_->SetVerdict(c.id, Verdict::kFalsePositive, "VA tim sendiri", budi_).ok());
  ASSERT_TRUE(Act(c, CaseAction::kAssess, budi_).ok());
  ASSERT_TRUE(Act(c, CaseAction::kReport, budi_).ok());
  ASSERT_TRUE(Act(c, CaseAction::kSubmit, budi_).ok());
  // Separation of duties: a coordinator who had set the verdict may not verify.
  ASSERT_TRUE(Act(c, CaseAction::kReturn, siti_, "ulang").ok());
  ASSERT_TRUE(store_->SetVerdict(c.id, Verdict::kFalsePositive, "VA tim sendiri", siti_).ok());
  ASSERT_TRUE(Act(c, CaseAction::kSubmit, budi_).ok());
  auto self = Act(c, CaseAction::kVerify, siti_);
  EXPECT_EQ(self.status().code(), StatusCode::kFailedPrecondition);
  const Actor rina{"rina", Role::kCoordinator};
  ASSERT_TRUE(Act(c, CaseAction::kVerify, rina).ok());
  EXPECT_EQ(Act(c, CaseAction::kApprove, kadis_).status().code(), StatusCode::kFailedPrecondition);
  auto closed = Act(c, CaseAction::kClose, rina);
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(closed->workflow.state, CaseState::kClosed);
  EXPECT_EQ(closed->workflow.approved_by, "");
  auto a = alerts_->Get(alert);
  EXPECT_EQ(a->status, "closed");
  EXPECT_TRUE(a->false_positive);
  EXPECT_EQ(a->false_positive_reason, "INS-2026-0001: VA tim sendiri");
}

TEST_F(CaseStoreTest, FailedMovesChangeNothing) {
  Case c = Open("x");
  const TimeNs before = store_->Get(c.id)->updated;
  EXPECT_EQ(Act(c, CaseAction::kVerify, siti_).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Act(c, CaseAction::kInvestigate, kadis_).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(store_->SetVerdict(c.id, Verdict::kConfirmed, "x", budi_).status().code(),
            StatusCode::kFailedPrecondition);
  auto now = store_->Get(c.id);
  EXPECT_EQ(now->updated, before);
  EXPECT_EQ(now->workflow.history.size(), 1u);
  EXPECT_EQ(store_->Act("77", CaseAction::kInvestigate, "", budi_).status().code(),
            StatusCode::kNotFound);
}

TEST_F(CaseStoreTest, ListsWithFiltersAndPages) {
  ASSERT_TRUE(Users::Open(dir_.string(), clock_)
                  .value()
                  ->Add("budi", Role::kAnalyst, "kata-sandi-analis", "admin")
                  .ok());
  for (int i = 0; i < 5; ++i) Open("case " + std::to_string(i));
  const Case first = *store_->Get("1");
  ASSERT_TRUE(Act(first, CaseAction::kInvestigate, budi_).ok());
  CaseFields f;
  f.assignee = "budi";
  ASSERT_TRUE(store_->Update("2", f, budi_).ok());

  CaseQuery q;
  q.states = {"investigating"};
  auto page = store_->List(q);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 1);
  EXPECT_EQ(page->items[0].number, "INS-2026-0001");
  q = {};
  q.assignee = "budi";
  EXPECT_EQ(store_->List(q)->items.at(0).id, "2");
  q = {};
  q.states = {"open"};
  EXPECT_EQ(store_->List(q).status().code(), StatusCode::kInvalidArgument);

  // Triage's standard is 180 minutes; case 1 moved on a minute in and has a day.
  clock_.Advance(181 * kMinute);
  q = {};
  q.overdue = true;
  page = store_->List(q);
  EXPECT_EQ(page->total, 4);
  q.overdue = false;
  EXPECT_EQ(store_->List(q)->items.at(0).id, "1");
  const std::string json = page->items[0].ToJson(clock_.Now(), false);
  EXPECT_NE(json.find(R"("overdue":true)"), std::string::npos) << json;
  EXPECT_EQ(json.find(R"("history")"), std::string::npos) << json;

  q = {};
  q.limit = 2;
  std::vector<std::string> seen;
  for (int guard = 0; guard < 5; ++guard) {
    auto p = store_->List(q);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->total, 5);
    for (const Case& c : p->items) seen.push_back(c.id);
    if (p->next_cursor.empty()) break;
    q.cursor = p->next_cursor;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"5", "4", "3", "2", "1"}));
}

}  // namespace
}  // namespace pantau

namespace pantau {
namespace {

TEST_F(CaseStoreTest, TimeStandardsAreEditableAndApplyToStepsEnteredAfter) {
  auto standards = store_->TimeStandards();
  ASSERT_TRUE(standards.ok()) << standards.status().ToString();
  ASSERT_EQ(standards->size(), 8u);
  for (const TimeStandard& t : *standards) {
    EXPECT_EQ(t.minutes, DefaultStandardMinutes(t.state)) << CaseStateName(t.state);
    EXPECT_EQ(t.updated_by, "");
  }
  EXPECT_EQ(TimeStandardsJson(*standards).substr(0, 111),
            R"({"items":[{"state":"triage","minutes":180,"default_minutes":180,"updated_by":null,)"
            R"("updated":null},{"state":"inv)");

  const Case before = Open("opened under the old standard");
  clock_.Advance(kMinute);
  const std::pair<CaseState, int64_t> change[] = {{CaseState::kTriage, 30},
                                                  {CaseState::kInvestigating, 600}};
  auto set = store_->SetTimeStandards(change, "admin");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->at(0).minutes, 30);
  EXPECT_EQ(set->at(0).updated_by, "admin");
  EXPECT_EQ(set->at(0).updated, clock_.Now());
  EXPECT_EQ(set->at(2).minutes, 2880);  // not named, not changed

  const Case after = Open("opened under the new standard");
  EXPECT_EQ(after.workflow.history[0].standard_minutes, 30);
  clock_.Advance(31 * kMinute);
  EXPECT_TRUE(ComputeSla(store_->Get(after.id)->workflow.history, clock_.Now()).overdue);
  EXPECT_FALSE(ComputeSla(store_->Get(before.id)->workflow.history, clock_.Now()).overdue);
  CaseQuery q;
  q.overdue = true;
  EXPECT_EQ(store_->List(q)->total, 1);
  // The old case's next step takes the new standard.
  auto moved = Act(before, CaseAction::kInvestigate, budi_);
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->workflow.history.back().standard_minutes, 600);

  // All or none, within bounds, and no standard for closed.
  const std::pair<CaseState, int64_t> bad[] = {{CaseState::kTriage, 60}, {CaseState::kVerified, 0}};
  EXPECT_EQ(store_->SetTimeStandards(bad, "admin").status().message(),
            "verified: minutes from 1 to 527040 (a year)");
  EXPECT_EQ(store_->TimeStandards()->at(0).minutes, 30);
  const std::pair<CaseState, int64_t> closed[] = {{CaseState::kClosed, 5}};
  EXPECT_EQ(store_->SetTimeStandards(closed, "admin").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetTimeStandards({}, "admin").status().code(), StatusCode::kInvalidArgument);
}

// The SOP's quality measure: per step, the share kept within its standard and the median time.
TEST_F(CaseStoreTest, ComplianceCountsStepsEndedInThePeriod) {
  constexpr TimeNs kHour = 60 * kMinute;
  const TimeNs start = clock_.Now();
  // Two cases: one investigated within the triage standard (180 min), one three hours later.
  Case fast = Open("cepat");
  Case slow = Open("lambat");
  ASSERT_TRUE(Act(fast, CaseAction::kInvestigate, budi_).ok());  // triage took 1 min
  clock_.Advance(4 * kHour);
  ASSERT_TRUE(Act(slow, CaseAction::kInvestigate, budi_).ok());  // 4 h 2 min: late
  Case idle = Open("diam");                                      // triage still running ...
  clock_.Advance(4 * kHour);                                     // ... and late by now
  auto report = store_->Compliance(start, clock_.Now());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_FALSE(report->empty());
  const StepCompliance& triage = report->front();
  EXPECT_EQ(triage.state, CaseState::kTriage);
  EXPECT_EQ(triage.steps, 2);
  EXPECT_EQ(triage.on_time, 1);
  EXPECT_EQ(triage.open_overdue, 1);
  // The median of two is the later of the middle pair.
  EXPECT_EQ(triage.median_spent, 4 * kHour + 2 * kMinute);
  // Investigations are running, not late (a day's standard).
  EXPECT_EQ((*report)[1].steps, 0);
  EXPECT_EQ((*report)[1].open_overdue, 0);
  // A period before it all holds nothing.
  auto before = store_->Compliance(start - kNsPerDay, start);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->front().steps, 0);
}

}  // namespace
}  // namespace pantau
