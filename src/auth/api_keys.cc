#include "auth/api_keys.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "auth/audit.h"
#include "auth/secrets.h"

namespace pantau {
namespace {

std::vector<std::string> SplitScopes(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::string KeyObject(std::string_view name) { return "apikey:" + std::string(name); }

}  // namespace

Result<std::unique_ptr<ApiKeys>> ApiKeys::Open(const std::string& data_dir, const Clock& clock) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<ApiKeys>(new ApiKeys(std::move(db), clock));
}

Result<NewApiKey> ApiKeys::Create(std::string_view name, const std::vector<std::string>& scopes,
                                  std::string_view actor) {
  if (name.empty() || name.size() > 100) {
    return InvalidArgument("name: an API key's name is 1 to 100 characters");
  }
  if (scopes.empty()) {
    return InvalidArgument(
        "scopes: an API key needs at least one (ingest, search, triage, status)");
  }
  std::string joined;
  for (const auto& s : scopes) {
    if (s != kScopeIngest && s != kScopeSearch && s != kScopeTriage && s != kScopeStatus) {
      return InvalidArgument("scopes: unknown scope '" + s + "' (known: " +
                             std::string(kScopeIngest) + ", " + std::string(kScopeSearch) + ", " +
                             std::string(kScopeTriage) + ", " + std::string(kScopeStatus) + ")");
    }
    if (!joined.empty()) joined += ',';
    joined += s;
  }
  NewApiKey key;
  key.info.id = RandomHex(4);
  key.info.name = name;
  key.info.scopes = scopes;
  key.info.created = clock_.Now();
  key.secret = "pk_" + key.info.id + "_" + RandomHex(20);
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(sqlite::InWriteTransaction(db_, [&]() -> Status {
    ASSIGN_OR_RETURN(auto exists, db_.Prepare("SELECT 1 FROM api_keys WHERE name = ?"));
    exists.BindText(1, name);
    ASSIGN_OR_RETURN(bool found, exists.Step());
    if (found) return AlreadyExists("an API key named '" + std::string(name) + "' exists already");
    ASSIGN_OR_RETURN(auto insert,
                     db_.Prepare("INSERT INTO api_keys(id, name, scopes, hash, created) "
                                 "VALUES (?, ?, ?, ?, ?)"));
    insert.BindText(1, key.info.id);
    insert.BindText(2, name);
    insert.BindText(3, joined);
    insert.BindText(4, Sha256Hex(key.secret));
    insert.BindInt(5, key.info.created);
    RETURN_IF_ERROR(insert.Run());
    // The id is the key's public part (pk_<id>_...), already shown in listings; the secret and
    // its hash stay out of the trail.
    return AppendAudit(db_, key.info.created, actor, "apikey.create", KeyObject(name),
                       nlohmann::json{{"id", key.info.id}, {"scopes", scopes}})
        .status();
  }));
  return key;
}

Result<std::vector<ApiKeyInfo>> ApiKeys::List() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto q, db_.Prepare("SELECT id, name, scopes, created, disabled FROM api_keys "
                                       "ORDER BY name"));
  std::vector<ApiKeyInfo> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back({std::string(q.Text(0)), std::string(q.Text(1)), SplitScopes(q.Text(2)), q.Int(3),
                   q.Int(4) != 0});
  }
  return out;
}

Status ApiKeys::Disable(std::string_view name, std::string_view actor) {
  std::lock_guard lock(mu_);
  return sqlite::InWriteTransaction(db_, [&]() -> Status {
    ASSIGN_OR_RETURN(auto q, db_.Prepare("SELECT id, disabled FROM api_keys WHERE name = ?"));
    q.BindText(1, name);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return NotFound("no API key named '" + std::string(name) + "'");
    const std::string id(q.Text(0));
    const bool was_disabled = q.Int(1) != 0;
    q.Reset();
    if (was_disabled) return Status::Ok();
    ASSIGN_OR_RETURN(auto u, db_.Prepare("UPDATE api_keys SET disabled = 1 WHERE name = ?"));
    u.BindText(1, name);
    RETURN_IF_ERROR(u.Run());
    return AppendAudit(db_, clock_.Now(), actor, "apikey.disable", KeyObject(name),
                       nlohmann::json{{"id", id}})
        .status();
  });
}

Result<ApiKeyInfo> ApiKeys::Verify(std::string_view key) {
  // pk_<8 hex id>_<40 hex secret>
  if (key.size() != 3 + 8 + 1 + 40 || key.substr(0, 3) != "pk_" || key[11] != '_') {
    return Unauthenticated("invalid API key");
  }
  const std::string id(key.substr(3, 8));
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto q, db_.Prepare("SELECT name, scopes, hash, created, disabled FROM api_keys "
                                       "WHERE id = ?"));
  q.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Unauthenticated("invalid API key");
  const std::string expected(q.Text(2));
  const std::string actual = Sha256Hex(key);
  if (!SameSecret(expected, actual) || q.Int(4) != 0) {
    return Unauthenticated("invalid API key");
  }
  return ApiKeyInfo{id, std::string(q.Text(0)), SplitScopes(q.Text(1)), q.Int(3), false};
}

Result<ApiKeyInfo> ApiKeys::Authenticate(std::string_view key, std::string_view scope) {
  ASSIGN_OR_RETURN(ApiKeyInfo info, Verify(key));
  for (const auto& s : info.scopes) {
    if (s == scope) return info;
  }
  return PermissionDenied("this API key lacks the '" + std::string(scope) + "' scope");
}

}  // namespace pantau
