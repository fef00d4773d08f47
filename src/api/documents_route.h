// The SOP's documents of a case (docs/case_documents.h): GET /api/v1/cases/{id}/documents (every
// version, newest first), GET /api/v1/cases/{id}/dispatches (the e-mails and webhook calls sent),
// GET /api/v1/cases/{id}/report.pdf (the newest report; ?preview=1 draws
// the case as it is now, stored nowhere), GET /api/v1/cases/{id}/letter.pdf, GET
// /api/v1/documents/{doc} and /api/v1/documents/{doc}.pdf (?draft=1 for the unsigned draft),
// all for people who work cases (Permission::kWorkCases); and the public verify page, GET
// /api/v1/verify/{doc} (HTML for a browser, JSON otherwise) and POST /api/v1/verify/{doc} with a
// PDF as the body, for anyone: the system's operator checks the letter they received. The
// public page tells whether the document is authentic and who signed it when, never the case's
// content.
#pragma once

#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"

namespace pantau {

// {"items": [document...], "next_cursor": null, "total": N}
Result<std::string> HandleCaseDocuments(std::string_view case_id, const ApiContext& ctx);
// The e-mails and webhook calls sent about the case, newest first: {"items": [dispatch...],
// "next_cursor": null, "total": N} (notify/dispatch_store.h; never their content).
Result<std::string> HandleCaseDispatches(std::string_view case_id, const ApiContext& ctx);
Result<std::string> HandleDocumentGet(std::string_view document_id, const ApiContext& ctx);

struct PdfAnswer {
  std::string pdf;
  std::string filename;  // for Content-Disposition, ASCII only
};
Result<PdfAnswer> HandleCaseReportPdf(const Caller& caller, std::string_view case_id, bool preview,
                                      const ApiContext& ctx);
Result<PdfAnswer> HandleCaseLetterPdf(std::string_view case_id, const ApiContext& ctx);
Result<PdfAnswer> HandleDocumentPdf(std::string_view document_id, bool draft,
                                    const ApiContext& ctx);

// The verification of the stored document or of `uploaded` (a PDF body; empty: none), as JSON
// or, with `html`, as a page.
Result<std::string> HandleVerify(std::string_view document_id, std::string_view uploaded, bool html,
                                 const ApiContext& ctx);

}  // namespace pantau
