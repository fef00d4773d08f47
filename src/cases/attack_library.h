// The attack reference library (SOP step 3: "look up references on attack types"; step 4: "study
// the attack's form, scheme, mitigation and handling"): for each ATT&CK technique and incident
// type the team meets most, a short description, typical indicators and mitigations, in Indonesian
// and English. The entries are data: attack_library.yaml, carried by the binary, gives the
// defaults; admins change an entry's fields or add entries of their own, kept in DATA/pantau.db
// (attack_overrides) over the defaults, each change audited (attack.update, attack.reset), and
// can take an entry back to its default. A case's reference is the entries of its techniques
// (a sub-technique without an entry of its own gets its parent's) and of its incident type.
//
// Thread-safety: AttackLibrary's methods may be called from any thread (the built-in entries are
// immutable; one connection behind a mutex for the overrides).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cases/workflow.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/db.h"

namespace pantau {

// A text in both languages of the UI.
struct LocalizedText {
  std::string id;  // Bahasa Indonesia
  std::string en;
  bool operator==(const LocalizedText&) const = default;
};

struct LocalizedList {
  std::vector<std::string> id;
  std::vector<std::string> en;
  bool operator==(const LocalizedList&) const = default;
};

struct AttackEntry {
  std::string id;  // an ATT&CK id (T1110, T1110.001) or an incident type key (gambling_injection)
  LocalizedText name;
  LocalizedText description;
  LocalizedList indicators;   // what to look for in logs and on the system
  LocalizedList mitigations;  // what to do about it, in practical steps
  std::string url;            // the ATT&CK page for a technique; empty for most incident types
  std::vector<std::string> related;  // ids of related entries
  std::string source = "builtin";    // builtin, override (a built-in an admin changed), custom
  std::string updated_by;            // the admin's change; empty for a built-in
  TimeNs updated = 0;

  // An ATT&CK technique (T1234 or T1234.567) rather than an incident type.
  bool IsTechnique() const;
  // {"id", "kind": "technique"|"incident", "name": {"id", "en"}, "description": {"id", "en"},
  //  "indicators": {"id": [...], "en": [...]}, "mitigations": {"id": [...], "en": [...]},
  //  "url"|null, "related": [...], "source", "updated_by"|null, "updated"|null}
  std::string ToJson() const;
};

// Checks one entry whole: a valid id, both languages of every text and list, lengths, an https
// URL (needed for a technique). Errors name the field.
Status ValidateAttackEntry(const AttackEntry& entry);

// Parses a library file: `entries:` a list of {id, name, description, indicators, mitigations,
// url?, related?}, each text a map {id, en} and each list a map of two lists. Every entry is
// validated; ids are unique. Errors name `source` and the line.
Result<std::vector<AttackEntry>> ParseAttackLibrary(std::string_view yaml, std::string_view source);

// What an admin sets on an entry; unset members keep the default (or the earlier change).
struct AttackEntryPatch {
  std::optional<LocalizedText> name;
  std::optional<LocalizedText> description;
  std::optional<LocalizedList> indicators;
  std::optional<LocalizedList> mitigations;
  std::optional<std::string> url;  // empty: none
  std::optional<std::vector<std::string>> related;
};

// An entry as it serves a case: why it is there.
struct AttackMatch {
  AttackEntry entry;
  std::string matched_by;  // technique, parent_technique, incident_type
  std::string matched;     // the case's technique id or incident type
};

struct CaseAttackReference {
  // The incident type's entry, the techniques' own entries in the case's order, then the parents
  // of sub-techniques that have none.
  std::vector<AttackMatch> items;
  std::vector<std::string> missing;  // the case's techniques the library has nothing on

  // {"items": [entry + "matched_by", "matched"], "next_cursor": null, "total": N, "missing"}
  std::string ToJson() const;
};

class AttackLibrary {
 public:
  // Parses the built-in library (Internal if it does not parse: a build that is broken).
  static Result<std::unique_ptr<AttackLibrary>> Open(const std::string& data_dir,
                                                     const Clock& clock);

  // Every entry with the admins' changes: incident types, then techniques, each by id.
  Result<std::vector<AttackEntry>> List();
  Result<AttackEntry> Get(std::string_view id);
  // Changes the fields of `patch` on entry `id`, or adds an entry of that id, which then needs
  // every field. The entry after the change must be whole (ValidateAttackEntry).
  Result<AttackEntry> Put(std::string_view id, const AttackEntryPatch& patch, const Actor& actor);
  // Drops the admins' changes of `id`: a built-in entry is its default again, one of their own
  // is gone (then NotFound on Get). NotFound when there were none.
  Result<std::optional<AttackEntry>> Reset(std::string_view id, const Actor& actor);
  // The entries of a case's techniques and incident type.
  Result<CaseAttackReference> ForCase(std::span<const std::string> techniques,
                                      std::string_view incident_type);

  size_t builtin_count() const { return builtin_.size(); }

 private:
  AttackLibrary(std::vector<AttackEntry> builtin, sqlite::Db db, const Clock& clock)
      : builtin_(std::move(builtin)), db_(std::move(db)), clock_(clock) {}
  const AttackEntry* Builtin(std::string_view id) const;
  // The entry `id` with its changes applied; nullopt when there is no such entry.
  Result<std::optional<AttackEntry>> GetLocked(std::string_view id);

  const std::vector<AttackEntry> builtin_;
  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
};

}  // namespace pantau
