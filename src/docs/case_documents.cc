#include "docs/case_documents.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "auth/audit.h"
#include "auth/secrets.h"
#include "cases/case_ref.h"
#include "cases/evidence.h"
#include "cases/json_text.h"
#include "core/time.h"
#include "docs/default_templates.h"
#include "docs/numbering.h"
#include "docs/pdf_renderer.h"
#include "docs/pdf_signature.h"
#include "docs/signers.h"

namespace pantau::docs {
namespace {

using nlohmann::json;

std::string KindLabel(DocumentKind kind, std::string_view language) {
  const bool en = language == "en";
  switch (kind) {
    case DocumentKind::kIncidentReport:
      return en ? "Cyber incident report" : "Laporan Insiden Siber";
    case DocumentKind::kWorkReport:
      return en ? "Work report" : "Laporan Kerja";
    case DocumentKind::kLetter:
      return en ? "Notification letter" : "Surat Pemberitahuan";
  }
  return "";
}

// When the case last entered `state`, from its history; 0 when never.
TimeNs EnteredAt(const CaseSnapshot& w, CaseState state) {
  TimeNs at = 0;
  for (const StateEntry& e : w.history) {
    if (e.state == state) at = e.entered_at;
  }
  return at;
}

// One party of a signature block as the templates' {{signature ...}} takes it.
json Party(std::string_view role, const Person& p, const std::string& place,
           const std::string& date) {
  return {{"role", role}, {"position", p.position}, {"name", p.name},
          {"nip", p.nip}, {"place", place},         {"date", date}};
}

std::chrono::system_clock::time_point SystemTime(TimeNs t) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(t)));
}

}  // namespace

class CaseDocuments::Impl {
 public:
  Impl(DocumentSettings settings, const CaseContentSources& sources, const Clock& clock,
       std::unique_ptr<DocumentStore> store)
      : settings_(std::move(settings)),
        sources_(sources),
        clock_(clock),
        store_(std::move(store)),
        signers_(settings_.config, settings_.data_dir, clock),
        public_url_(settings_.config.public_url) {}

  const Config::Documents& config() const { return settings_.config; }
  DocumentStore& store() { return *store_; }
  const CaseContentSources& sources() const { return sources_; }
  const Clock& clock() const { return clock_; }
  SignerDirectory& signers() { return signers_; }

  std::string CaseUrl(std::string_view number) const {
    return public_url_ + "/cases/" + std::string(number);
  }
  std::string VerifyUrl(std::string_view id) const {
    return public_url_ + "/api/v1/verify/" + std::string(id);
  }
  void SetDefaultPublicUrl(std::string url) {
    if (public_url_.empty()) public_url_ = std::move(url);
  }
  std::string Date(TimeNs t) const {
    return FormatDocumentDate(t, config().language, config().time_zone);
  }

  Result<json> Content(std::string_view case_id, const Actor& reporter) {
    return GatherCaseContent(sources_, case_id, config(), config().language,
                             signers_.Profile(reporter), clock_.Now());
  }

  // Draws `kind` from `values` (the content with "document" and the signature parties added).
  Result<std::string> Render(DocumentKind kind, const json& values, std::string_view id, bool draft,
                             TimeNs now) {
    ASSIGN_OR_RETURN(std::string text,
                     LoadTemplate(config().templates_dir, kind, config().language));
    RenderRequest r;
    r.template_text = std::move(text);
    r.values = values;
    r.letterhead = {config().government, config().office, config().address, config().logo};
    r.language = config().language;
    r.qr_url = draft ? "" : VerifyUrl(id);
    const json& c = values["case"];
    const json& d = values["document"];
    r.footer = fmt::format("{} | {}{}", draft ? c.value("number", "") : d.value("number", ""),
                           d.value("classification", ""),
                           draft ? (config().language == "en" ? " | DRAFT" : " | KONSEP") : "");
    r.title = KindLabel(kind, config().language) + " " + c.value("number", "");
    r.author = config().team_name;
    r.created_at = now;
    ASSIGN_OR_RETURN(RenderedPdf pdf, RenderPdf(r));
    return std::move(pdf.bytes);
  }

