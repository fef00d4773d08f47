// The audit trail: an append-only log in DATA/pantau.db of who did what to which object, whose
// entries are hash-chained: each holds the SHA-256 of the previous entry's hash and its own
// canonical text, so that an entry changed, deleted or put out of order after it was written
// breaks the chain at that entry, and `pantau audit verify` names it. SQLite triggers refuse
// UPDATE and DELETE on the table; the chain is what catches whoever removes them.
//
// The chain proves nothing about entries cut off its end, nor about a chain rewritten from a
// changed entry onward: for those, compare the head (last seq and hash, printed by verify) with
// one noted elsewhere. docs/cases.md says more.
//
// It lives in auth, the owner of who may do what, because every layer that changes something
// writes to it: accounts here (users.h, api_keys.h), and above auth the cases, evidence, the
// registry, assessments and documents. It needs only the SQLite layer and auth's SHA-256.
//
// Thread-safety: functions over a connection the caller holds. Appending needs the caller's
// write transaction (BEGIN IMMEDIATE), which orders appenders across connections and processes,
// and makes the entry part of the change it records.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/db.h"

namespace pantau {

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3, ... without gaps
  TimeNs time = 0;
  std::string actor;   // a user, apikey:NAME, cli:<os user> (the command line), or system
  std::string action;  // case.create, case.<action>, evidence.<event>, user.create, apikey.create,
                       // ... (docs/cases.md and docs/accounts.md list them)
  std::string object;  // case:42, time_standards, user:budi, role:head, apikey:rsyslog-dmz
  std::string details_json = "{}";
  std::string prev_hash;  // the previous entry's hash; 64 zeros for the first
  std::string hash;       // hex SHA-256 of prev_hash + AuditCanonical(entry)

  // {"seq", "time", "actor", "action", "object", "details": {...}, "prev_hash", "hash"}
  std::string ToJson() const;
};

// The hash before the first entry.
inline constexpr std::string_view kAuditGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// What an entry's hash covers after the previous hash, in one unambiguous form:
// {"seq":N,"time":NS,"actor":"...","action":"...","object":"...","details":DETAILS}, the strings
// JSON-escaped and DETAILS the stored text as it is.
std::string AuditCanonical(const AuditEntry& entry);
std::string AuditHash(const AuditEntry& entry);

// Appends an entry after the current head. REQUIRES: inside a write transaction on `db`.
// `details_json` must be a JSON object.
Result<AuditEntry> AppendAudit(sqlite::Db& db, TimeNs time, std::string_view actor,
                               std::string_view action, std::string_view object,
                               std::string details_json);
// The same with `details` (a JSON object) as compact text; invalid UTF-8 in it (a name from the
// command line, say) is replaced rather than refused, so that no input makes a change unwritable.
Result<AuditEntry> AppendAudit(sqlite::Db& db, TimeNs time, std::string_view actor,
                               std::string_view action, std::string_view object,
                               const nlohmann::json& details);

// The entries about `object`, oldest first.
Result<std::vector<AuditEntry>> ReadAuditOf(sqlite::Db& db, std::string_view object);

struct AuditVerification {
  int64_t entries = 0;
  int64_t last_seq = 0;
  std::string last_hash;  // the head: kAuditGenesis when empty
  // The first entry that breaks the chain and how; none when the chain is intact.
  std::optional<int64_t> broken_seq;
  std::string problem;
  bool triggers_present = true;  // the append-only triggers are in place
};

// Walks the whole chain in seq order.
Result<AuditVerification> VerifyAuditChain(sqlite::Db& db);
// The same on DATA_DIR/pantau.db, opened read-only (a running server may keep writing).
// NotFound when there is no such database.
Result<AuditVerification> VerifyAuditFile(const std::string& data_dir);

}  // namespace pantau
