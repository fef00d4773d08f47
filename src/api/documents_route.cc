#include "api/documents_route.h"

#include <fmt/format.h>

#include "api/cases_route.h"
#include "api/list_json.h"
#include "docs/case_documents.h"
#include "notify/notify_service.h"

namespace pantau {
namespace {

// A file name for the download: the document's number or id with anything but letters, digits,
// '-' and '_' turned into '_' (numbers hold '/').
std::string FileName(std::string_view stem) {
  std::string out;
  for (char ch : stem) {
    const bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    out += plain ? ch : '_';
  }
  return out + ".pdf";
}

}  // namespace

Result<std::string> HandleCaseDocuments(std::string_view case_id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const std::vector<docs::Document> list, ctx.documents.List(case_id));
  return WholeListJson(list);
}

Result<std::string> HandleCaseDispatches(std::string_view case_id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const Case c, ctx.cases.Get(case_id));
  ASSIGN_OR_RETURN(const std::vector<Dispatch> list,
                   ctx.notify.store->ListForCase(std::stoll(c.id)));
  return WholeListJson(list);
}

Result<std::string> HandleDocumentGet(std::string_view document_id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const docs::Document d, ctx.documents.Get(document_id));
  return d.ToJson();
}

Result<PdfAnswer> HandleCaseReportPdf(const Caller& caller, std::string_view case_id, bool preview,
                                      const ApiContext& ctx) {
  if (preview) {
    ASSIGN_OR_RETURN(const Actor actor, ActorOf(caller));
    ASSIGN_OR_RETURN(std::string pdf, ctx.documents.PreviewReport(case_id, actor));
    return PdfAnswer{std::move(pdf), FileName(fmt::format("pratinjau-{}", case_id))};
  }
  ASSIGN_OR_RETURN(std::string pdf, ctx.documents.LatestPdf(case_id, false));
  return PdfAnswer{std::move(pdf), FileName(fmt::format("laporan-{}", case_id))};
}

Result<PdfAnswer> HandleCaseLetterPdf(std::string_view case_id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(std::string pdf, ctx.documents.LatestPdf(case_id, true));
  return PdfAnswer{std::move(pdf), FileName(fmt::format("surat-{}", case_id))};
}

Result<PdfAnswer> HandleDocumentPdf(std::string_view document_id, bool draft,
                                    const ApiContext& ctx) {
  ASSIGN_OR_RETURN(const docs::Document d, ctx.documents.Get(document_id));
  ASSIGN_OR_RETURN(std::string pdf, ctx.documents.Pdf(document_id, draft));
  const std::string stem =
      !draft && !d.number.empty()
          ? d.number
          : fmt::format("{}-{}-v{}", d.case_number, DocumentKindName(d.kind), d.version);
  return PdfAnswer{std::move(pdf), FileName(stem)};
}

Result<std::string> HandleVerify(std::string_view document_id, std::string_view uploaded, bool html,
                                 const ApiContext& ctx) {
  std::optional<std::string_view> file;
  if (!uploaded.empty()) file = uploaded;
  ASSIGN_OR_RETURN(const docs::Verification v, ctx.documents.Verify(document_id, file));
  return html ? v.ToHtml() : v.ToJson();
}

}  // namespace pantau
