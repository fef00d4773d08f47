#include "docs/pdf_renderer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/time.h"
#include "docs/pdf_test_tools.h"

namespace pantau {
namespace {

Letterhead KukarLetterhead() {
  Letterhead lh;
  lh.government = "PEMERINTAH KABUPATEN KUTAI KARTANEGARA";
  lh.office = "DINAS KOMUNIKASI DAN INFORMATIKA";
  lh.address_lines = {"Jalan Wolter Monginsidi No. 1, Tenggarong, Kalimantan Timur 75511",
                      "Telepon (0541) 661000, Pos-el diskominfo@kukarkab.go.id, Laman "
                      "diskominfo.kukarkab.go.id"};
  return lh;
}

TEST(PdfRenderer, LongTableRepeatsHeaderAndNumbersPages) {
  std::string tpl =
      "{{letterhead}}\n# KRONOLOGI\n| No | Waktu | Kejadian | Sumber "
      "|\n|---|-----|----------|----|\n";
  tpl += "{{#rows}}| {{n}} | {{time}} | {{what}} | {{source}} |{{/rows}}\n";
  nlohmann::json rows = nlohmann::json::array();
  for (int i = 1; i <= 45; ++i) {
    rows.push_back({{"n", std::to_string(i)},
                    {"time", "2025-07-10 08:" + std::to_string(10 + i % 50)},
                    {"what", "Percobaan login gagal ke panel admin dari alamat 203.0.113." +
                                 std::to_string(i)},
                    {"source", "FortiGate"}});
  }
  RenderRequest req;
  req.template_text = tpl;
  req.values = {{"rows", rows}};
  req.letterhead = KukarLetterhead();
  req.footer = "INS-2025-0042 | TERBATAS";
  req.title = "Kronologi";
  req.created_at = *MakeTime(2025, 7, 10, 1, 0, 0);
  Result<RenderedPdf> pdf = RenderPdf(req);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  WriteRendering("long_table", pdf->bytes);
  ASSERT_EQ(pdf->pages, 3);
  const std::vector<std::string> pages = PdfPages(pdf->bytes);
  ASSERT_EQ(pages.size(), 3u);
  for (int p = 0; p < 3; ++p) {
    EXPECT_NE(pages[p].find("Waktu"), std::string::npos) << "page " << p + 1;
    EXPECT_NE(pages[p].find("Halaman " + std::to_string(p + 1) + " dari 3"), std::string::npos)
        << pages[p];
  }
}

RenderRequest Small(std::string tpl, nlohmann::json values = nlohmann::json::object()) {
  RenderRequest req;
  req.template_text = std::move(tpl);
  req.values = std::move(values);
  req.letterhead = KukarLetterhead();
  req.qr_url = "https://pantau.example/v/ABC123";
  req.footer = "NO-1 | TERBATAS";
  req.title = "Uji";
  req.author = "TTIS KUKARKAB";
  req.created_at = *MakeTime(2025, 7, 10, 1, 0, 0);
  return req;
}

TEST(PdfRenderer, FontsAreEmbedded) {
  Result<RenderedPdf> pdf = RenderPdf(Small("# Judul\nTeks **tebal** dan biasa.\n"));
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string fonts = PdfFonts(pdf->bytes);
  EXPECT_NE(fonts.find("NotoSans-Regular"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("NotoSans-Bold"), std::string::npos) << fonts;
  // Every font row says "yes" under "emb".
  size_t rows = 0;
  size_t pos = fonts.find("\n---");
  pos = fonts.find('\n', pos + 1);
  while (pos != std::string::npos && pos + 1 < fonts.size()) {
    const size_t end = fonts.find('\n', pos + 1);
    const std::string row = fonts.substr(pos + 1, end - pos - 1);
    if (!row.empty()) {
      ++rows;
      EXPECT_NE(row.find(" yes yes "), std::string::npos) << "not embedded as a subset: " << row;
    }
    pos = end;
  }
  EXPECT_GE(rows, 2u);
}

TEST(PdfRenderer, SameInputSameBytesAndMetadata) {
  const RenderRequest req = Small("{{letterhead}}\n# Judul\n{{signature}}\n",
                                  {{"signer", {{"name", "A"}, {"nip", "1"}, {"position", "B"}}}});
  Result<RenderedPdf> a = RenderPdf(req);
  Result<RenderedPdf> b = RenderPdf(req);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->bytes, b->bytes);
  RenderRequest later = req;
  later.created_at += 3600 * kNsPerSecond;
  EXPECT_NE(RenderPdf(later)->bytes, a->bytes);
  const std::string info = PdfInfo(a->bytes);
  EXPECT_NE(info.find("Title:           Uji"), std::string::npos) << info;
  EXPECT_NE(info.find("Author:          TTIS KUKARKAB"), std::string::npos) << info;
  EXPECT_NE(info.find("Creator:         Pantau"), std::string::npos) << info;
  EXPECT_NE(info.find("Thu Jul 10 01:00:00 2025"), std::string::npos) << info;
  EXPECT_NE(info.find("A4"), std::string::npos) << info;
}

// Values from log data print as they are: no markup, no structure, hidden characters shown.
TEST(PdfRenderer, ValuesPrintLiterally) {
  const nlohmann::json v = {
      {"html", "<b>tebal</b> <span foreground=\"red\">merah</span> &amp;"},
      {"md", "**x** | y | {{case.number}}"},
      {"bidi", "invoice\u202Efdp.exe"},
      {"ctl", "a\u0007b\u001b[31mc"},
  };
  RenderRequest req =
      Small("Nilai: {{html}}\n\n| A | B |\n|---|---|\n| {{md}} | {{bidi}} |\n\n- {{ctl}}\n", v);
  req.letterhead = {};
  Result<RenderedPdf> pdf = RenderPdf(req);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  WriteRendering("values_literal", pdf->bytes);
  const std::string text = PdfPhrases(pdf->bytes);
  EXPECT_NE(text.find("<b>tebal</b> <span foreground=\"red\">merah</span> &amp;"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("**x** | y | {{case.number}}"), std::string::npos) << text;
  EXPECT_NE(text.find("invoice[U+202E]fdp.exe"), std::string::npos) << text;
  EXPECT_NE(text.find("a[U+0007]b[U+001B][31mc"), std::string::npos) << text;
}

TEST(PdfRenderer, LogoAndItsErrors) {
  const char* src = std::getenv("PANTAU_SOURCE_DIR");
  RenderRequest req = Small("{{letterhead}}\nIsi.\n");
  req.letterhead.logo_png_path =
      (src ? std::string(src) + "/" : std::string()) + "src/docs/testdata/logo.png";
  Result<RenderedPdf> pdf = RenderPdf(req);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  req.letterhead.logo_png_path = "/nonexistent/logo.png";
  pdf = RenderPdf(req);
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(pdf.status().message().find("/nonexistent/logo.png"), std::string::npos);
}

std::string BigLine() {
  std::string s;
  while (s.size() < 300000) s += "GET /index.php?id=1%27%20OR%201=1 HTTP/1.1 ";
  return s;
}

TEST(PdfRenderer, TemplateErrorsAndLimits) {
  Result<RenderedPdf> pdf = RenderPdf(Small("ok\n| a | b |\n|---|---|\n| 1 | 2 | 3 |\n"));
  ASSERT_FALSE(pdf.ok());
  EXPECT_NE(pdf.status().message().find("line 4, column 1"), std::string::npos);

  RenderRequest qr = Small("{{qr}}\n");
  qr.qr_url = std::string(8000, 'x');
  EXPECT_EQ(RenderPdf(qr).status().code(), StatusCode::kInvalidArgument);

  // A huge log line in a table cell is cut at 64 KiB and split over pages, not a crash.
  Result<RenderedPdf> big =
      RenderPdf(Small("| Log |\n|---|\n| {{line}} |\n", {{"line", BigLine()}}));
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_GT(big->pages, 3);
  EXPECT_NE(PdfPhrases(big->bytes).find("bytes left out"), std::string::npos);

  // The same without a single space (Pango alone took seconds to wrap it).
  big = RenderPdf(Small("| Log |\n|---|\n| {{line}} |\n", {{"line", std::string(300000, 'A')}}));
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_GT(big->pages, 20);
}

}  // namespace
}  // namespace pantau
