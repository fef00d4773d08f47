#include "auth/users.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "auth/audit.h"
#include "auth/secrets.h"
#include "auth/totp.h"

namespace pantau {
namespace {

constexpr size_t kMinPassword = 12;

Status CheckName(std::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
      });
  if (!ok) {
    return InvalidArgument("name: 1 to 64 letters, digits, '.', '_' or '-'");
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password) {
  if (password.size() < kMinPassword) {
    return InvalidArgument("password: at least " + std::to_string(kMinPassword) + " characters");
  }
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Internal("password hashing ran out of memory");
  }
  return std::string(hash);
}

TimeNs Ns(std::chrono::nanoseconds d) { return d.count(); }

std::string UserObject(std::string_view name) { return "user:" + std::string(name); }

}  // namespace

std::string RandomPassword() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";  // no 0/O, 1/l/I
  std::string out;
  for (int i = 0; i < 20; ++i) out += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  return out;
}

Result<std::unique_ptr<Users>> Users::Open(const std::string& data_dir, const Clock& clock) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<Users>(new Users(std::move(db), clock));
}

Status Users::Add(std::string_view name, Role role, std::string_view password,
                  std::string_view actor) {
  RETURN_IF_ERROR(CheckName(name));
  ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  std::lock_guard lock(mu_);
  return sqlite::InWriteTransaction(db_, [&]() -> Status {
    ASSIGN_OR_RETURN(auto exists, db_.Prepare("SELECT 1 FROM users WHERE name = ?"));
    exists.BindText(1, name);
    ASSIGN_OR_RETURN(bool found, exists.Step());
    if (found) return AlreadyExists("a user named '" + std::string(name) + "' exists");
    ASSIGN_OR_RETURN(auto insert,
                     db_.Prepare("INSERT INTO users(name, role, password_hash, created, "
                                 "updated) VALUES(?, ?, ?, ?, ?)"));
    const TimeNs now = clock_.Now();
    insert.BindText(1, name);
    insert.BindText(2, RoleName(role));
    insert.BindText(3, hash);
    insert.BindInt(4, now);
    insert.BindInt(5, now);
    RETURN_IF_ERROR(insert.Run());
    return AppendAudit(db_, now, actor, "user.create", UserObject(name),
                       nlohmann::json{{"role", RoleName(role)}})
        .status();
  });
}

namespace {

constexpr std::string_view kUserColumns = "name, role, disabled, created, totp_secret != ''";

UserInfo UserOf(const sqlite::Stmt& q) {
  auto role = ParseRole(q.Text(1));
  return {std::string(q.Text(0)), role.ok() ? *role : Role::kAnalyst, q.Int(2) != 0, q.Int(3),
          q.Int(4) != 0};
}

}  // namespace

Result<std::vector<UserInfo>> Users::List() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(
      auto q, db_.Prepare("SELECT " + std::string(kUserColumns) + " FROM users ORDER BY name"));
  std::vector<UserInfo> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(UserOf(q));
  }
  return out;
}

Result<UserInfo> Users::GetLocked(std::string_view name) {
  ASSIGN_OR_RETURN(
      auto q, db_.Prepare("SELECT " + std::string(kUserColumns) + " FROM users WHERE name = ?"));
  q.BindText(1, name);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFound("no user named '" + std::string(name) + "'");
  return UserOf(q);
}

Result<UserInfo> Users::Get(std::string_view name) {
  std::lock_guard lock(mu_);
  return GetLocked(name);
}

