// What the case store writes to the audit trail; the chain itself is tested in auth/audit_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "auth/audit.h"
#include "auth/secrets.h"
#include "cases/cases.h"
#include "core/time.h"

namespace pantau {
namespace {

constexpr TimeNs kMinute = 60 * kNsPerSecond;

class CaseAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_case_audit_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto s = CaseStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Three entries: a case opened, investigated, changed.
  void MakeEntries() {
    CaseFields f;
    f.title = "Webshell di server aplikasi";
    auto c = store_->Create(f, budi_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    clock_.Advance(kMinute);
    ASSERT_TRUE(store_->Act(c->id, CaseAction::kInvestigate, "", budi_).ok());
    clock_.Advance(kMinute);
    CaseFields change;
    change.incident_type = "webshell";
    ASSERT_TRUE(store_->Update(c->id, change, budi_).ok());
  }

  AuditVerification Verify() {
    auto v = VerifyAuditFile(dir_.string());
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : AuditVerification{};
  }

  std::filesystem::path dir_;
  ManualClock clock_{*MakeTime(2026, 3, 1, 0, 0, 0)};
  std::unique_ptr<CaseStore> store_;
  const Actor budi_{"budi", Role::kAnalyst};
};

TEST_F(CaseAuditTest, EachEntryChainsTheOneBefore) {
  MakeEntries();
  auto history = store_->History("1");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 3u);
  const AuditEntry& created = (*history)[0];
  EXPECT_EQ(created.seq, 1);
  EXPECT_EQ(created.actor, "budi");
  EXPECT_EQ(created.action, "case.create");
  EXPECT_EQ(created.object, "case:1");
  EXPECT_EQ(created.prev_hash, kAuditGenesis);
  EXPECT_EQ(created.hash, Sha256Hex(std::string(kAuditGenesis) + AuditCanonical(created)));
  EXPECT_NE(created.details_json.find(R"("number":"INS-2026-0001")"), std::string::npos);
  EXPECT_NE(created.details_json.find(R"("title":"Webshell di server aplikasi")"),
            std::string::npos);
  EXPECT_TRUE(AuditCanonical(created).starts_with(
      R"({"seq":1,"time":1772323200000000000,"actor":"budi","action":"case.create",)"
      R"("object":"case:1","details":{"fields":{)"))
      << AuditCanonical(created);
  const AuditEntry& moved = (*history)[1];
  EXPECT_EQ(moved.action, "case.investigate");
  EXPECT_EQ(moved.prev_hash, created.hash);
  EXPECT_EQ(moved.details_json,
            R"({"comment":"","from":"triage","number":"INS-2026-0001","role":"analyst",)"
            R"("to":"investigating"})");
  const AuditEntry& changed = (*history)[2];
  EXPECT_EQ(changed.action, "case.update");
  EXPECT_NE(
      changed.details_json.find(R"("changes":{"incident_type":{"from":"other","to":"webshell"}})"),
      std::string::npos)
      << changed.details_json;
  const std::string json = changed.ToJson();
  EXPECT_NE(json.find(R"({"seq":3,"time":"2026-03-01T00:02:00Z","actor":"budi",)"),
            std::string::npos)
      << json;

  const AuditVerification v = Verify();
  EXPECT_EQ(v.entries, 3);
  EXPECT_EQ(v.last_seq, 3);
  EXPECT_EQ(v.last_hash, changed.hash);
  EXPECT_FALSE(v.broken_seq.has_value()) << v.problem;
  EXPECT_TRUE(v.triggers_present);
}

TEST_F(CaseAuditTest, FailedChangesWriteNoEntry) {
  MakeEntries();
  EXPECT_FALSE(store_->Act("1", CaseAction::kVerify, "", {"siti", Role::kCoordinator}).ok());
  CaseFields bad;
  bad.assignee = "nobody";
  EXPECT_FALSE(store_->Update("1", bad, budi_).ok());
  EXPECT_EQ(store_->History("1")->size(), 3u);
  EXPECT_EQ(store_->History("2").status().code(), StatusCode::kNotFound);
  // The time standards' changes are recorded too.
  const std::pair<CaseState, int64_t> change[] = {{CaseState::kTriage, 60}};
  ASSERT_TRUE(store_->SetTimeStandards(change, "admin").ok());
  const AuditVerification v = Verify();
  EXPECT_EQ(v.entries, 4);
  EXPECT_FALSE(v.broken_seq.has_value());
}

}  // namespace
}  // namespace pantau
