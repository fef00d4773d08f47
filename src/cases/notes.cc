#include "cases/notes.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "auth/audit.h"
#include "auth/secrets.h"
#include "cases/case_ref.h"
#include "cases/json_text.h"
#include "cases/text.h"
#include "core/event.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr std::string_view kKinds[] = {"attack_form", "attack_scheme", "root_cause", "impact",
                                       "mitigation",  "handling",      "general"};

constexpr std::string_view kSelectNotes =
    "SELECT n.id, n.case_id, n.kind, n.created_by, n.created, r.revision, r.title, r.body, "
    "r.withdrawn, r.author, r.created FROM case_notes n JOIN case_note_revisions r ON r.note_id = "
    "n.id AND r.revision = (SELECT max(revision) FROM case_note_revisions WHERE note_id = n.id) ";

Note NoteOf(const sqlite::Stmt& s) {
  Note n;
  n.id = std::to_string(s.Int(0));
  n.case_id = std::to_string(s.Int(1));
  n.kind = s.Text(2);
  n.created_by = s.Text(3);
  n.created = s.Int(4);
  n.latest.revision = s.Int(5);
  n.latest.title = s.Text(6);
  n.latest.body = s.Text(7);
  n.latest.withdrawn = s.Int(8) != 0;
  n.latest.author = s.Text(9);
  n.latest.created = s.Int(10);
  n.revisions = n.latest.revision;
  return n;
}

Status CheckTitle(std::string& title) {
  title = TrimmedText(title);
  if (title.empty() || title.size() > NoteStore::kMaxTitle || !IsPrintableText(title, false)) {
    return InvalidArgument(
        fmt::format("title: 1 to {} printable characters on one line", NoteStore::kMaxTitle));
  }
  return Status::Ok();
}

Status CheckBody(const std::string& body) {
  if (body.size() > NoteStore::kMaxBodyBytes) {
    return TooLarge(
        fmt::format("body: {} bytes, more than the {} a note may hold; split it into "
                    "notes, or keep large material as evidence",
                    body.size(), NoteStore::kMaxBodyBytes));
  }
  if (!IsPrintableText(body, true)) {
    return InvalidArgument(
        "body: Markdown text (UTF-8, no control characters but newlines and "
        "tabs)");
  }
  return Status::Ok();
}

Result<int64_t> ParseNoteId(std::string_view id) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || end != id.data() + id.size() || v <= 0) {
    return NotFound(fmt::format("no note '{}'", id));
  }
  return v;
}

Status AddRevision(sqlite::Db& db, int64_t note_id, const NoteRevision& r) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db.Prepare("INSERT INTO case_note_revisions(note_id, revision, title, body, "
                              "withdrawn, author, created) VALUES(?, ?, ?, ?, ?, ?, ?)"));
  st.BindInt(1, note_id);
  st.BindInt(2, r.revision);
  st.BindText(3, r.title);
  st.BindText(4, r.body);
  st.BindInt(5, r.withdrawn ? 1 : 0);
  st.BindText(6, r.author);
  st.BindInt(7, r.created);
  return st.Run();
}

// What the audit trail keeps of a revision: the body by its hash and size, so that the chain
// vouches for the text without holding 200 KB copies of it.
nlohmann::json RevisionDetails(const CaseRef& ref, const Actor& actor, int64_t note_id,
                               const Note& note, const NoteRevision& r) {
  return {{"number", ref.number},
          {"role", RoleName(actor.role)},
          {"note", std::to_string(note_id)},
          {"kind", note.kind},
          {"revision", r.revision},
          {"title", r.title},
          {"body_sha256", Sha256Hex(r.body)},
          {"body_bytes", r.body.size()},
          {"withdrawn", r.withdrawn}};
}

}  // namespace

std::span<const std::string_view> NoteKinds() { return kKinds; }

std::string NoteRevision::ToJson() const {
  std::string out = fmt::format(R"({{"revision":{},"title":)", revision);
  AppendJsonString(out, title);
  out += R"(,"body":)";
  AppendJsonString(out, body);
  out += withdrawn ? R"(,"withdrawn":true,"author":)" : R"(,"withdrawn":false,"author":)";
  AppendJsonString(out, author);
  out += R"(,"created":)";
  AppendJsonString(out, FormatRfc3339(created));
  return out + "}";
}

std::string Note::ToJson() const {
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  out += R"(,"case_id":)";
  AppendJsonString(out, case_id);
  out += R"(,"kind":)";
  AppendJsonString(out, kind);
  out += R"(,"title":)";
  AppendJsonString(out, latest.title);
  out += R"(,"body":)";
  AppendJsonString(out, latest.body);
  out +=
      fmt::format(R"(,"withdrawn":{},"revisions":{},"created_by":)", latest.withdrawn, revisions);
  AppendJsonString(out, created_by);
  out += R"(,"created":)";
  AppendJsonString(out, FormatRfc3339(created));
  out += R"(,"updated_by":)";
  AppendJsonString(out, latest.author);
  out += R"(,"updated":)";
  AppendJsonString(out, FormatRfc3339(latest.created));
  return out + "}";
}

Result<std::unique_ptr<NoteStore>> NoteStore::Open(const std::string& data_dir,
                                                   const Clock& clock) {
  // Sha256Hex (the bodies' hashes in the audit trail) wants libsodium initialised; sodium_init is
  // idempotent and thread-safe.
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<NoteStore>(new NoteStore(std::move(db), clock));
}

Result<Note> NoteStore::GetLocked(int64_t case_id, std::string_view note_id) {
  ASSIGN_OR_RETURN(const int64_t n, ParseNoteId(note_id));
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare(std::string(kSelectNotes) + "WHERE n.id = ? AND n.case_id = ?"));
  st.BindInt(1, n);
  st.BindInt(2, case_id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no note '{}' on this case", note_id));
  return NoteOf(st);
}

