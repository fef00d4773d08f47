// API keys: how machines authenticate (log shippers posting to /api/v1/ingest). A key is shown
// once when created; only its SHA-256 is kept, and it is compared in constant time.
// Keys live in DATA/pantau.db. Creating and disabling one writes its entry in the audit trail
// (audit.h) in the same transaction, by `actor` (the admin, or cli:<os user>); the entry names
// the key and its scopes, never its secret or the secret's hash.
//
// Thread-safety: each ApiKeys object owns its own SQLite connection behind a mutex.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/main_db.h"

namespace pantau {

// The scopes a key can carry: sending events, reading events and alerts (search API), changing
// alerts (triage), and reading the public status export of monitored systems (status; it grants
// nothing else, so a key handed to a public web portal opens nothing of the CSIRT's).
inline constexpr std::string_view kScopeIngest = "ingest";
inline constexpr std::string_view kScopeSearch = "search";
inline constexpr std::string_view kScopeTriage = "triage";
inline constexpr std::string_view kScopeStatus = "status";

struct ApiKeyInfo {
  std::string id;  // public part, shown in listings
  std::string name;
  std::vector<std::string> scopes;
  TimeNs created = 0;
  bool disabled = false;
};

struct NewApiKey {
  ApiKeyInfo info;
  std::string secret;  // the whole key, "pk_<id>_<secret>"; shown once, never stored
};

class ApiKeys {
 public:
  // Opens (and migrates) DATA_DIR/pantau.db.
  static Result<std::unique_ptr<ApiKeys>> Open(const std::string& data_dir, const Clock& clock);

  // Names are unique; scopes must be known. Audited as apikey.create.
  Result<NewApiKey> Create(std::string_view name, const std::vector<std::string>& scopes,
                           std::string_view actor);
  Result<std::vector<ApiKeyInfo>> List();
  // For good: there is no enabling again. Audited as apikey.disable (a key already disabled
  // writes no entry).
  Status Disable(std::string_view name, std::string_view actor);
  // The key's info when `key` is a valid, enabled key, whatever its scopes; Unauthenticated
  // otherwise.
  Result<ApiKeyInfo> Verify(std::string_view key);
  // The key's info when `key` is a valid, enabled key that has `scope`; Unauthenticated when the
  // key is unknown, PermissionDenied when it lacks the scope.
  Result<ApiKeyInfo> Authenticate(std::string_view key, std::string_view scope);

 private:
  ApiKeys(sqlite::Db db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
};

}  // namespace pantau