Status Users::UpdateLocked(std::string_view name, const UserChange& change,
                           const std::optional<std::string>& password_hash,
                           std::string_view actor) {
  ASSIGN_OR_RETURN(UserInfo before, GetLocked(name));
  const TimeNs now = clock_.Now();
  auto run = [&](const std::string& sql, auto&& bind) -> Status {
    ASSIGN_OR_RETURN(auto q, db_.Prepare(sql));
    bind(q);
    return q.Run();
  };
  if (change.role) {
    RETURN_IF_ERROR(run("UPDATE users SET role = ?, updated = ? WHERE name = ?", [&](auto& q) {
      q.BindText(1, RoleName(*change.role));
      q.BindInt(2, now);
      q.BindText(3, name);
    }));
  }
  if (change.disabled) {
    RETURN_IF_ERROR(run("UPDATE users SET disabled = ?, updated = ? WHERE name = ?", [&](auto& q) {
      q.BindInt(1, *change.disabled ? 1 : 0);
      q.BindInt(2, now);
      q.BindText(3, name);
    }));
  }
  if (password_hash) {
    RETURN_IF_ERROR(
        run("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0, "
            "updated = ? WHERE name = ?",
            [&](auto& q) {
              q.BindText(1, *password_hash);
              q.BindInt(2, now);
              q.BindText(3, name);
            }));
  }
  if (change.reset_totp) {
    RETURN_IF_ERROR(
        run("UPDATE users SET totp_secret = '', totp_pending = '', recovery_codes = "
            "'[]', updated = ? WHERE name = ?",
            [&](auto& q) {
              q.BindInt(1, now);
              q.BindText(2, name);
            }));
  }
  const bool was_admin = before.role == Role::kAdmin && !before.disabled;
  if (was_admin && (change.role || change.disabled)) {
    ASSIGN_OR_RETURN(auto count, db_.Prepare("SELECT count(*) FROM users WHERE role = 'admin' "
                                             "AND disabled = 0"));
    ASSIGN_OR_RETURN(bool row, count.Step());
    if (!row || count.Int(0) == 0) {
      return FailedPrecondition("'" + std::string(name) +
                                "' is the last enabled admin: make another admin first, so that "
                                "someone can still manage accounts");
    }
  }
  if (password_hash || change.disabled.value_or(false)) RETURN_IF_ERROR(EndSessionsLocked(name));
  // What changed, from and to; a new password is marked, never recorded in any form.
  nlohmann::json details = nlohmann::json::object();
  if (change.role && *change.role != before.role) {
    details["role"] = {{"from", RoleName(before.role)}, {"to", RoleName(*change.role)}};
  }
  if (change.disabled && *change.disabled != before.disabled) {
    details["disabled"] = {{"from", before.disabled}, {"to", *change.disabled}};
  }
  if (password_hash) details["password_reset"] = true;
  if (!details.empty()) {
    RETURN_IF_ERROR(
        AppendAudit(db_, now, actor, "user.update", UserObject(name), details).status());
  }
  if (change.reset_totp) {
    RETURN_IF_ERROR(AppendAudit(db_, now, actor, "user.totp_reset", UserObject(name),
                                nlohmann::json{{"was_enrolled", before.totp_enrolled}})
                        .status());
  }
  return Status::Ok();
}

Result<UserInfo> Users::Update(std::string_view name, const UserChange& change,
                               std::string_view actor) {
  std::optional<std::string> hash;
  if (change.password) {
    ASSIGN_OR_RETURN(hash, HashPassword(*change.password));
  }
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(sqlite::InWriteTransaction(
      db_, [&]() -> Status { return UpdateLocked(name, change, hash, actor); }));
  if (change.role || change.disabled) {
    spdlog::info("user '{}': {}{}", name,
                 change.role ? "role " + std::string(RoleName(*change.role)) + " " : "",
                 change.disabled ? (*change.disabled ? "disabled" : "enabled") : "");
  }
  return GetLocked(name);
}

Status Users::EndSessionsLocked(std::string_view name) {
  ASSIGN_OR_RETURN(auto q, db_.Prepare("DELETE FROM sessions WHERE user = ?"));
  q.BindText(1, name);
  return q.Run();
}

Status Users::SetPassword(std::string_view name, std::string_view password,
                          std::string_view actor) {
  UserChange change;
  change.password = std::string(password);
  return Update(name, change, actor).status();
}