Result<Note> NoteStore::Create(std::string_view case_id, const NewNote& input, const Actor& actor) {
  NewNote note = input;
  if (std::find(std::begin(kKinds), std::end(kKinds), note.kind) == std::end(kKinds)) {
    return InvalidArgument(fmt::format(
        "kind: '{}' is not one of attack_form, attack_scheme, root_cause, impact, mitigation, "
        "handling, general",
        note.kind));
  }
  RETURN_IF_ERROR(CheckTitle(note.title));
  RETURN_IF_ERROR(CheckBody(note.body));
  std::lock_guard lock(mu_);
  return InWriteTransaction(db_, [&]() -> Result<Note> {
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(const CaseRef ref, ReadCaseRef(db_, case_id));
    RETURN_IF_ERROR(CheckCaseOpen(ref, "a note"));
    int64_t id = 0;
    {
      ASSIGN_OR_RETURN(sqlite::Stmt st,
                       db_.Prepare("INSERT INTO case_notes(case_id, kind, created_by, created) "
                                   "VALUES(?, ?, ?, ?) RETURNING id"));
      st.BindInt(1, ref.id);
      st.BindText(2, note.kind);
      st.BindText(3, actor.name);
      st.BindInt(4, now);
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) return Internal("the note was not stored");
      id = st.Int(0);
      st.Reset();
    }
    const NoteRevision first{1, note.title, note.body, false, actor.name, now};
    RETURN_IF_ERROR(AddRevision(db_, id, first));
    ASSIGN_OR_RETURN(Note created, GetLocked(ref.id, std::to_string(id)));
    RETURN_IF_ERROR(AppendAudit(db_, now, actor.name, "note.create", CaseAuditObject(ref.id),
                                JsonText(RevisionDetails(ref, actor, id, created, first)))
                        .status());
    return created;
  });
}

Result<std::vector<Note>> NoteStore::List(std::string_view case_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const CaseRef ref, ReadCaseRef(db_, case_id));
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare(std::string(kSelectNotes) + "WHERE n.case_id = ? ORDER BY n.id"));
  st.BindInt(1, ref.id);
  std::vector<Note> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(NoteOf(st));
  }
  return out;
}

Result<Note> NoteStore::Get(std::string_view case_id, std::string_view note_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const CaseRef ref, ReadCaseRef(db_, case_id));
  return GetLocked(ref.id, note_id);
}

Result<Note> NoteStore::Revise(std::string_view case_id, std::string_view note_id,
                               const NoteChange& input, const Actor& actor) {
  NoteChange change = input;
  if (!change.title && !change.body && !change.withdrawn) {
    return InvalidArgument("nothing to change: give title, body or withdrawn");
  }
  if (change.title) RETURN_IF_ERROR(CheckTitle(*change.title));
  if (change.body) RETURN_IF_ERROR(CheckBody(*change.body));
  std::lock_guard lock(mu_);
  return InWriteTransaction(db_, [&]() -> Result<Note> {
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(const CaseRef ref, ReadCaseRef(db_, case_id));
    ASSIGN_OR_RETURN(const Note before, GetLocked(ref.id, note_id));
    RETURN_IF_ERROR(CheckCaseOpen(ref, "a note revision"));
    if (change.base_revision && *change.base_revision != before.revisions) {
      return FailedPrecondition(fmt::format(
          "note {} was revised since revision {}: revision {} is by {} at {}; read it and edit "
          "that",
          before.id, *change.base_revision, before.revisions, before.latest.author,
          FormatRfc3339(before.latest.created)));
    }
    NoteRevision next = before.latest;
    next.title = change.title.value_or(before.latest.title);
    next.body = change.body.value_or(before.latest.body);
    next.withdrawn = change.withdrawn.value_or(before.latest.withdrawn);
    if (next.title == before.latest.title && next.body == before.latest.body &&
        next.withdrawn == before.latest.withdrawn) {
      return before;  // nothing changed: no revision
    }
    next.revision = before.revisions + 1;
    next.author = actor.name;
    next.created = now;
    ASSIGN_OR_RETURN(const int64_t id, ParseNoteId(before.id));
    RETURN_IF_ERROR(AddRevision(db_, id, next));
    nlohmann::json details = RevisionDetails(ref, actor, id, before, next);
    nlohmann::json changed = nlohmann::json::array();
    if (next.title != before.latest.title) changed.push_back("title");
    if (next.body != before.latest.body) changed.push_back("body");
    if (next.withdrawn != before.latest.withdrawn) changed.push_back("withdrawn");
    details["changed"] = changed;
    RETURN_IF_ERROR(
        AppendAudit(db_, now, actor.name, "note.revise", CaseAuditObject(ref.id), JsonText(details))
            .status());
    return GetLocked(ref.id, before.id);
  });
}

Result<std::vector<NoteRevision>> NoteStore::Revisions(std::string_view case_id,
                                                       std::string_view note_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const CaseRef ref, ReadCaseRef(db_, case_id));
  ASSIGN_OR_RETURN(const Note note, GetLocked(ref.id, note_id));
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT revision, title, body, withdrawn, author, created FROM "
                               "case_note_revisions WHERE note_id = ? ORDER BY revision"));
  ASSIGN_OR_RETURN(const int64_t id, ParseNoteId(note.id));
  st.BindInt(1, id);
  std::vector<NoteRevision> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.Int(0), std::string(st.Text(1)), std::string(st.Text(2)), st.Int(3) != 0,
                   std::string(st.Text(4)), st.Int(5)});
  }
  return out;
}

}  // namespace pantau
