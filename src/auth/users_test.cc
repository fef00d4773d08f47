#include "auth/users.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "auth/totp.h"

namespace pantau {
namespace {

constexpr TimeNs kMinute = 60'000'000'000;

class UsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("pantau_users_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto u = Users::Open(dir_.string(), clock_);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    users_ = std::move(*u);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  ManualClock clock_{1'795'000'000'000'000'000};
  std::unique_ptr<Users> users_;
};

TEST_F(UsersTest, AddListAndCheckInput) {
  ASSERT_TRUE(users_->Add("budi", Role::kAnalyst, "kata-sandi-panjang", "admin").ok());
  EXPECT_EQ(users_->Add("budi", Role::kHead, "kata-sandi-panjang", "admin").code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(users_->Add("siti", Role::kHead, "pendek", "admin").message(),
            "password: at least 12 characters");
  EXPECT_EQ(users_->Add("a b", Role::kHead, "kata-sandi-panjang", "admin").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseRole("root").status().message(),
            "role 'root' is not one of analyst, coordinator, head, admin");
  auto list = users_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].role, Role::kAnalyst);
}

TEST_F(UsersTest, FirstStartMakesOneAdmin) {
  auto first = users_->EnsureAdmin();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->size(), 20u);
  EXPECT_TRUE(users_->Login("admin", **first).ok());
  auto second = users_->EnsureAdmin();
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());
}

