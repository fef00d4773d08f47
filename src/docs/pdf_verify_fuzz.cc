// Fuzz target for the PDF reader behind the public verify page: VerifyPdf must never crash on
// any bytes, and whatever SignPdf accepts it must sign so that VerifyPdf finds a valid signature
// covering the whole result.
#include <cstdint>
#include <cstdlib>

#include "docs/pdf_signature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view pdf(reinterpret_cast<const char*>(data), size);
  (void)pantau::VerifyPdf(pdf);

  static const pantau::SigningIdentity* identity = new pantau::SigningIdentity(
      pantau::MakeSelfSignedIdentity("Fuzz", "", 1, pantau::SystemClock::Get()).value());
  pantau::SignatureRequest request;
  request.signer_name = "Fuzz";
  const pantau::Result<std::string> signed_pdf = pantau::SignPdf(pdf, *identity, request);
  if (!signed_pdf.ok()) return 0;
  const auto checks = pantau::VerifyPdf(*signed_pdf);
  if (!checks.ok()) return 0;  // older fields of the input may be beyond what VerifyPdf reads
  bool found = false;
  for (const pantau::SignatureCheck& c : *checks) {
    if (c.signed_revision_end == signed_pdf->size()) found = c.valid && c.covers_whole_document;
  }
  if (!found) std::abort();
  return 0;
}
