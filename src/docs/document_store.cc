#include "docs/document_store.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "auth/secrets.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau::docs {
namespace {

// Every column of a Document, in the order ReadDocument takes them.
constexpr std::string_view kColumns =
    "d.public_id, d.case_id, c.number, d.kind, d.version, d.state, d.language, d.number, "
    "d.draft_sha256, d.signed_sha256, d.signed_by, d.signer_name, d.signer_certified, "
    "d.signed_at, d.created_by, d.created";

Document ReadDocument(const sqlite::Stmt& st) {
  Document d;
  d.id = st.Text(0);
  d.case_id = st.Int(1);
  d.case_number = st.Text(2);
  if (auto kind = ParseDocumentKind(st.Text(3))) d.kind = *kind;
  d.version = st.Int(4);
  d.state = st.Text(5);
  d.language = st.Text(6);
  d.number = st.Text(7);
  d.draft_sha256 = st.Text(8);
  d.signed_sha256 = st.Text(9);
  d.signed_by = st.Text(10);
  d.signer_name = st.Text(11);
  d.signer_certified = st.Int(12) != 0;
  d.signed_at = st.Int(13);
  d.created_by = st.Text(14);
  d.created = st.Int(15);
  return d;
}

Result<Document> GetDocument(sqlite::Db& db, std::string_view id) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db.Prepare(fmt::format("SELECT {} FROM documents d JOIN cases c ON c.id = "
                                          "d.case_id WHERE d.public_id = ?",
                                          kColumns)));
  st.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no document '{}'", id));
  return ReadDocument(st);
}

}  // namespace

std::string Document::ToJson() const {
  nlohmann::json j = {
      {"id", id},
      {"case_id", std::to_string(case_id)},
      {"case_number", case_number},
      {"kind", DocumentKindName(kind)},
      {"version", version},
      {"state", state},
      {"language", language},
      {"number", number.empty() ? nlohmann::json() : nlohmann::json(number)},
      {"draft_sha256", draft_sha256},
      {"signed_sha256", signed_sha256.empty() ? nlohmann::json() : nlohmann::json(signed_sha256)},
      {"signed_by", signed_by.empty() ? nlohmann::json() : nlohmann::json(signed_by)},
      {"signer_name", signer_name.empty() ? nlohmann::json() : nlohmann::json(signer_name)},
      {"signer_certified", signed_at == 0 ? nlohmann::json() : nlohmann::json(signer_certified)},
      {"signed_at", signed_at == 0 ? nlohmann::json() : nlohmann::json(FormatRfc3339(signed_at))},
      {"created_by", created_by},
      {"created", FormatRfc3339(created)},
      {"pdf_url", "/api/v1/documents/" + id + ".pdf"},
      {"verify_url", "/api/v1/verify/" + id},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string NewDocumentId() { return RandomHex(10); }

Result<Document> FreezeDocumentLocked(sqlite::Db& db, std::string_view id, const NewDocument& doc,
                                      std::string_view actor, TimeNs now) {
  const std::string_view kind = DocumentKindName(doc.kind);
  int64_t version = 1;
  {
    ASSIGN_OR_RETURN(sqlite::Stmt st, db.Prepare("SELECT COALESCE(MAX(version), 0) + 1 FROM "
                                                 "documents WHERE case_id = ? AND kind = ?"));
    st.BindInt(1, doc.case_id);
    st.BindText(2, kind);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) version = st.Int(0);
  }
  {
    ASSIGN_OR_RETURN(sqlite::Stmt st,
                     db.Prepare("UPDATE documents SET state = 'superseded' WHERE case_id = ? AND "
                                "kind = ? AND state = 'frozen'"));
    st.BindInt(1, doc.case_id);
    st.BindText(2, kind);
    RETURN_IF_ERROR(st.Run());
  }
  ASSIGN_OR_RETURN(
      sqlite::Stmt ins,
      db.Prepare("INSERT INTO documents(public_id, case_id, kind, version, state, language, "
                 "content, draft_pdf, draft_sha256, created_by, created) "
                 "VALUES (?, ?, ?, ?, 'frozen', ?, ?, ?, ?, ?, ?)"));
  ins.BindText(1, id);
  ins.BindInt(2, doc.case_id);
  ins.BindText(3, kind);
  ins.BindInt(4, version);
  ins.BindText(5, doc.language);
  ins.BindText(6, doc.content);
  ins.BindBlobRef(7, doc.draft_pdf);
  ins.BindText(8, Sha256Hex(doc.draft_pdf));
  ins.BindText(9, actor);
  ins.BindInt(10, now);
  RETURN_IF_ERROR(ins.Run());
  return GetDocument(db, id);
}

Result<FrozenDocument> LatestDocumentLocked(sqlite::Db& db, int64_t case_id, DocumentKind kind) {
  ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db.Prepare(fmt::format("SELECT {}, d.content FROM documents d JOIN cases c ON c.id = "
                             "d.case_id WHERE d.case_id = ? AND d.kind = ? "
                             "ORDER BY d.version DESC LIMIT 1",
                             kColumns)));
  st.BindInt(1, case_id);
  st.BindText(2, DocumentKindName(kind));
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return NotFound(fmt::format("the case has no {} yet", DocumentKindName(kind)));
  }
  return FrozenDocument{ReadDocument(st), std::string(st.Text(16))};
}

