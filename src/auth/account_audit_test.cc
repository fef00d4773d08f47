// Every change of an account writes one entry in the audit trail, in the change's transaction,
// with what changed and never a secret; logins and failed changes write none.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "auth/api_keys.h"
#include "auth/audit.h"
#include "auth/totp.h"
#include "auth/users.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

class AccountAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_account_audit_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto u = Users::Open(dir_.string(), clock_);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    users_ = std::move(*u);
    auto k = ApiKeys::Open(dir_.string(), clock_);
    ASSERT_TRUE(k.ok()) << k.status().ToString();
    keys_ = std::move(*k);
    db_ = std::move(*sqlite::OpenMainDb(dir_.string()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<AuditEntry> Trail(std::string_view object) {
    auto trail = ReadAuditOf(db_, object);
    EXPECT_TRUE(trail.ok()) << trail.status().ToString();
    return trail.ok() ? *trail : std::vector<AuditEntry>{};
  }
  nlohmann::json Details(const AuditEntry& e) { return nlohmann::json::parse(e.details_json); }

  // The chain as a whole: intact, and holding `entries` entries.
  void ExpectChain(int64_t entries) {
    auto v = VerifyAuditFile(dir_.string());
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_FALSE(v->broken_seq) << v->problem;
    EXPECT_EQ(v->entries, entries);
  }

  std::filesystem::path dir_;
  ManualClock clock_{1'795'000'000'000'000'000};
  std::unique_ptr<Users> users_;
  std::unique_ptr<ApiKeys> keys_;
  sqlite::Db db_;
};

TEST_F(AccountAuditTest, UserCreate) {
  ASSERT_TRUE(users_->Add("budi", Role::kAnalyst, "kata-sandi-panjang", "admin").ok());
  const auto trail = Trail("user:budi");
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].action, "user.create");
  EXPECT_EQ(trail[0].actor, "admin");
  EXPECT_EQ(trail[0].time, clock_.Now());
  EXPECT_EQ(trail[0].details_json, R"({"role":"analyst"})");
  // Refused: no entry.
  EXPECT_FALSE(users_->Add("budi", Role::kHead, "kata-sandi-panjang", "admin").ok());
  EXPECT_FALSE(users_->Add("siti", Role::kHead, "pendek", "admin").ok());
  EXPECT_EQ(Trail("user:budi").size(), 1u);
  EXPECT_TRUE(Trail("user:siti").empty());
  ExpectChain(1);
}

TEST_F(AccountAuditTest, FirstAdminIsBySystem) {
  auto password = users_->EnsureAdmin();
  ASSERT_TRUE(password.ok() && password->has_value());
  const auto trail = Trail("user:admin");
  ASSERT_EQ(trail.size(), 1u);
  EXPECT_EQ(trail[0].actor, "system");
  EXPECT_EQ(trail[0].action, "user.create");
  EXPECT_EQ(trail[0].details_json.find(**password), std::string::npos);
}

TEST_F(AccountAuditTest, UserUpdateRecordsFromAndToAndMarksThePassword) {
  ASSERT_TRUE(users_->Add("root-admin", Role::kAdmin, "kata-sandi-panjang", "cli:root").ok());
  ASSERT_TRUE(users_->Add("budi", Role::kAnalyst, "kata-sandi-panjang", "root-admin").ok());
  UserChange change;
  change.role = Role::kCoordinator;
  change.password = "kata-sandi-rahasia-baru";
  ASSERT_TRUE(users_->Update("budi", change, "root-admin").ok());
  auto trail = Trail("user:budi");
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[1].action, "user.update");
  EXPECT_EQ(trail[1].actor, "root-admin");
  EXPECT_EQ(Details(trail[1]),
            nlohmann::json::parse(
                R"({"role":{"from":"analyst","to":"coordinator"},"password_reset":true})"));
  // Neither the password nor its hash is anywhere in the trail.
  EXPECT_EQ(trail[1].details_json.find("rahasia"), std::string::npos);
  EXPECT_EQ(trail[1].details_json.find("argon"), std::string::npos);

  UserChange disable;
  disable.disabled = true;
  ASSERT_TRUE(users_->Update("budi", disable, "root-admin").ok());
  ASSERT_TRUE(users_->Disable("budi", "cli:root").ok());  // already disabled: nothing changes
  UserChange same_role;
  same_role.role = Role::kCoordinator;
  ASSERT_TRUE(users_->Update("budi", same_role, "root-admin").ok());
  ASSERT_TRUE(users_->SetPassword("budi", "kata-sandi-ketiga-ini", "cli:root").ok());
  trail = Trail("user:budi");
  ASSERT_EQ(trail.size(), 4u);
  EXPECT_EQ(trail[2].details_json, R"({"disabled":{"from":false,"to":true}})");
  EXPECT_EQ(trail[3].actor, "cli:root");
  EXPECT_EQ(trail[3].details_json, R"({"password_reset":true})");

  // The last admin stays: refused, and nothing recorded.
  UserChange demote;
  demote.role = Role::kHead;
  EXPECT_EQ(users_->Update("root-admin", demote, "root-admin").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Trail("user:root-admin").size(), 1u);
  ExpectChain(5);
}

