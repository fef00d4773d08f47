#include "cases/audit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "auth/secrets.h"
#include "cases/cases.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr TimeNs kMinute = 60 * kNsPerSecond;

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pantau_audit_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto s = CaseStore::Open(dir_.string(), clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Another connection to the file, as someone with the file in hand would have.
  sqlite::Db Raw() {
    return std::move(sqlite::Db::Open(dir_.string() + "/pantau.db", false).value());
  }

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

TEST_F(AuditTest, EachEntryChainsTheOneBefore) {
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

TEST_F(AuditTest, FailedChangesWriteNoEntry) {
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

TEST_F(AuditTest, TheTableRefusesChanges) {
  MakeEntries();
  sqlite::Db db = Raw();
  const Status update = db.Exec("UPDATE audit_log SET actor = 'siti' WHERE seq = 2");
  EXPECT_NE(update.message().find("the audit log is append-only"), std::string::npos);
  EXPECT_FALSE(db.Exec("DELETE FROM audit_log WHERE seq = 2").ok());
  EXPECT_FALSE(Verify().broken_seq.has_value());
}

TEST_F(AuditTest, AChangedEntryIsNamed) {
  MakeEntries();
  sqlite::Db db = Raw();
  ASSERT_TRUE(db.Exec("DROP TRIGGER audit_log_no_update").ok());
  ASSERT_TRUE(db.Exec("UPDATE audit_log SET actor = 'siti' WHERE seq = 2").ok());
  const AuditVerification v = Verify();
  EXPECT_EQ(v.broken_seq, 2);
  EXPECT_EQ(v.problem,
            "entry 2 (siti case.investigate on case:1 at 2026-03-01T00:01:00Z) does not match its "
            "hash: changed after it was written");
  EXPECT_EQ(v.entries, 1);
  EXPECT_FALSE(v.triggers_present);
}

TEST_F(AuditTest, ADeletedEntryIsNamed) {
  MakeEntries();
  sqlite::Db db = Raw();
  ASSERT_TRUE(db.Exec("DROP TRIGGER audit_log_no_delete").ok());
  ASSERT_TRUE(db.Exec("DELETE FROM audit_log WHERE seq = 2").ok());
  const AuditVerification v = Verify();
  EXPECT_EQ(v.broken_seq, 2);
  EXPECT_EQ(v.problem, "entry 2 is missing: entry 3 follows entry 1 (deleted)");
}

// Whoever rewrites an entry with a hash that fits its new content still breaks the link to the
// next entry.
TEST_F(AuditTest, AReplacedEntryBreaksTheNextLink) {
  MakeEntries();
  auto history = store_->History("1");
  AuditEntry forged = (*history)[1];
  forged.actor = "siti";
  forged.hash = AuditHash(forged);
  sqlite::Db db = Raw();
  ASSERT_TRUE(db.Exec("DROP TRIGGER audit_log_no_update").ok());
  ASSERT_TRUE(
      db.Exec("UPDATE audit_log SET actor = 'siti', hash = '" + forged.hash + "' WHERE seq = 2")
          .ok());
  const AuditVerification v = Verify();
  EXPECT_EQ(v.broken_seq, 3);
  EXPECT_NE(v.problem.find("entry 3 does not follow entry 2"), std::string::npos) << v.problem;
}

TEST_F(AuditTest, NoDatabaseIsNotFound) {
  EXPECT_EQ(VerifyAuditFile((dir_ / "nothing").string()).status().code(), StatusCode::kNotFound);
  // An empty trail is intact.
  const AuditVerification v = Verify();
  EXPECT_EQ(v.entries, 0);
  EXPECT_EQ(v.last_hash, kAuditGenesis);
  EXPECT_FALSE(v.broken_seq.has_value());
}

}  // namespace
}  // namespace pantau