Status Users::Disable(std::string_view name, std::string_view actor) {
  UserChange change;
  change.disabled = true;
  return Update(name, change, actor).status();
}

Result<std::optional<std::string>> Users::EnsureAdmin() {
  {
    std::lock_guard lock(mu_);
    ASSIGN_OR_RETURN(auto q, db_.Prepare("SELECT count(*) FROM users"));
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (row && q.Int(0) > 0) return std::optional<std::string>();
  }
  std::string password = RandomPassword();
  RETURN_IF_ERROR(Add("admin", Role::kAdmin, password, "system"));
  return std::optional<std::string>(std::move(password));
}

Result<NewSession> Users::Login(std::string_view name, std::string_view password,
                                std::string_view code) {
  const Status refused = Unauthenticated("wrong user name or password");
  std::unique_lock lock(mu_);
  ASSIGN_OR_RETURN(auto q, db_.Prepare("SELECT role, password_hash, disabled, failed_logins, "
                                       "locked_until, created, totp_secret, totp_last_step, "
                                       "recovery_codes FROM users WHERE name = ?"));
  q.BindText(1, name);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) {
    spdlog::warn("login refused: unknown user '{}'", name);
    return refused;
  }
  const std::string hash(q.Text(1));
  const bool disabled = q.Int(2) != 0;
  const int64_t failed = q.Int(3);
  const TimeNs locked_until = q.Int(4);
  auto role = ParseRole(q.Text(0));
  UserInfo user{std::string(name), role.ok() ? *role : Role::kAnalyst, disabled, q.Int(5)};
  const std::string totp_secret(q.Text(6));
  const int64_t totp_last_step = q.Int(7);
  const std::string recovery(q.Text(8));
  q.Reset();
  const TimeNs now = clock_.Now();
  if (locked_until > now) {
    spdlog::warn("login refused: user '{}' is locked after {} failed logins", name, failed);
    return Unauthenticated(
        "this account is locked after too many failed logins; try again "
        "later or ask an admin to set a new password");
  }
  // The password is checked without the lock held: Argon2id takes tens of milliseconds.
  lock.unlock();
  const bool match = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  lock.lock();
  // The second factor, checked only after the password: a code says nothing on its own.
  std::optional<int64_t> totp_step;
  std::string recovery_left;
  bool second_ok = totp_secret.empty();
  if (match && !disabled && !second_ok) {
    if (code.empty()) {
      return Unauthenticated(
          "this account needs its second factor: give the 6-digit code of "
          "the authenticator app (totp), or a recovery code");
    }
    totp_step = MatchTotp(totp_secret, code, now, totp_last_step);
    if (totp_step) {
      second_ok = true;
    } else {
      // A recovery code works once.
      auto codes = nlohmann::json::parse(recovery, nullptr, false);
      const std::string code_hash = Sha256Hex(code);
      if (codes.is_array()) {
        for (auto it = codes.begin(); it != codes.end(); ++it) {
          if (it->is_string() && it->get<std::string>() == code_hash) {
            codes.erase(it);
            recovery_left = codes.dump();
            second_ok = true;
            spdlog::warn("login: '{}' used a recovery code ({} left)", name, codes.size());
            break;
          }
        }
      }
    }
  }
  if (!match || disabled || !second_ok) {
    if (!match || !second_ok) {
      const bool lock_now = failed + 1 >= kMaxFailedLogins;
      ASSIGN_OR_RETURN(auto f, db_.Prepare("UPDATE users SET failed_logins = failed_logins + 1, "
                                           "locked_until = ? WHERE name = ?"));
      f.BindInt(1, lock_now ? now + Ns(kLockout) : 0);
      f.BindText(2, name);
      RETURN_IF_ERROR(f.Run());
      spdlog::warn("login refused: wrong {} for '{}' ({} in a row){}",
                   match ? "second factor" : "password", name, failed + 1,
                   lock_now ? "; account locked for 15 minutes" : "");
      if (match) return Unauthenticated("wrong second factor code");
    } else {
      spdlog::warn("login refused: user '{}' is disabled", name);
    }
    return refused;
  }
  if (totp_step) {
    ASSIGN_OR_RETURN(auto used, db_.Prepare("UPDATE users SET totp_last_step = ? WHERE name = ?"));
    used.BindInt(1, *totp_step);
    used.BindText(2, name);
    RETURN_IF_ERROR(used.Run());
  }
  if (!recovery_left.empty()) {
    ASSIGN_OR_RETURN(auto used, db_.Prepare("UPDATE users SET recovery_codes = ? WHERE name = ?"));
    used.BindText(1, recovery_left);
    used.BindText(2, name);
    RETURN_IF_ERROR(used.Run());
  }
  ASSIGN_OR_RETURN(auto ok, db_.Prepare("UPDATE users SET failed_logins = 0, locked_until = 0 "
                                        "WHERE name = ?"));
  ok.BindText(1, name);
  RETURN_IF_ERROR(ok.Run());
  NewSession s{RandomHex(32), RandomHex(32), user};
  ASSIGN_OR_RETURN(auto insert, db_.Prepare("INSERT INTO sessions(token_hash, user, csrf, created, "
                                            "last_seen) VALUES(?, ?, ?, ?, ?)"));
  insert.BindText(1, Sha256Hex(s.token));
  insert.BindText(2, name);
  insert.BindText(3, s.csrf);
  insert.BindInt(4, now);
  insert.BindInt(5, now);
  RETURN_IF_ERROR(insert.Run());
  spdlog::info("login: '{}' ({})", name, RoleName(user.role));
  return s;
}

