// The public verify page's answers (case_documents.h: Verification).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "docs/case_documents.h"

namespace pantau::docs {
namespace {

using nlohmann::json;

json OrNull(const std::string& s) { return s.empty() ? json() : json(s); }

// Text for HTML: the five characters that matter escaped, control characters dropped.
std::string Html(std::string_view s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f) out += ch;
    }
  }
  return out;
}

std::string KindNames(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kIncidentReport:
      return "Laporan insiden siber / Cyber incident report";
    case DocumentKind::kWorkReport:
      return "Laporan kerja / Work report";
    case DocumentKind::kLetter:
      return "Surat pemberitahuan / Notification letter";
  }
  return "";
}

}  // namespace

std::string Verification::ToJson() const {
  json signers = json::array();
  for (const Signer& s : signatures) {
    signers.push_back({{"signer", s.name},
                       {"subject", s.subject},
                       {"issuer", s.issuer},
                       {"time", s.time > 0 ? json(FormatRfc3339(s.time)) : json()},
                       {"valid", s.valid},
                       {"covers_whole_document", s.covers_whole_document},
                       {"self_signed", s.self_signed},
                       {"problem", OrNull(s.problem)}});
  }
  const Document& d = document;
  const json out = {
      {"valid", valid},
      {"problem", OrNull(problem)},
      {"checked", checked_upload ? "upload" : "stored"},
      {"matches_stored", matches_stored},
      {"document",
       {{"id", d.id},
        {"kind", DocumentKindName(d.kind)},
        {"number", OrNull(d.number)},
        {"version", d.version},
        {"signed_by", OrNull(d.signed_by)},
        {"signer_name", OrNull(d.signer_name)},
        {"signer_certified", d.signed_at > 0 ? json(d.signer_certified) : json()},
        {"signed_at", d.signed_at > 0 ? json(FormatRfc3339(d.signed_at)) : json()},
        {"sha256", OrNull(d.signed_sha256)}}},
      {"signatures", std::move(signers)},
  };
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Verification::ToHtml() const {
  const Document& d = document;
  std::string rows;
  auto row = [&](std::string_view label, std::string_view value) {
    rows += fmt::format("<tr><th>{}</th><td>{}</td></tr>\n", label, Html(value));
  };
  row("Dokumen / Document", KindNames(d.kind));
  row("Nomor / Number", d.number.empty() ? "-" : d.number);
  row("Ditandatangani oleh / Signed by", d.signer_name.empty() ? "-" : d.signer_name);
  row("Waktu / Time", d.signed_at > 0 ? FormatRfc3339(d.signed_at) : "-");
  row("Sertifikat / Certificate",
      d.signed_at == 0     ? "-"
      : d.signer_certified ? "Sertifikat elektronik tersertifikasi / Certified certificate"
                           : "Bukan sertifikat tersertifikasi (BSrE) / Not a certified (BSrE) "
                             "certificate");
  row("SHA-256", d.signed_sha256.empty() ? "-" : d.signed_sha256);
  row("Yang diperiksa / Checked", checked_upload ? "berkas yang diunggah / the uploaded file"
                                                 : "dokumen tersimpan / the stored document");
  for (size_t i = 0; i < signatures.size(); ++i) {
    const Signer& s = signatures[i];
    row(fmt::format("Tanda tangan {} / Signature {}", i + 1, i + 1),
        fmt::format("{} — {}{}", s.name, s.valid ? "sah / valid" : "TIDAK SAH / NOT VALID",
                    s.problem.empty() ? "" : " (" + s.problem + ")"));
  }
  const std::string verdict =
      valid ? "<p class=\"ok\"><strong>ASLI — dokumen ini sah dan tidak berubah sejak "
              "ditandatangani.</strong><br>AUTHENTIC — this document is valid and unchanged since "
              "it was signed.</p>"
            : fmt::format(
                  "<p class=\"bad\"><strong>TIDAK DAPAT DIPASTIKAN ASLI / NOT "
                  "AUTHENTIC</strong><br>{}</p>",
                  Html(problem));
  return fmt::format(
      "<!doctype html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Verifikasi dokumen / Document verification</title></head>\n<body>\n"
      "<h1>Verifikasi dokumen / Document verification</h1>\n{}\n<table>\n{}</table>\n"
      "<p>Untuk memeriksa berkas yang Anda terima, kirim berkas PDF tersebut ke alamat ini dengan "
      "POST. / To check a file you received, POST that PDF file to this address.</p>\n"
      "</body></html>\n",
      verdict, rows);
}

}  // namespace pantau::docs