  // Sets the "document" member's id, number and link for a rendering of `values`.
  void SetDocument(json& values, std::string_view id, DocumentKind kind, int64_t version,
                   std::string_view number) const {
    const bool en = config().language == "en";
    json& d = values["document"];
    d["id"] = id;
    d["kind"] = DocumentKindName(kind);
    d["title"] = KindLabel(kind, config().language);
    d["version"] = version;
    d["number"] = number.empty()
                      ? (en ? "(numbered when approved)" : "(diberi nomor saat disahkan)")
                      : std::string(number);
    d["verify_url"] = id.empty() ? "" : VerifyUrl(id);
    d["signature_note"] = "";
  }

  // Freezes a new version of `kind` from `content` (a submission's work), with its draft PDF.
  Result<Document> Freeze(sqlite::Db& db, int64_t case_n, DocumentKind kind, const json& content,
                          const Actor& actor, TimeNs now) {
    const std::string id = NewDocumentId();
    int64_t version = 1;
    if (auto latest = LatestDocumentLocked(db, case_n, kind); latest.ok()) {
      version = latest->document.version + 1;
    }
    json values = content;
    SetDocument(values, id, kind, version, "");
    ASSIGN_OR_RETURN(std::string draft, Render(kind, values, id, true, now));
    ASSIGN_OR_RETURN(const Document doc, FreezeDocumentLocked(db, id,
                                                              {case_n, kind, config().language,
                                                               content.dump(), std::move(draft)},
                                                              actor.name, now));
    const json details = {{"document", doc.id},
                          {"kind", DocumentKindName(kind)},
                          {"version", doc.version},
                          {"sha256", doc.draft_sha256}};
    RETURN_IF_ERROR(AppendAudit(db, now, actor.name, "document.freeze", CaseAuditObject(case_n),
                                JsonText(details))
                        .status());
    return doc;
  }

  // The version of `kind` waiting for its signature. A case submitted before Pantau made
  // documents has none: it is frozen now from `fallback`, the case as it is.
  Result<FrozenDocument> Waiting(sqlite::Db& db, int64_t case_n, DocumentKind kind,
                                 const std::optional<json>& fallback, const Actor& actor,
                                 TimeNs now) {
    auto latest = LatestDocumentLocked(db, case_n, kind);
    if (latest.ok() && latest->document.state == "frozen") return latest;
    if (!fallback) {
      return latest.ok() ? FailedPrecondition(fmt::format("the latest {} is not waiting for a "
                                                          "signature",
                                                          DocumentKindName(kind)))
                         : latest.status();
    }
    RETURN_IF_ERROR(Freeze(db, case_n, kind, *fallback, actor, now).status());
    return LatestDocumentLocked(db, case_n, kind);
  }

  // The content to freeze at a signature when the case has no version waiting (see Waiting).
  Result<std::optional<json>> FallbackContent(const Case& c, DocumentKind kind,
                                              const Actor& actor) {
    ASSIGN_OR_RETURN(const std::vector<Document> list, store().List(std::stoll(c.id)));
    for (const Document& d : list) {
      if (d.kind == kind && d.state == "frozen") return std::optional<json>();
    }
    const Actor reporter = c.workflow.report_authors.empty()
                               ? actor
                               : Actor{c.workflow.report_authors.front(), Role::kAnalyst};
    ASSIGN_OR_RETURN(json content, Content(c.id, reporter));
    return std::optional<json>(std::move(content));
  }

  // What the document says about its signature: plainly when it is not a certified one.
  std::string SignatureNote(const Signer& s) const {
    if (config().language == "en") {
      return s.certified ? fmt::format(
                               "Signed electronically by {} with an electronic "
                               "certificate; check it with the QR code.",
                               s.full_name)
                         : fmt::format(
                               "Signed electronically by {} with a certificate of this "
                               "Pantau installation, NOT a certified electronic "
                               "certificate (BSrE); check it with the QR code.",
                               s.full_name);
    }
    return s.certified ? fmt::format(
                             "Ditandatangani secara elektronik oleh {} dengan sertifikat "
                             "elektronik; periksa keasliannya melalui kode QR.",
                             s.full_name)
                       : fmt::format(
                             "Ditandatangani secara elektronik oleh {} dengan sertifikat "
                             "instalasi Pantau, BUKAN sertifikat elektronik tersertifikasi "
                             "(BSrE); periksa keasliannya melalui kode QR.",
                             s.full_name);
  }