Result<Session> Users::Resume(std::string_view token) {
  if (token.size() != 64) return Unauthenticated("not logged in");
  const std::string token_hash = Sha256Hex(token);
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto q, db_.Prepare("SELECT s.user, u.role, s.csrf, s.created, s.last_seen, "
                                       "u.disabled, u.created, u.totp_secret = '' AND EXISTS("
                                       "SELECT 1 FROM roles_requiring_totp r WHERE r.role = "
                                       "u.role) FROM sessions s JOIN users u ON u.name = s.user "
                                       "WHERE s.token_hash = ?"));
  q.BindText(1, token_hash);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Unauthenticated("not logged in");
  const TimeNs now = clock_.Now();
  const bool expired = now - q.Int(4) >= Ns(kIdle) || now - q.Int(3) >= Ns(kAbsolute);
  auto role = ParseRole(q.Text(1));
  Session s{{std::string(q.Text(0)), role.ok() ? *role : Role::kAnalyst, q.Int(5) != 0, q.Int(6)},
            std::string(q.Text(2)),
            q.Int(7) != 0};
  q.Reset();
  if (expired || s.user.disabled) {
    ASSIGN_OR_RETURN(auto del, db_.Prepare("DELETE FROM sessions WHERE token_hash = ?"));
    del.BindText(1, token_hash);
    RETURN_IF_ERROR(del.Run());
    return Unauthenticated(expired ? "the session has expired; log in again" : "not logged in");
  }
  ASSIGN_OR_RETURN(auto touch, db_.Prepare("UPDATE sessions SET last_seen = ? WHERE "
                                           "token_hash = ?"));
  touch.BindInt(1, now);
  touch.BindText(2, token_hash);
  RETURN_IF_ERROR(touch.Run());
  return s;
}

Result<TotpEnrolment> Users::BeginTotp(std::string_view name) {
  TotpEnrolment e{NewTotpSecret(), {}};
  e.uri = OtpAuthUri("Pantau", name, e.secret);
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto q, db_.Prepare("UPDATE users SET totp_pending = ? WHERE name = ? "
                                       "RETURNING name"));
  q.BindText(1, e.secret);
  q.BindText(2, name);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFound("no user named '" + std::string(name) + "'");
  return e;
}

