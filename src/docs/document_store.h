// The SOP's documents of each case, kept in DATA/pantau.db: every version of its incident report
// or work report, frozen when the case is submitted (the content it was drawn from and the draft
// PDF never change again; a return and a new submission make the next version), and its
// notification letter; each with the signed PDF once a verifier or head has signed it, and the
// SHA-256 of every PDF kept. A document's id is random and unguessable because the public verify
// page (no login) is reached with it.
//
// The writes run inside the case's own write transaction (CaseStore::Act's hook), so a workflow
// step and its documents are stored together or not at all; reads use the store's connection.
//
// Thread-safety: the *Locked functions work on a connection the caller holds inside a write
// transaction; the methods may be called from any thread (one connection behind a mutex).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "docs/default_templates.h"
#include "store/sqlite/db.h"

namespace pantau::docs {

struct Document {
  std::string id;  // public, random
  int64_t case_id = 0;
  std::string case_number;
  DocumentKind kind = DocumentKind::kIncidentReport;
  int64_t version = 1;
  std::string state;  // frozen, signed, superseded
  std::string language;
  std::string number;  // empty until signed
  std::string draft_sha256, signed_sha256;
  std::string signed_by, signer_name;
  bool signer_certified = false;
  TimeNs signed_at = 0;
  std::string created_by;
  TimeNs created = 0;

  // {"id", "case_id", "case_number", "kind", "version", "state", "language", "number"|null,
  //  "draft_sha256", "signed_sha256"|null, "signed_by"|null, "signer_name"|null,
  //  "signer_certified"|null, "signed_at"|null, "created_by", "created", "pdf_url",
  //  "verify_url"}
  std::string ToJson() const;
};

struct NewDocument {
  int64_t case_id = 0;
  DocumentKind kind = DocumentKind::kIncidentReport;
  std::string language;
  std::string content;    // JSON
  std::string draft_pdf;  // drawn from `content`
};

struct Signature {
  std::string number;
  std::string pdf;  // the signed PDF
  std::string signed_by, signer_name;
  bool certified = false;
  TimeNs at = 0;
};

// A new random public id, for the document about to be made (its verify link is drawn into it).
std::string NewDocumentId();

// Stores `doc` under `id` as the next version of its case's kind, frozen; the earlier unsigned
// versions of that kind become superseded.
Result<Document> FreezeDocumentLocked(sqlite::Db& db, std::string_view id, const NewDocument& doc,
                                      std::string_view actor, TimeNs now);
// The newest version of a kind, with its content; NotFound when there is none.
struct FrozenDocument {
  Document document;
  std::string content;
};
Result<FrozenDocument> LatestDocumentLocked(sqlite::Db& db, int64_t case_id, DocumentKind kind);
// Records the signature of a frozen document. FailedPrecondition when it is signed already or
// superseded.
Status SignDocumentLocked(sqlite::Db& db, std::string_view id, const Signature& signature);

class DocumentStore {
 public:
  static Result<std::unique_ptr<DocumentStore>> Open(const std::string& data_dir);

  // Every version of the case's documents, newest first.
  Result<std::vector<Document>> List(int64_t case_id);
  Result<Document> Get(std::string_view id);
  // The values the document was drawn from (JSON).
  Result<std::string> Content(std::string_view id);
  // The signed PDF, or the draft when not signed (or when `draft`).
  Result<std::string> Pdf(std::string_view id, bool draft);
  // The document whose signed or draft PDF has this SHA-256.
  Result<std::optional<Document>> FindByHash(std::string_view sha256);

 private:
  explicit DocumentStore(sqlite::Db db) : db_(std::move(db)) {}

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
};

}  // namespace pantau::docs
