#include "api/evidence_route.h"

#include <fmt/format.h>

#include <charconv>

#include "api/cases_route.h"
#include "scan/evidence_scan.h"

namespace pantau {
namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 500;

std::string From(std::string_view remote_addr) {
  return remote_addr.empty() ? std::string("over the HTTP API")
                             : fmt::format("from {} over the HTTP API", remote_addr);
}

// RFC 8187's attr-char: what a filename*= value may hold as it is.
bool IsAttrChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

std::string EvidenceContentDisposition(std::string_view name) {
  std::string out = "attachment; filename*=UTF-8''";
  for (char c : name) {
    if (IsAttrChar(c)) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

std::string EvidenceContentType(std::string_view media_type) {
  if (media_type.starts_with("text/")) return std::string(media_type) + "; charset=utf-8";
  return std::string(media_type);
}

Result<std::unique_ptr<EvidenceUpload>> BeginEvidenceUpload(const Caller& caller,
                                                            const EvidenceUploadRequest& r,
                                                            const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  std::string_view type = r.content_type;
  if (type.starts_with("multipart/")) {
    return InvalidArgument(
        "send the file's bytes as the request body (curl --data-binary @FILE), not as a "
        "multipart form; its name goes in ?name=");
  }
  uint64_t length = 0;
  const auto [end, ec] = std::from_chars(r.content_length.data(),
                                         r.content_length.data() + r.content_length.size(), length);
  if (ec == std::errc() && end == r.content_length.data() + r.content_length.size() &&
      length > ctx.evidence.max_bytes()) {
    return TooLarge(
        fmt::format("the evidence ({} bytes) is larger than cases.max_evidence_bytes ({} bytes)",
                    length, ctx.evidence.max_bytes()));
  }
  NewEvidence e;
  e.case_id = r.case_id;
  e.kind = r.kind.empty() ? "file" : r.kind;
  e.name = r.name;
  e.description = r.description;
  e.note = fmt::format("{} {}", e.kind == "text" ? "pasted" : "uploaded", From(r.remote_addr));
  return ctx.evidence.BeginUpload(e, actor);
}

Result<std::string> FinishEvidenceUpload(EvidenceUpload& upload) {
  ASSIGN_OR_RETURN(EvidenceItem item, upload.Commit());
  return item.ToJson(true);
}

Result<std::string> HandleEvidenceList(const Caller& caller, std::string_view case_id,
                                       std::string_view limit, std::string_view cursor,
                                       const ApiContext& ctx) {
  RETURN_IF_ERROR(ActorOf(caller).status());
  size_t n = kDefaultLimit;
  if (!limit.empty()) {
    const auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), n);
    if (ec != std::errc() || end != limit.data() + limit.size() || n < 1 || n > kMaxLimit) {
      return InvalidArgument(fmt::format("limit: a whole number from 1 to {}", kMaxLimit));
    }
  }
  ASSIGN_OR_RETURN(EvidencePage page, ctx.evidence.List(case_id, n, cursor));
  std::string out = R"({"items":[)";
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) out += ',';
    out += page.items[i].ToJson(false);
  }
  out += R"(],"next_cursor":)";
  if (page.next_cursor.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, page.next_cursor);
  }
  return out + fmt::format(R"(,"total":{}}})", page.total);
}

Result<std::string> HandleEvidenceGet(const Caller& caller, std::string_view case_id,
                                      std::string_view evidence_id, std::string_view remote_addr,
                                      const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(EvidenceItem item,
                   ctx.evidence.View(case_id, evidence_id, actor, From(remote_addr)));
  return item.ToJson(true);
}

Result<std::string> HandleEvidenceScan(const Caller& caller, std::string_view case_id,
                                       std::string_view evidence_id, std::string_view remote_addr,
                                       const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  if (ctx.scanner == nullptr) return Unavailable("malware scanning is not running on this server");
  ASSIGN_OR_RETURN(EvidenceItem item, ScanEvidence(ctx.evidence, *ctx.scanner, case_id, evidence_id,
                                                   actor, From(remote_addr)));
  return item.ToJson(true);
}

Result<std::unique_ptr<EvidenceReader>> OpenEvidenceContent(const Caller& caller,
                                                            std::string_view case_id,
                                                            std::string_view evidence_id,
                                                            std::string_view remote_addr,
                                                            const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  return ctx.evidence.OpenContent(case_id, evidence_id, actor, From(remote_addr));
}

}  // namespace pantau