  Result<std::string> TakeNumber(sqlite::Db& db, std::string_view classification, TimeNs now) {
    const LocalDate d = LocalDateOf(now);
    ASSIGN_OR_RETURN(const int64_t seq, TakeSequenceNumber(db, config().unit, d.year));
    return FormatNumber(config().number_pattern,
                        {std::string(classification.empty() ? "B" : classification), seq,
                         config().unit, config().archive_code, d.month, d.year});
  }

  // Numbers, draws and signs the frozen `doc` with `values`; records the signature.
  Status SignFrozen(sqlite::Db& db, const Document& doc, json values, const Signer& signer,
                    const Actor& actor, TimeNs now) {
    ASSIGN_OR_RETURN(const std::string number,
                     TakeNumber(db, values["case"].value("classification", "B"), now));
    SetDocument(values, doc.id, doc.kind, doc.version, number);
    values["document"]["signature_note"] = SignatureNote(signer);
    if (doc.kind == DocumentKind::kLetter) values["letter"]["number"] = number;
    ASSIGN_OR_RETURN(const std::string pdf, Render(doc.kind, values, doc.id, false, now));
    SignatureRequest request;
    request.signer_name = signer.full_name;
    request.reason = fmt::format("{} {}", KindLabel(doc.kind, config().language), number);
    request.location = config().place;
    request.time = SystemTime(now);
    ASSIGN_OR_RETURN(std::string signed_pdf, SignPdf(pdf, *signer.identity, request));
    RETURN_IF_ERROR(SignDocumentLocked(
        db, doc.id, {number, signed_pdf, actor.name, signer.full_name, signer.certified, now}));
    const json details = {{"document", doc.id},
                          {"kind", DocumentKindName(doc.kind)},
                          {"version", doc.version},
                          {"number", number},
                          {"sha256", Sha256Hex(signed_pdf)},
                          {"signer", signer.full_name},
                          {"certified", signer.certified}};
    return AppendAudit(db, now, actor.name, "document.sign", CaseAuditObject(doc.case_id),
                       JsonText(details))
        .status();
  }

 private:
  struct LocalDate {
    int year = 0, month = 0;
  };
  LocalDate LocalDateOf(TimeNs t) const {
    const int64_t days =
        (t / kNsPerSecond + int64_t{ZoneOffsetMinutes(config().time_zone)} * 60) / 86400;
    const CivilDate d = CivilFromDays(days);
    return {d.year, d.month};
  }

  const DocumentSettings settings_;
  const CaseContentSources sources_;
  const Clock& clock_;
  std::unique_ptr<DocumentStore> store_;
  SignerDirectory signers_;
  std::string public_url_;  // set before serving, read-only after
};

