#include "assess/assessment_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "auth/audit.h"
#include "cases/cases.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

const Actor kAnalyst{"budi", Role::kAnalyst};
const Actor kCoordinator{"siti", Role::kCoordinator};
constexpr TimeNs kStart = 1'772'323'200LL * kNsPerSecond;  // 2026-03-01T00:00:00Z

class AssessmentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_assessment_store_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto cases = CaseStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(cases.ok()) << cases.status().ToString();
    cases_ = std::move(*cases);
    CaseFields fields;
    fields.title = "Judi online di portal";
    auto c = cases_->Create(fields, kAnalyst);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    case_ = *c;
    auto store = AssessmentStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<AuditEntry> Audit() {
    auto db = sqlite::OpenMainDb(dir_.string());
    return *ReadAuditOf(*db, "case:" + case_.id);
  }
  NewRun Nmap() {
    NewRun r;
    r.case_id = case_.number;
    r.system_id = "3";
    r.system_name = "Portal Kukar";
    r.kind = "nmap";
    r.targets = {"192.0.2.10"};
    r.ports = "80,443";
    r.command = "nmap -sV -Pn -oX - --host-timeout 120s -p 80,443 192.0.2.10";
    return r;
  }

  std::filesystem::path dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<CaseStore> cases_;
  Case case_;
  std::unique_ptr<AssessmentStore> store_;
};

TEST_F(AssessmentStoreTest, RunFromStartToEndWithFindingsAndAudit) {
  auto run = store_->CreateRun(Nmap(), kAnalyst);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->id, "1");
  EXPECT_EQ(run->status, "running");
  EXPECT_EQ(run->case_number, case_.number);
  EXPECT_EQ(run->started_by, "budi");
  EXPECT_EQ(run->started, kStart);
  EXPECT_EQ(run->ended, 0);

  clock_.Advance(60 * kNsPerSecond);
  RunOutcome outcome;
  outcome.status = "done";
  outcome.tool_version = "nmap 7.93";
  NewFinding open_port;
  open_port.title = "Open port 80/tcp: http";
  open_port.target = "192.0.2.10:80/tcp";
  NewFinding vuln;
  vuln.title = "Path traversal";
  vuln.severity = "critical";
  vuln.cves = {"CVE-2021-41773"};
  vuln.cvss = 9.8;
  outcome.findings = {open_port, vuln};
  auto ended = store_->FinishRun(run->id, outcome);
  ASSERT_TRUE(ended.ok()) << ended.status().ToString();
  EXPECT_EQ(ended->status, "done");
  EXPECT_EQ(ended->ended, kStart + 60 * kNsPerSecond);
  EXPECT_EQ(ended->tool_version, "nmap 7.93");
  ASSERT_EQ(ended->findings.size(), 2u);
  EXPECT_EQ(ended->findings[1].found.cves, std::vector<std::string>{"CVE-2021-41773"});
  EXPECT_EQ(ended->findings[1].status, "open");
  const nlohmann::json j = nlohmann::json::parse(ended->ToJson());
  EXPECT_EQ(j["findings"][1]["cvss"], 9.8);
  EXPECT_EQ(j["findings"][0]["cvss"], nullptr);
  EXPECT_EQ(j["ended"], "2026-03-01T00:01:00Z");
  EXPECT_EQ(j["evidence_id"], nullptr);

  // Ended: neither cancelled nor ended again.
  EXPECT_EQ(store_->RequestCancel(run->id, kAnalyst).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->FinishRun(run->id, outcome).status().code(), StatusCode::kFailedPrecondition);

  // People set the findings' status; a false positive says why.
  const std::string fid = ended->findings[1].id;
  EXPECT_EQ(store_->UpdateFinding(fid, "false_positive", " ", kCoordinator).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->UpdateFinding(fid, "gone", "", kCoordinator).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->UpdateFinding("99", "fixed", "", kCoordinator).status().code(),
            StatusCode::kNotFound);
  auto confirmed =
      store_->UpdateFinding(fid, "confirmed", "PoC: /cgi-bin/.%2e/etc/passwd", kCoordinator);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().ToString();
  EXPECT_EQ(confirmed->status, "confirmed");
  EXPECT_EQ(confirmed->updated_by, "siti");

  auto runs = store_->ListRuns(case_.id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].findings[1].status, "confirmed");

  std::vector<std::string> actions;
  for (const AuditEntry& e : Audit()) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"case.create", "assessment.start",
                                               "assessment.finish", "finding.update"}));
  const auto audit = Audit();
  const nlohmann::json start = nlohmann::json::parse(audit[1].details_json);
  EXPECT_EQ(start["command"], Nmap().command);
  EXPECT_EQ(start["system"], "3");
  const nlohmann::json update = nlohmann::json::parse(audit[3].details_json);
  EXPECT_EQ(update["from"], "open");
  EXPECT_EQ(update["to"], "confirmed");
  EXPECT_EQ(audit[3].actor, "siti");
}

TEST_F(AssessmentStoreTest, CancelAndRunsLeftByAStoppedServer) {
  auto first = store_->CreateRun(Nmap(), kAnalyst);
  auto second = store_->CreateRun(Nmap(), kAnalyst);
  ASSERT_TRUE(first.ok() && second.ok());
  auto asked = store_->RequestCancel(first->id, kCoordinator);
  ASSERT_TRUE(asked.ok()) << asked.status().ToString();
  EXPECT_EQ(asked->status, "running");
  EXPECT_EQ(asked->cancel_requested_by, "siti");
  RunOutcome cancelled;
  cancelled.status = "cancelled";
  EXPECT_EQ(store_->FinishRun(first->id, cancelled)->status, "cancelled");
  // A server that stops during a run: the next one fails it.
  auto failed = store_->FailInterruptedRuns();
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(*failed, 1);
  auto second_now = store_->GetRun(second->id);
  EXPECT_EQ(second_now->status, "failed");
  EXPECT_NE(second_now->message.find("the server stopped"), std::string::npos);
  EXPECT_EQ(store_->GetRun("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ListRuns("INS-1999-0001").status().code(), StatusCode::kNotFound);
}

TEST_F(AssessmentStoreTest, NoRunOnAClosedOrUnknownCase) {
  NewRun r = Nmap();
  r.case_id = "42";
  EXPECT_EQ(store_->CreateRun(r, kAnalyst).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace pantau
