// People and their browser sessions, in DATA/pantau.db.
//
// Passwords are stored as Argon2id strings (libsodium's crypto_pwhash_str, interactive limits).
// Five failed logins in a row lock an account for fifteen minutes; every failure and lockout is
// logged. A session is a random 256-bit token in an HttpOnly cookie (only its SHA-256 is kept)
// with a CSRF token beside it; it ends after 30 minutes without use or 12 hours in all.
//
// Every change of an account writes its entry in the audit trail (audit.h) in the transaction of
// the change, by `actor`: the admin calling the API, `cli:<os user>` for the command line, or
// `system` for the first admin. Logins are not changes and go to the log only: a chain entry per
// failed login would let anyone who can reach the login page grow the chain and hold its write
// lock. docs/accounts.md lists the entries.
//
// Thread-safety: all methods may be called from any thread (one connection behind a mutex).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/main_db.h"

namespace pantau {

struct UserInfo {
  std::string name;
  Role role = Role::kAnalyst;
  bool disabled = false;
  TimeNs created = 0;
  bool totp_enrolled = false;  // set by List and Get only
};

// What an admin changes about a person; what is unset stays as it is.
struct UserChange {
  std::optional<Role> role;
  std::optional<bool> disabled;
  std::optional<std::string> password;
  bool reset_totp = false;
  bool empty() const { return !role && !disabled && !password && !reset_totp; }
};

struct NewSession {
  std::string token;  // for the HttpOnly cookie
  std::string csrf;   // for the script-readable cookie and the X-CSRF-Token header
  UserInfo user;
};

struct Session {
  UserInfo user;
  std::string csrf;
  // The user's role requires a second factor and the user has none yet: the session may only
  // enrol one.
  bool must_enrol_totp = false;
};

struct TotpEnrolment {
  std::string secret;  // base32, for typing into an app
  std::string uri;     // otpauth://, for the QR code
};

class Users {
 public:
  static constexpr int kMaxFailedLogins = 5;
  static constexpr std::chrono::minutes kLockout{15};
  static constexpr std::chrono::minutes kIdle{30};
  static constexpr std::chrono::hours kAbsolute{12};

  static Result<std::unique_ptr<Users>> Open(const std::string& data_dir, const Clock& clock);

  // Names: 1-64 of letters, digits, '.', '_', '-'. Passwords: at least 12 characters.
  // Audited as user.create.
  Status Add(std::string_view name, Role role, std::string_view password, std::string_view actor);
  Result<std::vector<UserInfo>> List();
  Result<UserInfo> Get(std::string_view name);
  // Applies the whole change or none of it and returns the user after it. A new password also
  // unlocks the account; it and disabling end the account's sessions. FailedPrecondition when
  // the change would leave no enabled admin, so that someone can always manage accounts.
  // Audited as user.update (role and disabled from and to, a new password marked, never its
  // text) and user.totp_reset; a change that changes nothing writes no entry.
  Result<UserInfo> Update(std::string_view name, const UserChange& change, std::string_view actor);
  // A new password also unlocks the account and ends its sessions. Audited as user.update.
  Status SetPassword(std::string_view name, std::string_view password, std::string_view actor);
  // Ends the account's sessions too; refused for the last enabled admin, like Update.
  Status Disable(std::string_view name, std::string_view actor);
  // When there is no user at all: creates `admin` with a random password and returns it. The
  // audit entry's actor is `system`.
  Result<std::optional<std::string>> EnsureAdmin();

  // Checks the password (and the second factor when enrolled: `code` is the current TOTP code
  // or a recovery code) and opens a session. Unauthenticated for a wrong name or password (the
  // same message, so that names cannot be probed), a missing or wrong code, a disabled or a
  // locked account; wrong codes count toward the lockout like wrong passwords.
  Result<NewSession> Login(std::string_view name, std::string_view password,
                           std::string_view code = {});

  // Second factor: a new secret to enrol (replacing one being enrolled); it takes effect when
  // ConfirmTotp gets a valid code of it, which returns ten recovery codes, shown once; that is
  // audited as user.totp_enrol by the user.
  Result<TotpEnrolment> BeginTotp(std::string_view name);
  Result<std::vector<std::string>> ConfirmTotp(std::string_view name, std::string_view code);
  // An admin's way out for a lost device: the account logs in with its password alone again.
  // Audited as user.totp_reset.
  Status ResetTotp(std::string_view name, std::string_view actor);
  Result<bool> HasTotp(std::string_view name);
  // Whether people of `role` must have a second factor (an admin's decision). Audited as
  // role.require_2fa when it changes.
  Status RequireTotp(Role role, bool required, std::string_view actor);
  Result<std::vector<Role>> RolesRequiringTotp();
  // The session of a cookie token, refreshed; Unauthenticated when unknown or expired.
  Result<Session> Resume(std::string_view token);
  void Logout(std::string_view token);

 private:
  Users(sqlite::Db db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
  Status EndSessionsLocked(std::string_view name);
  Result<UserInfo> GetLocked(std::string_view name);
  Status UpdateLocked(std::string_view name, const UserChange& change,
                      const std::optional<std::string>& password_hash, std::string_view actor);

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
};

// A random password of 20 letters and digits, for new accounts.
std::string RandomPassword();

}  // namespace pantau
