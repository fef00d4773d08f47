#include "auth/audit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "auth/secrets.h"
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
    auto db = sqlite::OpenMainDb(dir_.string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Another connection to the file, as someone with the file in hand would have.
  sqlite::Db Raw() {
    return std::move(sqlite::Db::Open(dir_.string() + "/pantau.db", false).value());
  }

  AuditEntry Append(std::string_view actor, std::string_view action, std::string_view object,
                    std::string details) {
    auto e = sqlite::InWriteTransaction(
        db_, [&] { return AppendAudit(db_, time_, actor, action, object, std::move(details)); });
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    time_ += kMinute;
    return e.ok() ? *e : AuditEntry{};
  }

  // Three entries: an account created and changed, and a case opened.
  void MakeEntries() {
    Append("cli:root", "user.create", "user:budi", R"({"role":"analyst"})");
    Append("admin", "user.update", "user:budi", R"({"role":{"from":"analyst","to":"head"}})");
    Append("budi", "case.create", "case:1", R"({"number":"INS-2026-0001"})");
  }

  AuditVerification Verify() {
    auto v = VerifyAuditFile(dir_.string());
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : AuditVerification{};
  }

  std::filesystem::path dir_;
  sqlite::Db db_;
  TimeNs time_ = *MakeTime(2026, 3, 1, 0, 0, 0);
};

TEST_F(AuditTest, EachEntryChainsTheOneBefore) {
  MakeEntries();
  auto trail = ReadAuditOf(db_, "user:budi");
  ASSERT_TRUE(trail.ok()) << trail.status().ToString();
  ASSERT_EQ(trail->size(), 2u);
  const AuditEntry& created = (*trail)[0];
  EXPECT_EQ(created.seq, 1);
  EXPECT_EQ(created.actor, "cli:root");
  EXPECT_EQ(created.prev_hash, kAuditGenesis);
  EXPECT_EQ(created.hash, Sha256Hex(std::string(kAuditGenesis) + AuditCanonical(created)));
  EXPECT_EQ(AuditCanonical(created),
            R"({"seq":1,"time":1772323200000000000,"actor":"cli:root","action":"user.create",)"
            R"("object":"user:budi","details":{"role":"analyst"}})");
  const AuditEntry& changed = (*trail)[1];
  EXPECT_EQ(changed.seq, 2);
  EXPECT_EQ(changed.prev_hash, created.hash);
  EXPECT_EQ(changed.ToJson(),
            R"({"seq":2,"time":"2026-03-01T00:01:00Z","actor":"admin","action":"user.update",)"
            R"("object":"user:budi","details":{"role":{"from":"analyst","to":"head"}},)"
            R"("prev_hash":")" +
                created.hash + R"(","hash":")" + changed.hash + R"("})");

  auto cases = ReadAuditOf(db_, "case:1");
  ASSERT_EQ(cases->size(), 1u);
  EXPECT_EQ((*cases)[0].prev_hash, changed.hash);
  const AuditVerification v = Verify();
  EXPECT_EQ(v.entries, 3);
  EXPECT_EQ(v.last_seq, 3);
  EXPECT_EQ(v.last_hash, (*cases)[0].hash);
  EXPECT_FALSE(v.broken_seq.has_value()) << v.problem;
  EXPECT_TRUE(v.triggers_present);
}

// An append rolled back with the change it records leaves no entry and no gap.
TEST_F(AuditTest, ARolledBackAppendLeavesNothing) {
  MakeEntries();
  auto failed = sqlite::InWriteTransaction(db_, [&]() -> Result<AuditEntry> {
    RETURN_IF_ERROR(
        AppendAudit(db_, time_, "admin", "user.create", "user:siti", std::string("{}")).status());
    return AlreadyExists("a user named 'siti' exists");
  });
  EXPECT_EQ(failed.status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(ReadAuditOf(db_, "user:siti")->empty());
  EXPECT_EQ(Append("admin", "user.create", "user:siti", "{}").seq, 4);
  EXPECT_EQ(Verify().entries, 4);
}

// A details text that is not a JSON object (someone edited the file) is shown as null.
TEST_F(AuditTest, BrokenDetailsShowAsNull) {
  AuditEntry e;
  e.details_json = "{broken";
  EXPECT_NE(e.ToJson().find(R"("details":null)"), std::string::npos) << e.ToJson();
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
            "entry 2 (siti user.update on user:budi at 2026-03-01T00:01:00Z) does not match its "
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
  AuditEntry forged = (*ReadAuditOf(db_, "user:budi"))[1];
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
