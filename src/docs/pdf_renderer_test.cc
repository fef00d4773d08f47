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

}  // namespace
}  // namespace pantau
