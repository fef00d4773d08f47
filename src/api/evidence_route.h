// Evidence of cases: POST and GET /api/v1/cases/{id}/evidence, GET
// /api/v1/cases/{id}/evidence/{eid} (with its chain of custody; records that the person viewed
// it) and GET /api/v1/cases/{id}/evidence/{eid}/content (the bytes, after their SHA-256 is
// checked; records the download). People who work cases only (Permission::kWorkCases), like
// the case routes. The upload is streamed to the store (cases/evidence.h), never held whole.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"
#include "cases/evidence.h"

namespace pantau {

struct EvidenceUploadRequest {
  std::string case_id;
  std::string kind, name, description;  // the query's kind=, name=, description=
  std::string content_type;             // only to refuse multipart bodies
  std::string content_length;           // as sent; empty when chunked
  std::string remote_addr;
};

// Checks the caller, the request and the case before a byte of the body is read: 403, 400, 404,
// 409 (closed case), 413 (a Content-Length over cases.max_evidence_bytes).
Result<std::unique_ptr<EvidenceUpload>> BeginEvidenceUpload(const Caller& caller,
                                                            const EvidenceUploadRequest& request,
                                                            const ApiContext& ctx);
// The stored item with its custody log (EvidenceItem::ToJson with custody).
Result<std::string> FinishEvidenceUpload(EvidenceUpload& upload);

// {"items": [item...], "next_cursor": "..."|null, "total": N}, in the order they were added.
Result<std::string> HandleEvidenceList(const Caller& caller, std::string_view case_id,
                                       std::string_view limit, std::string_view cursor,
                                       const ApiContext& ctx);
// The item with "custody", after recording that the caller viewed it.
Result<std::string> HandleEvidenceGet(const Caller& caller, std::string_view case_id,
                                      std::string_view evidence_id, std::string_view remote_addr,
                                      const ApiContext& ctx);
// POST .../evidence/{eid}/scan: the content checked against its SHA-256, scanned for malware and
// web shells (scan/evidence_scan.h) and the item answered with custody and every scan; records
// `scanned`. 503 when no scanner runs or too many scans do, 413 over scan.max_bytes.
Result<std::string> HandleEvidenceScan(const Caller& caller, std::string_view case_id,
                                       std::string_view evidence_id, std::string_view remote_addr,
                                       const ApiContext& ctx);
// The checked content, ready to send; records the download (or the corruption it found).
Result<std::unique_ptr<EvidenceReader>> OpenEvidenceContent(const Caller& caller,
                                                            std::string_view case_id,
                                                            std::string_view evidence_id,
                                                            std::string_view remote_addr,
                                                            const ApiContext& ctx);

// attachment; filename*=UTF-8''<the name percent-encoded as RFC 8187 says>
std::string EvidenceContentDisposition(std::string_view name);
// The Content-Type of a download: the sniffed type, text with its charset.
std::string EvidenceContentType(std::string_view media_type);

}  // namespace pantau