TEST_F(UsersTest, UpdateRoleDisabledPasswordAndSecondFactor) {
  ASSERT_TRUE(users_->Add("root-admin", Role::kAdmin, "kata-sandi-panjang", "admin").ok());
  ASSERT_TRUE(users_->Add("budi", Role::kAnalyst, "kata-sandi-panjang", "admin").ok());
  auto session = users_->Login("budi", "kata-sandi-panjang");
  ASSERT_TRUE(session.ok());

  UserChange promote;
  promote.role = Role::kCoordinator;
  auto after = users_->Update("budi", promote, "admin");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->role, Role::kCoordinator);
  EXPECT_FALSE(after->disabled);
  // A role change takes effect in the open session at once.
  ASSERT_TRUE(users_->Resume(session->token).ok());
  EXPECT_EQ(users_->Resume(session->token)->user.role, Role::kCoordinator);

  // A short password changes nothing, not even the rest of the change.
  UserChange bad;
  bad.role = Role::kHead;
  bad.password = "pendek";
  EXPECT_EQ(users_->Update("budi", bad, "admin").status().message(),
            "password: at least 12 characters");
  EXPECT_EQ(users_->Get("budi")->role, Role::kCoordinator);

  UserChange disable;
  disable.disabled = true;
  ASSERT_TRUE(users_->Update("budi", disable, "admin").ok());
  EXPECT_TRUE(users_->Get("budi")->disabled);
  EXPECT_FALSE(users_->Resume(session->token).ok());  // sessions end
  EXPECT_FALSE(users_->Login("budi", "kata-sandi-panjang").ok());
  UserChange enable;
  enable.disabled = false;
  enable.password = "kata-sandi-baru-sekali";
  ASSERT_TRUE(users_->Update("budi", enable, "admin").ok());
  EXPECT_TRUE(users_->Login("budi", "kata-sandi-baru-sekali").ok());

  EXPECT_EQ(users_->Update("nobody", promote, "admin").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(users_->Get("nobody").status().code(), StatusCode::kNotFound);

  // The second factor shows in the list, and an admin can take it away.
  auto e = users_->BeginTotp("budi");
  ASSERT_TRUE(e.ok());
  const std::string code =
      fmt::format("{:06}", TotpCode(*Base32Decode(e->secret), clock_.Now() / 1'000'000'000 / 30));
  ASSERT_TRUE(users_->ConfirmTotp("budi", code).ok());
  EXPECT_TRUE(users_->Get("budi")->totp_enrolled);
  auto list = users_->List();
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE((*list)[0].totp_enrolled);   // budi
  EXPECT_FALSE((*list)[1].totp_enrolled);  // root-admin
  UserChange reset;
  reset.reset_totp = true;
  ASSERT_TRUE(users_->Update("budi", reset, "admin").ok());
  EXPECT_FALSE(users_->Get("budi")->totp_enrolled);
}

TEST_F(UsersTest, ThereIsAlwaysAnEnabledAdmin) {
  ASSERT_TRUE(users_->Add("admin", Role::kAdmin, "kata-sandi-panjang", "admin").ok());
  UserChange demote;
  demote.role = Role::kAnalyst;
  EXPECT_EQ(users_->Update("admin", demote, "admin").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(users_->Disable("admin", "admin").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(users_->Get("admin")->role, Role::kAdmin);
  EXPECT_FALSE(users_->Get("admin")->disabled);
  // With a second admin, either may go, but not both.
  ASSERT_TRUE(users_->Add("admin2", Role::kAdmin, "kata-sandi-panjang", "admin").ok());
  ASSERT_TRUE(users_->Update("admin", demote, "admin").ok());
  EXPECT_EQ(users_->Disable("admin2", "admin").code(), StatusCode::kFailedPrecondition);
  // Other changes to the last admin are fine.
  UserChange password;
  password.password = "kata-sandi-baru-sekali";
  EXPECT_TRUE(users_->Update("admin2", password, "admin").ok());
}

TEST_F(UsersTest, SessionsExpireWhenIdleAndInAll) {
  ASSERT_TRUE(users_->Add("budi", Role::kCoordinator, "kata-sandi-panjang", "admin").ok());
  EXPECT_EQ(users_->Login("budi", "salah-salah-salah").status().code(),
            StatusCode::kUnauthenticated);
  EXPECT_EQ(users_->Login("nobody", "kata-sandi-panjang").status().message(),
            "wrong user name or password");
  auto s = users_->Login("budi", "kata-sandi-panjang");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->token.size(), 64u);
  auto resumed = users_->Resume(s->token);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed->user.role, Role::kCoordinator);
  EXPECT_EQ(resumed->csrf, s->csrf);
  // Used every 20 minutes: alive until the 12-hour limit.
  for (int i = 0; i < 35; ++i) {
    clock_.Advance(20 * kMinute);
    ASSERT_TRUE(users_->Resume(s->token).ok()) << i;
  }
  clock_.Advance(20 * kMinute);  // 12 h 0 min
  EXPECT_EQ(users_->Resume(s->token).status().message(), "the session has expired; log in again");
  // Idle for 31 minutes.
  auto idle = users_->Login("budi", "kata-sandi-panjang");
  ASSERT_TRUE(idle.ok());
  clock_.Advance(31 * kMinute);
  EXPECT_FALSE(users_->Resume(idle->token).ok());
  // Logout and a forged token.
  auto again = users_->Login("budi", "kata-sandi-panjang");
  users_->Logout(again->token);
  EXPECT_FALSE(users_->Resume(again->token).ok());
  EXPECT_FALSE(users_->Resume(std::string(64, 'a')).ok());
}

TEST_F(UsersTest, FiveFailuresLockTheAccount) {
  ASSERT_TRUE(users_->Add("budi", Role::kAnalyst, "kata-sandi-panjang", "admin").ok());
  for (int i = 0; i < Users::kMaxFailedLogins; ++i) {
    EXPECT_FALSE(users_->Login("budi", "tebakan-ke-" + std::to_string(i)).ok());
  }
  // The right password does not help while locked.
  EXPECT_NE(users_->Login("budi", "kata-sandi-panjang").status().message().find("locked"),
            std::string::npos);
  clock_.Advance(16 * kMinute);
  EXPECT_TRUE(users_->Login("budi", "kata-sandi-panjang").ok());
}

TEST_F(UsersTest, DisableAndNewPasswordEndSessions) {
  ASSERT_TRUE(users_->Add("budi", Role::kAnalyst, "kata-sandi-panjang", "admin").ok());
  auto s = users_->Login("budi", "kata-sandi-panjang");
  ASSERT_TRUE(users_->SetPassword("budi", "kata-sandi-baru-123", "admin").ok());
  EXPECT_FALSE(users_->Resume(s->token).ok());
  EXPECT_FALSE(users_->Login("budi", "kata-sandi-panjang").ok());
  auto t = users_->Login("budi", "kata-sandi-baru-123");
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(users_->Disable("budi", "admin").ok());
  EXPECT_FALSE(users_->Resume(t->token).ok());
  EXPECT_FALSE(users_->Login("budi", "kata-sandi-baru-123").ok());
  EXPECT_EQ(users_->Disable("nobody", "admin").code(), StatusCode::kNotFound);
}

TEST_F(UsersTest, SecondFactor) {
  ASSERT_TRUE(users_->Add("budi", Role::kAnalyst, "kata-sandi-panjang", "admin").ok());
  auto enrol = users_->BeginTotp("budi");
  ASSERT_TRUE(enrol.ok());
  EXPECT_TRUE(enrol->uri.starts_with("otpauth://totp/Pantau:budi?secret=" + enrol->secret));
  // Until confirmed, the password alone still works.
  EXPECT_TRUE(users_->Login("budi", "kata-sandi-panjang").ok());
  const auto key = *Base32Decode(enrol->secret);
  auto code_at = [&](TimeNs t) {
    return fmt::format("{:06}", TotpCode(key, t / 1'000'000'000 / 30));
  };
  EXPECT_EQ(users_->ConfirmTotp("budi", "000000").status().code(), StatusCode::kInvalidArgument);
  auto recovery = users_->ConfirmTotp("budi", code_at(clock_.Now()));
  ASSERT_TRUE(recovery.ok()) << recovery.status().ToString();
  ASSERT_EQ(recovery->size(), 10u);
  EXPECT_TRUE(*users_->HasTotp("budi"));

  EXPECT_NE(users_->Login("budi", "kata-sandi-panjang").status().message().find("second factor"),
            std::string::npos);
  // The code used to confirm cannot be used again; the next step's can.
  EXPECT_EQ(users_->Login("budi", "kata-sandi-panjang", code_at(clock_.Now())).status().message(),
            "wrong second factor code");
  clock_.Advance(30'000'000'000);
  EXPECT_TRUE(users_->Login("budi", "kata-sandi-panjang", code_at(clock_.Now())).ok());
  // A recovery code works once.
  EXPECT_TRUE(users_->Login("budi", "kata-sandi-panjang", (*recovery)[3]).ok());
  EXPECT_FALSE(users_->Login("budi", "kata-sandi-panjang", (*recovery)[3]).ok());
  // A code with a wrong password says nothing about the code.
  clock_.Advance(30'000'000'000);
  EXPECT_EQ(users_->Login("budi", "salah-salah-salah", code_at(clock_.Now())).status().message(),
            "wrong user name or password");
  ASSERT_TRUE(users_->ResetTotp("budi", "admin").ok());
  EXPECT_TRUE(users_->Login("budi", "kata-sandi-panjang").ok());
}

}  // namespace
}  // namespace pantau