CaseDocuments::CaseDocuments(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CaseDocuments::~CaseDocuments() = default;

Result<std::unique_ptr<CaseDocuments>> CaseDocuments::Open(DocumentSettings settings,
                                                           const CaseContentSources& sources,
                                                           const Clock& clock) {
  RETURN_IF_ERROR(CheckNumberPattern(settings.config.number_pattern));
  ASSIGN_OR_RETURN(std::unique_ptr<DocumentStore> store, DocumentStore::Open(settings.data_dir));
  return std::unique_ptr<CaseDocuments>(new CaseDocuments(
      std::make_unique<Impl>(std::move(settings), sources, clock, std::move(store))));
}

Result<CaseStore::ActHook> CaseDocuments::Prepare(std::string_view case_id, CaseAction action,
                                                  const Actor& actor) {
  Impl& impl = *impl_;
  ASSIGN_OR_RETURN(const Case c, impl.sources().cases.Get(case_id));
  // A move the workflow refuses makes nothing: the action itself answers why.
  auto after = ApplyAction(c.workflow, action, actor, "-", impl.clock().Now());
  if (!after.ok()) return CaseStore::ActHook{};
  const bool false_positive = after->verdict == Verdict::kFalsePositive;

  const bool en = impl.config().language == "en";
  switch (action) {
    case CaseAction::kSubmit: {
      ASSIGN_OR_RETURN(json content, impl.Content(case_id, actor));
      const DocumentKind kind =
          false_positive ? DocumentKind::kWorkReport : DocumentKind::kIncidentReport;
      return CaseStore::ActHook(
          [&impl, content = std::move(content), kind, actor](
              sqlite::Db& db, const Case& before, const CaseSnapshot&, TimeNs now) -> Status {
            return impl.Freeze(db, std::stoll(before.id), kind, content, actor, now).status();
          });
    }
    case CaseAction::kReturn:
      return CaseStore::ActHook(
          [](sqlite::Db& db, const Case& before, const CaseSnapshot&, TimeNs) -> Status {
            ASSIGN_OR_RETURN(sqlite::Stmt st,
                             db.Prepare("UPDATE documents SET state = 'superseded' WHERE "
                                        "case_id = ? AND state = 'frozen'"));
            st.BindInt(1, std::stoll(before.id));
            return st.Run();
          });
    case CaseAction::kVerify: {
      // A false positive ends here: the verifying coordinator signs the work report.
      if (!false_positive) return CaseStore::ActHook{};
      ASSIGN_OR_RETURN(const Signer signer, impl.signers().For(actor));
      const Person verifier{signer.full_name, signer.position, signer.nip};
      ASSIGN_OR_RETURN(std::optional<json> fallback,
                       impl.FallbackContent(c, DocumentKind::kWorkReport, actor));
      return CaseStore::ActHook(
          [&impl, signer, verifier, fallback, actor, en](
              sqlite::Db& db, const Case& before, const CaseSnapshot&, TimeNs now) -> Status {
            ASSIGN_OR_RETURN(FrozenDocument report,
                             impl.Waiting(db, std::stoll(before.id), DocumentKind::kWorkReport,
                                          fallback, actor, now));
            json values = json::parse(report.content, nullptr, false);
            values["verifier"] = Party(en ? "Verified by," : "Diverifikasi oleh,", verifier,
                                       impl.config().place, impl.Date(now));
            return impl.SignFrozen(db, report.document, std::move(values), signer, actor, now);
          });
    }
    case CaseAction::kApprove: {
      // The head signs the incident report and the letter to the system's operator.
      ASSIGN_OR_RETURN(const Signer signer, impl.signers().For(actor));
      const Person head{signer.full_name, signer.position, signer.nip};
      const Person verifier = impl.signers().Profile({c.workflow.verified_by, Role::kCoordinator});
      const TimeNs verified_at = EnteredAt(c.workflow, CaseState::kVerified);
      ASSIGN_OR_RETURN(std::optional<json> fallback,
                       impl.FallbackContent(c, DocumentKind::kIncidentReport, actor));
      return CaseStore::ActHook([&impl, signer, head, verifier, verified_at, fallback, actor, en](
                                    sqlite::Db& db, const Case& before, const CaseSnapshot&,
                                    TimeNs now) -> Status {
        const int64_t case_n = std::stoll(before.id);
        const std::string& place = impl.config().place;
        ASSIGN_OR_RETURN(
            FrozenDocument report,
            impl.Waiting(db, case_n, DocumentKind::kIncidentReport, fallback, actor, now));
        json values = json::parse(report.content, nullptr, false);
        values["verifier"] = Party(en ? "Verified by," : "Diverifikasi oleh,", verifier, place,
                                   impl.Date(verified_at));
        values["approver"] =
            Party(en ? "Approved by," : "Disahkan oleh,", head, place, impl.Date(now));
        RETURN_IF_ERROR(impl.SignFrozen(db, report.document, values, signer, actor, now));

        // The letter, from the same content as the report; the report goes with it when its
        // classification is Biasa (ordinary).
        const bool attached = values["case"].value("classification", "B") == "B";
        json& letter = values["letter"];
        letter["attachments"] = attached ? (en ? "1 (one) file" : "1 (satu) berkas") : "-";
        letter["attached"] = attached ? "1" : "";
        letter["date"] = impl.Date(now);
        values["signer"] = Party("", head, place, impl.Date(now));
        const std::string id = NewDocumentId();
        impl.SetDocument(values, id, DocumentKind::kLetter, 1, "");
        ASSIGN_OR_RETURN(std::string draft,
                         impl.Render(DocumentKind::kLetter, values, id, true, now));
        ASSIGN_OR_RETURN(const Document doc, FreezeDocumentLocked(db, id,
                                                                  {case_n, DocumentKind::kLetter,
                                                                   impl.config().language,
                                                                   values.dump(), std::move(draft)},
                                                                  actor.name, now));
        return impl.SignFrozen(db, doc, std::move(values), signer, actor, now);
      });
    }
    default:
      return CaseStore::ActHook{};
  }
}

void CaseDocuments::SetDefaultPublicUrl(std::string url) {
  impl_->SetDefaultPublicUrl(std::move(url));
}

Status CaseDocuments::RecordAttachedEvidence(std::string_view case_id, const Actor& actor) {
  ASSIGN_OR_RETURN(const std::vector<Document> list, List(case_id));
  if (list.empty() || list.front().kind == DocumentKind::kLetter) return Status::Ok();
  const Document& report = list.front();  // the version just frozen
  const std::string note =
      fmt::format("{} v{} ({})", KindLabel(report.kind, "id"), report.version, report.id);
  EvidenceStore& evidence = impl_->sources().evidence;
  std::string cursor;
  do {
    ASSIGN_OR_RETURN(const EvidencePage page, evidence.List(case_id, 500, cursor));
    for (const EvidenceItem& item : page.items) {
      RETURN_IF_ERROR(
          evidence.RecordCustody(case_id, item.id, CustodyEventKind::kAttached, actor, note)
              .status());
    }
    cursor = page.next_cursor;
  } while (!cursor.empty());
  return Status::Ok();
}

Result<std::vector<Document>> CaseDocuments::List(std::string_view case_id) {
  ASSIGN_OR_RETURN(const Case c, impl_->sources().cases.Get(case_id));
  return impl_->store().List(std::stoll(c.id));
}

Result<std::string> CaseDocuments::PreviewReport(std::string_view case_id, const Actor& actor) {
  ASSIGN_OR_RETURN(const Case c, impl_->sources().cases.Get(case_id));
  ASSIGN_OR_RETURN(json values, impl_->Content(case_id, actor));
  const DocumentKind kind = c.workflow.verdict == Verdict::kFalsePositive
                                ? DocumentKind::kWorkReport
                                : DocumentKind::kIncidentReport;
  const TimeNs now = impl_->clock().Now();
  impl_->SetDocument(values, "", kind, 0, "");
  return impl_->Render(kind, values, "", true, now);
}

Result<std::string> CaseDocuments::LatestPdf(std::string_view case_id, bool letter) {
  ASSIGN_OR_RETURN(const std::vector<Document> list, List(case_id));
  for (const Document& d : list) {  // newest first
    if ((d.kind == DocumentKind::kLetter) == letter) return impl_->store().Pdf(d.id, false);
  }
  return NotFound(letter ? "the case has no letter yet: it is made when the head approves"
                         : "the case has no report yet: it is made when the case is submitted");
}

Result<std::string> CaseDocuments::Pdf(std::string_view document_id, bool draft) {
  return impl_->store().Pdf(document_id, draft);
}

Result<Document> CaseDocuments::Get(std::string_view document_id) {
  return impl_->store().Get(document_id);
}

std::string CaseDocuments::CaseUrl(std::string_view case_number) const {
  return impl_->CaseUrl(case_number);
}

Result<MailMessage> CaseDocuments::LetterMail(std::string_view case_id) {
  ASSIGN_OR_RETURN(const std::vector<Document> list, List(case_id));
  const Document* letter = nullptr;
  const Document* report = nullptr;
  for (const Document& d : list) {  // newest first
    if (d.state != "signed") continue;
    if (d.kind == DocumentKind::kLetter && letter == nullptr) letter = &d;
    if (d.kind == DocumentKind::kIncidentReport && report == nullptr) report = &d;
  }
  if (letter == nullptr) {
    return FailedPrecondition("the case has no signed letter: the head signs it when approving");
  }
  ASSIGN_OR_RETURN(const std::string content_text, impl_->store().Content(letter->id));
  const json content = json::parse(content_text, nullptr, false);
  MailMessage mail;
  for (const json& system : content.value("systems", json::array())) {
    const json op = system.value("operator", json::object());
    for (const json& email : op.value("emails", json::array())) {
      if (!email.is_string()) continue;
      MailAddress to{op.value("head_name", ""), email.get<std::string>()};
      const bool seen = std::any_of(mail.to.begin(), mail.to.end(),
                                    [&](const MailAddress& a) { return a.address == to.address; });
      if (!seen) mail.to.push_back(std::move(to));
    }
  }
  if (mail.to.empty()) {
    return FailedPrecondition(
        "no e-mail address of the operators of the case's systems is in the registry: add one "
        "to the system (Sistem Elektronik), or hand the letter over yourself");
  }
  const bool en = impl_->config().language == "en";
  const json& l = content["letter"];
  const std::string system = content["system"].value("name", "");
  mail.subject = fmt::format("{}: {} ({})", l.value("subject", ""), system, letter->number);
  const std::string_view body =
      en ? "Dear Sir or Madam,\n\nPlease find attached our letter {} about a cyber incident on "
           "{}, signed electronically. Its authenticity can be checked at {}.\n\nRegards,\n{}\n"
         : "Yth. Bapak/Ibu,\n\nTerlampir surat kami nomor {} tentang insiden siber pada {}, "
           "ditandatangani secara elektronik. Keaslian surat dapat diperiksa di {}.\n\n"
           "Hormat kami,\n{}\n";
  mail.body = fmt::format(fmt::runtime(body), letter->number, system, impl_->VerifyUrl(letter->id),
                          impl_->config().team_name);
  auto attach = [&](const Document& d) -> Status {
    ASSIGN_OR_RETURN(std::string pdf, impl_->store().Pdf(d.id, false));
    std::string name;
    for (char ch : d.number) name += (ch == '/' || ch == '\\') ? '-' : ch;
    mail.attachments.push_back({name + ".pdf", "application/pdf", std::move(pdf)});
    return Status::Ok();
  };
  RETURN_IF_ERROR(attach(*letter));
  if (!l.value("attached", "").empty() && report != nullptr) RETURN_IF_ERROR(attach(*report));
  return mail;
}

Result<Verification> CaseDocuments::Verify(std::string_view document_id,
                                           std::optional<std::string_view> uploaded) {
  Verification v;
  ASSIGN_OR_RETURN(v.document, impl_->store().Get(document_id));
  v.checked_upload = uploaded.has_value();
  if (v.document.state != "signed") {
    v.problem = "this document has not been signed: it is a draft";
    return v;
  }
  ASSIGN_OR_RETURN(const std::string stored, impl_->store().Pdf(document_id, false));
  const std::string_view pdf = uploaded ? *uploaded : std::string_view(stored);
  const std::string sha256 = Sha256Hex(pdf);
  v.matches_stored = sha256 == v.document.signed_sha256;
  auto checks = VerifyPdf(pdf);
  if (!checks.ok()) {
    v.problem = "the file cannot be read as a PDF: " + checks.status().message();
    return v;
  }
  for (const SignatureCheck& s : *checks) {
    v.signatures.push_back(
        {s.signer_common_name.empty() ? s.signer_name : s.signer_common_name, s.subject, s.issuer,
         std::chrono::duration_cast<std::chrono::nanoseconds>(s.time.time_since_epoch()).count(),
         s.valid, s.covers_whole_document, s.self_signed, s.reason_if_invalid});
  }
  if (v.signatures.empty()) {
    v.problem = "the file carries no signature";
  } else if (!v.matches_stored) {
    v.problem = uploaded ? "the file differs from the document Pantau signed (SHA-256 " + sha256 +
                               ", the signed document's is " + v.document.signed_sha256 + ")"
                         : "the stored document no longer has the SHA-256 recorded when it "
                           "was signed";
  }
  for (const auto& s : v.signatures) {
    if (!s.valid && v.problem.empty()) v.problem = "a signature is not valid: " + s.problem;
  }
  if (v.problem.empty() && !v.signatures.back().covers_whole_document) {
    v.problem = "the file was changed after it was signed";
  }
  v.valid = v.problem.empty();
  return v;
}

}  // namespace pantau::docs
