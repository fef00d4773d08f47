#include "auth/audit.h"

#include <fmt/format.h>
#include <sodium.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "auth/secrets.h"
#include "core/event.h"
#include "core/time.h"

namespace pantau {
namespace {

AuditEntry EntryOf(const sqlite::Stmt& s) {
  AuditEntry e;
  e.seq = s.Int(0);
  e.time = s.Int(1);
  e.actor = s.Text(2);
  e.action = s.Text(3);
  e.object = s.Text(4);
  e.details_json = s.Text(5);
  e.prev_hash = s.Text(6);
  e.hash = s.Text(7);
  return e;
}

constexpr std::string_view kColumns = "seq, time, actor, action, object, details, prev_hash, hash";

}  // namespace

std::string AuditCanonical(const AuditEntry& e) {
  std::string out = fmt::format(R"({{"seq":{},"time":{},"actor":)", e.seq, e.time);
  AppendJsonString(out, e.actor);
  out += R"(,"action":)";
  AppendJsonString(out, e.action);
  out += R"(,"object":)";
  AppendJsonString(out, e.object);
  out += R"(,"details":)";
  out += e.details_json;
  return out + "}";
}

std::string AuditHash(const AuditEntry& e) {
  // Sha256Hex needs libsodium initialised; sodium_init is idempotent and thread-safe.
  static const bool kSodiumReady = sodium_init() >= 0;
  (void)kSodiumReady;
  return Sha256Hex(e.prev_hash + AuditCanonical(e));
}

std::string AuditEntry::ToJson() const {
  std::string out = fmt::format(R"({{"seq":{},"time":)", seq);
  AppendJsonString(out, FormatRfc3339(time));
  out += R"(,"actor":)";
  AppendJsonString(out, actor);
  out += R"(,"action":)";
  AppendJsonString(out, action);
  out += R"(,"object":)";
  AppendJsonString(out, object);
  // Stored by us as an object; shown as null rather than as broken JSON if it was tampered with.
  const bool object_text = nlohmann::json::accept(details_json) &&
                           nlohmann::json::parse(details_json, nullptr, false).is_object();
  out += R"(,"details":)";
  out += object_text ? details_json : "null";
  out += R"(,"prev_hash":)";
  AppendJsonString(out, prev_hash);
  out += R"(,"hash":)";
  AppendJsonString(out, hash);
  return out + "}";
}

Result<AuditEntry> AppendAudit(sqlite::Db& db, TimeNs time, std::string_view actor,
                               std::string_view action, std::string_view object,
                               std::string details_json) {
  AuditEntry e;
  e.seq = 1;
  e.prev_hash = std::string(kAuditGenesis);
  {
    ASSIGN_OR_RETURN(sqlite::Stmt head,
                     db.Prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
    ASSIGN_OR_RETURN(bool row, head.Step());
    if (row) {
      e.seq = head.Int(0) + 1;
      e.prev_hash = head.Text(1);
    }
  }
  e.time = time;
  e.actor = std::string(actor);
  e.action = std::string(action);
  e.object = std::string(object);
  e.details_json = std::move(details_json);
  e.hash = AuditHash(e);
  ASSIGN_OR_RETURN(sqlite::Stmt add,
                   db.Prepare("INSERT INTO audit_log(seq, time, actor, action, object, details, "
                              "prev_hash, hash) VALUES(?, ?, ?, ?, ?, ?, ?, ?)"));
  add.BindInt(1, e.seq);
  add.BindInt(2, e.time);
  add.BindText(3, e.actor);
  add.BindText(4, e.action);
  add.BindText(5, e.object);
  add.BindText(6, e.details_json);
  add.BindText(7, e.prev_hash);
  add.BindText(8, e.hash);
  RETURN_IF_ERROR(add.Run());
  return e;
}

Result<AuditEntry> AppendAudit(sqlite::Db& db, TimeNs time, std::string_view actor,
                               std::string_view action, std::string_view object,
                               const nlohmann::json& details) {
  return AppendAudit(db, time, actor, action, object,
                     details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<std::vector<AuditEntry>> ReadAuditOf(sqlite::Db& db, std::string_view object) {
  ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db.Prepare(fmt::format("SELECT {} FROM audit_log WHERE object = ? ORDER BY seq", kColumns)));
  st.BindText(1, object);
  std::vector<AuditEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(EntryOf(st));
  }
  return out;
}

Result<AuditVerification> VerifyAuditChain(sqlite::Db& db) {
  AuditVerification v;
  v.last_hash = std::string(kAuditGenesis);
  {
    ASSIGN_OR_RETURN(sqlite::Stmt t,
                     db.Prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                                "name IN ('audit_log_no_update', 'audit_log_no_delete')"));
    ASSIGN_OR_RETURN(bool row, t.Step());
    v.triggers_present = row && t.Int(0) == 2;
  }
  {
    ASSIGN_OR_RETURN(sqlite::Stmt t, db.Prepare("SELECT 1 FROM sqlite_master WHERE type = "
                                                "'table' AND name = 'audit_log'"));
    ASSIGN_OR_RETURN(bool row, t.Step());
    if (!row) return v;  // a database from before the audit trail: nothing recorded yet
  }
  // One read transaction: a consistent chain even while a server appends.
  RETURN_IF_ERROR(db.Exec("BEGIN"));
  auto walk = [&]() -> Status {
    ASSIGN_OR_RETURN(sqlite::Stmt st,
                     db.Prepare(fmt::format("SELECT {} FROM audit_log ORDER BY seq", kColumns)));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      const AuditEntry e = EntryOf(st);
      const int64_t expected = v.last_seq + 1;
      if (e.seq != expected) {
        v.broken_seq = expected;
        v.problem = e.seq > expected
                        ? fmt::format("entry {} is missing: entry {} follows entry {} (deleted)",
                                      expected, e.seq, v.last_seq)
                        : fmt::format("entry {} is out of order after entry {}", e.seq, v.last_seq);
        return Status::Ok();
      }
      if (e.prev_hash != v.last_hash) {
        v.broken_seq = e.seq;
        v.problem = fmt::format(
            "entry {} does not follow entry {}: its prev_hash is not that entry's hash (an "
            "entry was replaced or the chain rewritten)",
            e.seq, v.last_seq);
        return Status::Ok();
      }
      if (AuditHash(e) != e.hash) {
        v.broken_seq = e.seq;
        v.problem = fmt::format(
            "entry {} ({} {} on {} at {}) does not match its hash: changed after it was written",
            e.seq, e.actor, e.action, e.object, FormatRfc3339(e.time));
        return Status::Ok();
      }
      ++v.entries;
      v.last_seq = e.seq;
      v.last_hash = e.hash;
    }
    return Status::Ok();
  };
  Status s = walk();
  (void)db.Exec("COMMIT");
  RETURN_IF_ERROR(s);
  return v;
}

Result<AuditVerification> VerifyAuditFile(const std::string& data_dir) {
  const std::string path = data_dir + "/pantau.db";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return NotFound(fmt::format("no database {} (is --data the server's data directory?)", path));
  }
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::Db::Open(path, true));
  return VerifyAuditChain(db);
}

}  // namespace pantau