Status SignDocumentLocked(sqlite::Db& db, std::string_view id, const Signature& signature) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db.Prepare("UPDATE documents SET state = 'signed', number = ?, signed_pdf = ?, "
                              "signed_sha256 = ?, signed_by = ?, signer_name = ?, "
                              "signer_certified = ?, signed_at = ? "
                              "WHERE public_id = ? AND state = 'frozen' RETURNING id"));
  st.BindText(1, signature.number);
  st.BindBlobRef(2, signature.pdf);
  st.BindText(3, Sha256Hex(signature.pdf));
  st.BindText(4, signature.signed_by);
  st.BindText(5, signature.signer_name);
  st.BindInt(6, signature.certified ? 1 : 0);
  st.BindInt(7, signature.at);
  st.BindText(8, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) {
    return FailedPrecondition(
        fmt::format("document '{}' is not waiting for a signature (signed or superseded)", id));
  }
  return st.Run();
}

Result<std::unique_ptr<DocumentStore>> DocumentStore::Open(const std::string& data_dir) {
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<DocumentStore>(new DocumentStore(std::move(db)));
}

Result<std::vector<Document>> DocumentStore::List(int64_t case_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare(fmt::format("SELECT {} FROM documents d JOIN cases c ON c.id = "
                                           "d.case_id WHERE d.case_id = ? ORDER BY d.id DESC",
                                           kColumns)));
  st.BindInt(1, case_id);
  std::vector<Document> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(ReadDocument(st));
  }
  return out;
}

Result<Document> DocumentStore::Get(std::string_view id) {
  std::lock_guard lock(mu_);
  return GetDocument(db_, id);
}

Result<std::string> DocumentStore::Content(std::string_view id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT content FROM documents WHERE public_id = ?"));
  st.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no document '{}'", id));
  return std::string(st.Text(0));
}

Result<std::string> DocumentStore::Pdf(std::string_view id, bool draft) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT draft_pdf, signed_pdf FROM documents WHERE public_id = ?"));
  st.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no document '{}'", id));
  const bool has_signed = st.KindAt(1) != ValueKind::kNull;
  return std::string(st.Text(draft || !has_signed ? 0 : 1));
}

Result<std::optional<Document>> DocumentStore::FindByHash(std::string_view sha256) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare(fmt::format("SELECT {} FROM documents d JOIN cases c ON c.id = "
                                           "d.case_id WHERE d.signed_sha256 = ?1 OR "
                                           "d.draft_sha256 = ?1 LIMIT 1",
                                           kColumns)));
  st.BindText(1, sha256);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Document>();
  return std::optional<Document>(ReadDocument(st));
}

}  // namespace pantau::docs