Result<std::vector<std::string>> Users::ConfirmTotp(std::string_view name, std::string_view code) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto q, db_.Prepare("SELECT totp_pending FROM users WHERE name = ?"));
  q.BindText(1, name);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFound("no user named '" + std::string(name) + "'");
  const std::string pending(q.Text(0));
  q.Reset();
  if (pending.empty()) return FailedPrecondition("start the enrolment first (totp/enrol)");
  const auto step = MatchTotp(pending, code, clock_.Now(), 0);
  if (!step) return InvalidArgument("code: not the app's current code for the new secret");
  std::vector<std::string> codes;
  nlohmann::json hashes = nlohmann::json::array();
  for (int i = 0; i < 10; ++i) {
    const std::string c = RandomPassword().substr(0, 5) + "-" + RandomPassword().substr(0, 5);
    hashes.push_back(Sha256Hex(c));
    codes.push_back(c);
  }
  RETURN_IF_ERROR(sqlite::InWriteTransaction(db_, [&]() -> Status {
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(auto u,
                     db_.Prepare("UPDATE users SET totp_secret = totp_pending, totp_pending = '', "
                                 "totp_last_step = ?, recovery_codes = ?, updated = ? "
                                 "WHERE name = ?"));
    u.BindInt(1, *step);
    u.BindText(2, hashes.dump());
    u.BindInt(3, now);
    u.BindText(4, name);
    RETURN_IF_ERROR(u.Run());
    return AppendAudit(db_, now, name, "user.totp_enrol", UserObject(name),
                       nlohmann::json{{"recovery_codes", codes.size()}})
        .status();
  }));
  spdlog::info("second factor enrolled for '{}'", name);
  return codes;
}

Status Users::ResetTotp(std::string_view name, std::string_view actor) {
  UserChange change;
  change.reset_totp = true;
  return Update(name, change, actor).status();
}

Result<bool> Users::HasTotp(std::string_view name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto q, db_.Prepare("SELECT totp_secret != '' FROM users WHERE name = ?"));
  q.BindText(1, name);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return NotFound("no user named '" + std::string(name) + "'");
  return q.Int(0) != 0;
}

Status Users::RequireTotp(Role role, bool required, std::string_view actor) {
  std::lock_guard lock(mu_);
  return sqlite::InWriteTransaction(db_, [&]() -> Status {
    ASSIGN_OR_RETURN(auto q,
                     db_.Prepare(required ? "INSERT OR IGNORE INTO roles_requiring_totp VALUES(?) "
                                            "RETURNING role"
                                          : "DELETE FROM roles_requiring_totp WHERE role = ? "
                                            "RETURNING role"));
    q.BindText(1, RoleName(role));
    ASSIGN_OR_RETURN(bool changed, q.Step());
    q.Reset();
    if (!changed) return Status::Ok();  // as it was: nothing to record
    return AppendAudit(db_, clock_.Now(), actor, "role.require_2fa",
                       "role:" + std::string(RoleName(role)),
                       nlohmann::json{{"required", {{"from", !required}, {"to", required}}}})
        .status();
  });
}

Result<std::vector<Role>> Users::RolesRequiringTotp() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto q, db_.Prepare("SELECT role FROM roles_requiring_totp ORDER BY role"));
  std::vector<Role> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    if (auto r = ParseRole(q.Text(0)); r.ok()) out.push_back(*r);
  }
  return out;
}

void Users::Logout(std::string_view token) {
  std::lock_guard lock(mu_);
  auto q = db_.Prepare("DELETE FROM sessions WHERE token_hash = ?");
  if (!q.ok()) return;
  q->BindText(1, Sha256Hex(token));
  (void)q->Run();
}

}  // namespace pantau