TEST_F(AccountAuditTest, SecondFactorEnrolResetAndRequirement) {
  ASSERT_TRUE(users_->Add("budi", Role::kAnalyst, "kata-sandi-panjang", "admin").ok());
  auto enrol = users_->BeginTotp("budi");
  ASSERT_TRUE(enrol.ok());
  EXPECT_EQ(Trail("user:budi").size(), 1u);  // nothing changes until it is confirmed
  const auto key = *Base32Decode(enrol->secret);
  const std::string code = fmt::format("{:06}", TotpCode(key, clock_.Now() / 1'000'000'000 / 30));
  auto recovery = users_->ConfirmTotp("budi", code);
  ASSERT_TRUE(recovery.ok()) << recovery.status().ToString();
  auto trail = Trail("user:budi");
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[1].action, "user.totp_enrol");
  EXPECT_EQ(trail[1].actor, "budi");
  EXPECT_EQ(trail[1].details_json, R"({"recovery_codes":10})");
  EXPECT_EQ(trail[1].details_json.find(enrol->secret), std::string::npos);
  EXPECT_EQ(trail[1].details_json.find((*recovery)[0]), std::string::npos);

  ASSERT_TRUE(users_->ResetTotp("budi", "cli:root").ok());
  UserChange reset;
  reset.reset_totp = true;
  ASSERT_TRUE(users_->Update("budi", reset, "admin").ok());
  trail = Trail("user:budi");
  ASSERT_EQ(trail.size(), 4u);
  EXPECT_EQ(trail[2].action, "user.totp_reset");
  EXPECT_EQ(trail[2].actor, "cli:root");
  EXPECT_EQ(trail[2].details_json, R"({"was_enrolled":true})");
  EXPECT_EQ(trail[3].action, "user.totp_reset");
  EXPECT_EQ(trail[3].details_json, R"({"was_enrolled":false})");
  EXPECT_EQ(users_->ResetTotp("nobody", "admin").code(), StatusCode::kNotFound);

  ASSERT_TRUE(users_->RequireTotp(Role::kHead, true, "admin").ok());
  ASSERT_TRUE(users_->RequireTotp(Role::kHead, true, "admin").ok());  // as it was
  ASSERT_TRUE(users_->RequireTotp(Role::kHead, false, "cli:root").ok());
  ASSERT_TRUE(users_->RequireTotp(Role::kAnalyst, false, "admin").ok());  // as it was
  const auto head = Trail("role:head");
  ASSERT_EQ(head.size(), 2u);
  EXPECT_EQ(head[0].action, "role.require_2fa");
  EXPECT_EQ(head[0].details_json, R"({"required":{"from":false,"to":true}})");
  EXPECT_EQ(head[1].actor, "cli:root");
  EXPECT_EQ(head[1].details_json, R"({"required":{"from":true,"to":false}})");
  EXPECT_TRUE(Trail("role:analyst").empty());
  ExpectChain(6);
}

TEST_F(AccountAuditTest, ApiKeyCreateAndDisableNeverHoldTheSecret) {
  auto key = keys_->Create("rsyslog-dmz", {"ingest", "search"}, "admin");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_FALSE(keys_->Create("rsyslog-dmz", {"ingest"}, "admin").ok());
  EXPECT_FALSE(keys_->Create("x", {"root"}, "admin").ok());
  ASSERT_TRUE(keys_->Disable("rsyslog-dmz", "cli:root").ok());
  ASSERT_TRUE(keys_->Disable("rsyslog-dmz", "admin").ok());  // already: nothing changes
  EXPECT_EQ(keys_->Disable("nothing", "admin").code(), StatusCode::kNotFound);
  const auto trail = Trail("apikey:rsyslog-dmz");
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].action, "apikey.create");
  EXPECT_EQ(trail[0].actor, "admin");
  EXPECT_EQ(Details(trail[0]), nlohmann::json::parse(R"({"id":")" + key->info.id +
                                                     R"(","scopes":["ingest","search"]})"));
  EXPECT_EQ(trail[1].action, "apikey.disable");
  EXPECT_EQ(trail[1].actor, "cli:root");
  EXPECT_EQ(Details(trail[1]), nlohmann::json::parse(R"({"id":")" + key->info.id + R"("})"));
  const std::string secret_part = key->secret.substr(12);
  for (const AuditEntry& e : trail) {
    EXPECT_EQ(e.details_json.find(secret_part), std::string::npos);
  }
  EXPECT_TRUE(Trail("apikey:x").empty());
  ExpectChain(2);
}

// Logins change no account: they are in the log, not in the chain.
TEST_F(AccountAuditTest, LoginsWriteNoEntry) {
  ASSERT_TRUE(users_->Add("budi", Role::kAnalyst, "kata-sandi-panjang", "admin").ok());
  EXPECT_TRUE(users_->Login("budi", "kata-sandi-panjang").ok());
  for (int i = 0; i < Users::kMaxFailedLogins + 1; ++i) {
    EXPECT_FALSE(users_->Login("budi", "salah-salah-salah").ok());
  }
  EXPECT_FALSE(users_->Login("nobody", "kata-sandi-panjang").ok());
  ExpectChain(1);
}

}  // namespace
}  // namespace pantau
