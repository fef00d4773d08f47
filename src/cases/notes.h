// Notes of the investigation workspace (SOP step 4: "study the attack's form, scheme, mitigation
// and handling; find the incident's cause"): Markdown written on a case, each of one kind. A note
// is the list of its revisions: an edit adds a revision with who and when, nothing is overwritten
// or deleted (SQLite triggers refuse it), and a note is withdrawn by a revision that says so.
// Every note created or revised writes its audit entry (note.create, note.revise on the case's
// object, with the body's SHA-256) in the same transaction. A closed case takes no new notes and
// no revisions. The body is stored as the Markdown source; whoever shows it renders it safely.
//
// Thread-safety: all methods may be called from any thread (one connection behind a mutex);
// writers on other connections are ordered by SQLite's write lock (BEGIN IMMEDIATE).
#pragma once

#include <cstdint>
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

// The headings of the SOP's step 4, and "general" for the rest:
// attack_form, attack_scheme, root_cause, impact, mitigation, handling, general.
std::span<const std::string_view> NoteKinds();

struct NoteRevision {
  int64_t revision = 0;  // 1, 2, 3, ...
  std::string title;
  std::string body;  // Markdown source
  bool withdrawn = false;
  std::string author;
  TimeNs created = 0;

  // {"revision", "title", "body", "withdrawn", "author", "created"}
  std::string ToJson() const;
};

struct Note {
  std::string id;
  std::string case_id;
  std::string kind;
  std::string created_by;
  TimeNs created = 0;
  NoteRevision latest;
  int64_t revisions = 0;  // how many; also the latest revision's number

  // {"id", "case_id", "kind", "title", "body", "withdrawn", "revisions", "created_by", "created",
  //  "updated_by", "updated"}: the latest revision, and who wrote it when.
  std::string ToJson() const;
};

struct NewNote {
  std::string kind;
  std::string title;
  std::string body;
};

// What a revision changes; unset members stay as they are.
struct NoteChange {
  std::optional<std::string> title;
  std::optional<std::string> body;
  std::optional<bool> withdrawn;
  // The revision the writer started from: when given and no longer the latest, the change is
  // refused (FailedPrecondition) so that nobody writes over an edit they have not seen.
  std::optional<int64_t> base_revision;
};

class NoteStore {
 public:
  static constexpr size_t kMaxTitle = 200;
  static constexpr size_t kMaxBodyBytes = 200 * 1024;

  static Result<std::unique_ptr<NoteStore>> Open(const std::string& data_dir, const Clock& clock);

  // `case_id` is a case's id or number. InvalidArgument for a bad kind or title, TooLarge for a
  // body over kMaxBodyBytes, FailedPrecondition for a closed case.
  Result<Note> Create(std::string_view case_id, const NewNote& note, const Actor& actor);
  // Every note of the case, withdrawn ones too, oldest first.
  Result<std::vector<Note>> List(std::string_view case_id);
  Result<Note> Get(std::string_view case_id, std::string_view note_id);
  // A new revision with the change; a change that changes nothing adds none and returns the note
  // as it is.
  Result<Note> Revise(std::string_view case_id, std::string_view note_id, const NoteChange& change,
                      const Actor& actor);
  // Every revision, oldest first.
  Result<std::vector<NoteRevision>> Revisions(std::string_view case_id, std::string_view note_id);

 private:
  NoteStore(sqlite::Db db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
  Result<Note> GetLocked(int64_t case_id, std::string_view note_id);

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
};

}  // namespace pantau
