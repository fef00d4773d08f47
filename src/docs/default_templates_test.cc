#include "docs/default_templates.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/time.h"
#include "docs/document_template.h"
#include "docs/pdf_renderer.h"
#include "docs/pdf_test_tools.h"

namespace pantau {
namespace {

namespace fs = std::filesystem;

fs::path SourceDir() {
  const char* dir = std::getenv("PANTAU_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

nlohmann::json Fixture() {
  std::ifstream in(SourceDir() / "src/docs/testdata/case_fixture.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str(), nullptr, false);
}

constexpr DocumentKind kKinds[] = {DocumentKind::kIncidentReport, DocumentKind::kWorkReport,
                                   DocumentKind::kLetter};

RenderRequest FixtureRequest(DocumentKind kind, const std::string& language) {
  RenderRequest req;
  req.template_text = std::string(*DefaultTemplate(kind, language));
  req.values = Fixture();
  req.letterhead.government = "PEMERINTAH KABUPATEN KUTAI KARTANEGARA";
  req.letterhead.office = "DINAS KOMUNIKASI DAN INFORMATIKA";
  req.letterhead.address_lines = {
      "Jalan Wolter Monginsidi Nomor 1, Tenggarong, Kalimantan Timur 75511",
      "Telepon (0541) 661000, Pos-el diskominfo@kukarkab.go.id, Laman diskominfo.kukarkab.go.id"};
  const fs::path logo = SourceDir() / "src/docs/testdata/logo.png";
  if (fs::exists(logo)) req.letterhead.logo_png_path = logo.string();
  req.language = language;
  req.qr_url = "https://pantau.kukarkab.go.id/v/7Q2MX4KD";
  req.footer = "INS-2025-0042 · TERBATAS";
  req.title = std::string(DocumentKindName(kind)) + " INS-2025-0042";
  req.author = "TTIS KUKARKAB";
  req.created_at = *MakeTime(2025, 7, 11, 2, 30, 0);
  return req;
}

// Text from the fixture that each document must show.
std::vector<std::string> Required(DocumentKind kind, const nlohmann::json& v) {
  auto s = [&](const char* pointer) {
    return v.at(nlohmann::json::json_pointer(pointer)).get<std::string>();
  };
  std::vector<std::string> out = {s("/case/number"),    s("/team/name"),       s("/system/name"),
                                  s("/system/address"), s("/operator/agency"), s("/reporter/email"),
                                  s("/reporter/phone")};
  switch (kind) {
    case DocumentKind::kIncidentReport:
      for (const char* p : {"/document/number",
                            "/document/classification",
                            "/team/unit",
                            "/reporter/name",
                            "/case/type",
                            "/case/title",
                            "/case/detected_at",
                            "/case/reported_at",
                            "/case/risk",
                            "/case/verdict",
                            "/case/description",
                            "/impact",
                            "/analysis/attack_form",
                            "/analysis/scheme",
                            "/analysis/root_cause",
                            "/verifier/name",
                            "/verifier/nip",
                            "/approver/name",
                            "/approver/nip",
                            "/approver/date"}) {
        out.push_back(s(p));
      }
      for (const auto& t : v["timeline"]) {
        for (const char* k : {"time", "what", "source"}) out.push_back(t[k].get<std::string>());
      }
      for (const auto& e : v["evidence"]) {
        out.push_back(e["name"].get<std::string>());
        out.push_back(e["sha256"].get<std::string>());
      }
      for (const auto& a : v["actions"]) out.push_back(a.get<std::string>());
      for (const auto& r : v["recommendations"]) out.push_back(r.get<std::string>());
      break;
    case DocumentKind::kWorkReport:
      for (const char* p :
           {"/document/number", "/reporter/name", "/case/title", "/case/detected_at",
            "/analysis/subject", "/analysis/period", "/analysis/method", "/analysis/result",
            "/analysis/reason", "/verifier/name", "/verifier/nip", "/reporter/nip"}) {
        out.push_back(s(p));
      }
      for (const auto& e : v["evidence"]) {
        out.push_back(e["name"].get<std::string>());
        out.push_back(e["sha256"].get<std::string>());
      }
      break;
    case DocumentKind::kLetter:
      for (const char* p :
           {"/case/type", "/letter/place", "/letter/date", "/letter/number", "/letter/nature",
            "/letter/attachments", "/letter/subject", "/letter/deadline", "/operator/head_name",
            "/operator/city", "/case/summary", "/case/detected_at", "/case/risk", "/impact",
            "/signer/name", "/signer/nip", "/signer/rank", "/reporter/name"}) {
        out.push_back(s(p));
      }
      for (const auto& a : v["requested_actions"]) out.push_back(a.get<std::string>());
      for (const auto& c : v["cc"]) out.push_back(c.get<std::string>());
      break;
  }
  return out;
}

// Without white space: a hash or an address wrapped inside a table cell still matches.
std::string NoSpace(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\n') out += c;
  }
  return out;
}

TEST(DefaultTemplates, EveryOneParses) {
  for (DocumentKind kind : kKinds) {
    for (const char* language : {"id", "en"}) {
      Result<std::string_view> text = DefaultTemplate(kind, language);
      ASSERT_TRUE(text.ok()) << text.status().ToString();
      ASSERT_FALSE(text->empty()) << DocumentKindName(kind) << "." << language;
      Result<DocumentTemplate> t = DocumentTemplate::Parse(*text);
      EXPECT_TRUE(t.ok()) << DocumentKindName(kind) << "." << language << ": "
                          << t.status().ToString();
    }
  }
  EXPECT_FALSE(DefaultTemplate(DocumentKind::kLetter, "fr").ok());
  EXPECT_EQ(ParseDocumentKind("work_report"), DocumentKind::kWorkReport);
  EXPECT_EQ(ParseDocumentKind("memo"), std::nullopt);
}

TEST(DefaultTemplates, AnAdminsFileTakesThePlaceOfTheDefault) {
  const fs::path dir = fs::temp_directory_path() / "pantau-docs-templates-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  Result<std::string> text = LoadTemplate(dir.string(), DocumentKind::kLetter, "id");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, *DefaultTemplate(DocumentKind::kLetter, "id"));
  EXPECT_EQ(*LoadTemplate("", DocumentKind::kLetter, "en"),
            *DefaultTemplate(DocumentKind::kLetter, "en"));

  std::ofstream(dir / "letter.id.md") << "# SURAT {{letter.number}}\n";
  text = LoadTemplate(dir.string(), DocumentKind::kLetter, "id");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "# SURAT {{letter.number}}\n");
  EXPECT_EQ(*LoadTemplate(dir.string(), DocumentKind::kLetter, "en"),
            *DefaultTemplate(DocumentKind::kLetter, "en"));

  std::ofstream(dir / "work_report.en.md") << "ok\n{{#a}}\n";
  text = LoadTemplate(dir.string(), DocumentKind::kWorkReport, "en");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("work_report.en.md: template line 2, column 1"),
            std::string::npos)
      << text.status().message();
  fs::remove_all(dir);
}

// Every default template rendered from the fixture shows every field it must carry; the PNGs are
// written for people to look at.
TEST(DefaultTemplates, RenderWithEveryRequiredField) {
  const nlohmann::json fixture = Fixture();
  ASSERT_FALSE(fixture.is_discarded());
  for (DocumentKind kind : kKinds) {
    for (const std::string language : {"id", "en"}) {
      const std::string name = std::string(DocumentKindName(kind)) + "." + language;
      SCOPED_TRACE(name);
      Result<RenderedPdf> pdf = RenderPdf(FixtureRequest(kind, language));
      ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
      EXPECT_TRUE(pdf->missing.empty()) << pdf->missing.front();
      WriteRendering(name, pdf->bytes);
      const std::string text = PdfPhrases(pdf->bytes);
      const std::string packed = NoSpace(text);
      for (const std::string& want : Required(kind, fixture)) {
        EXPECT_NE(packed.find(NoSpace(want)), std::string::npos) << "missing: " << want;
      }
      const std::vector<std::string> pages = PdfPages(pdf->bytes);
      ASSERT_EQ(static_cast<int>(pages.size()), pdf->pages);
      const std::string last = (language == "id" ? "Halaman " : "Page ") +
                               std::to_string(pdf->pages) + (language == "id" ? " dari " : " of ") +
                               std::to_string(pdf->pages);
      EXPECT_NE(pages.back().find(last), std::string::npos);
      EXPECT_NE(text.find("INS-2025-0042 · TERBATAS"), std::string::npos);
      EXPECT_NE(packed.find("https://pantau.kukarkab.go.id/v/7Q2MX4KD"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace pantau
