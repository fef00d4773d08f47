// The documents each step of a case makes (SOP steps 6 to 10), and how anyone checks them:
//
//   submit  -> the report (incident report, or work report for a false positive) is frozen as a
//              new version: its content and draft PDF never change again;
//   return  -> the frozen version will not be signed (superseded); the next submit makes another;
//   verify  -> a false positive's work report is numbered and signed by the verifying
//              coordinator (the case then closes without a letter);
//   approve -> the incident report is numbered and signed by the head, and the notification
//              letter to the system's operator is made, numbered and signed by the head.
//
// Each document is drawn from the case's content (case_content.h) with a template
// (templates/*.md, or an admin's), and carries a QR code and link to its public verify page.
// The work runs inside the action's transaction (CaseStore::ActHook), so a step and its
// documents are kept together or not at all; numbers come from the yearly sequence then.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/cases.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "docs/case_content.h"
#include "docs/document_store.h"
#include "notify/mail_message.h"

namespace pantau::docs {

struct DocumentSettings {
  Config::Documents config;
  std::string data_dir;
};

// What the public verify page says about a document and, when one was sent, a PDF file.
struct Verification {
  Document document;
  bool checked_upload = false;  // a PDF was sent; else the stored one was checked
  bool matches_stored = false;  // the PDF checked is byte for byte the stored signed one
  bool valid = false;           // every signature valid and the last covers the whole file
  std::string problem;          // why not valid, for people
  struct Signer {
    std::string name, subject, issuer;
    TimeNs time = 0;
    bool valid = false, covers_whole_document = false, self_signed = false;
    std::string problem;
  };
  std::vector<Signer> signatures;

  // {"valid", "problem"|null, "checked": "stored"|"upload", "matches_stored", "document": {"id",
  //  "kind", "number", "version", "signed_by", "signer_name", "signer_certified", "signed_at",
  //  "sha256"}, "signatures": [{"signer", "subject", "issuer", "time", "valid",
  //  "covers_whole_document", "self_signed", "problem"|null}]}: nothing of the case's content.
  std::string ToJson() const;
  // The same as a small HTML page in Indonesian with English beside, every value escaped.
  std::string ToHtml() const;
};

class CaseDocuments {
 public:
  static Result<std::unique_ptr<CaseDocuments>> Open(DocumentSettings settings,
                                                     const CaseContentSources& sources,
                                                     const Clock& clock);
  ~CaseDocuments();

  // For `action` about to be taken on the case by `actor`: gathers now what its documents need
  // (the content, the signer's certificate) and returns the work to run inside the action's
  // transaction; an empty hook when the action makes no document.
  Result<CaseStore::ActHook> Prepare(std::string_view case_id, CaseAction action,
                                     const Actor& actor);

  // The base of verify links when documents.public_url is not set: the server's own address,
  // known once it listens. REQUIRES: called before the first request is served.
  void SetDefaultPublicUrl(std::string url);

  // After a submission: the chain of custody of every evidence item the new report version lists
  // records that it was attached to it (evidence.h kAttached).
  Status RecordAttachedEvidence(std::string_view case_id, const Actor& actor);

  Result<std::vector<Document>> List(std::string_view case_id);
  // The report as it would be frozen now if `actor` submitted it, not stored.
  Result<std::string> PreviewReport(std::string_view case_id, const Actor& actor);
  // The newest report (or letter) of the case: its signed PDF, else its draft.
  Result<std::string> LatestPdf(std::string_view case_id, bool letter);
  Result<std::string> Pdf(std::string_view document_id, bool draft);
  Result<Document> Get(std::string_view document_id);
  // The e-mail that takes the case's signed letter to its systems' operators (SOP step 10),
  // with the signed report attached when the letter says so. FailedPrecondition when there is
  // no signed letter yet or the registry knows no e-mail address of the operators.
  // The sender is left for the dispatcher (notify.smtp.from).
  Result<MailMessage> LetterMail(std::string_view case_id);
  // The case's page in the web UI, for notifications.
  std::string CaseUrl(std::string_view case_number) const;

  // Checks the stored document, or `uploaded` when given, against the record.
  Result<Verification> Verify(std::string_view document_id,
                              std::optional<std::string_view> uploaded);

 private:
  class Impl;
  explicit CaseDocuments(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pantau::docs
