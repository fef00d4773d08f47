// The PDF renderer of the SOP's documents: a template (document_template.h) and case data laid
// out on A4 pages in the layout of Indonesian official documents (naskah dinas): letterhead with
// a double rule, justified text, tables whose header row repeats on every page, a signature
// block with a QR code to verify the document, and a footer with the document number, the
// classification and "Halaman 2 dari 5".
//
// Fonts: Noto Sans, falling back to DejaVu Sans and then to any font fontconfig finds for a
// character; the glyphs used are embedded as subsets. The same request gives the same bytes
// (the creation date is the request's time; Cairo 1.16 writes no other clock or random value).
//
// Thread-safety: RenderPdf may be called from several threads at once; each thread uses its own
// Pango font map (Pango's default map is per thread).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace pantau {

// The head of the first page, from the settings, not from case data.
struct Letterhead {
  std::string government;                  // "PEMERINTAH KABUPATEN KUTAI KARTANEGARA"
  std::string office;                      // "DINAS KOMUNIKASI DAN INFORMATIKA"
  std::vector<std::string> address_lines;  // street; phone, e-mail and web site
  std::string logo_png_path;               // optional; drawn left of the text
};

struct RenderRequest {
  std::string template_text;
  nlohmann::json values = nlohmann::json::object();
  Letterhead letterhead;
  std::string language = "id";  // "id" or "en": words the renderer adds itself
  std::string qr_url;           // the verification address; no QR code when empty
  std::string footer;           // e.g. "INS-2025-0042 | TERBATAS"
  std::string title;            // PDF metadata
  std::string author;           // PDF metadata
  TimeNs created_at = 0;        // the PDF's creation date
};

struct RenderedPdf {
  std::string bytes;
  int pages = 0;
  std::vector<std::string> missing;  // placeholders printed blank (DocumentBody::missing)
};

// Parses, expands and lays out the request's template. InvalidArgument for a template error
// (with line and column), a logo that is not a readable PNG, or a QR address too long to encode;
// TooLarge for a document past its size limits; Internal when Cairo fails.
Result<RenderedPdf> RenderPdf(const RenderRequest& request);

}  // namespace pantau
