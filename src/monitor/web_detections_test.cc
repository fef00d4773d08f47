#include "monitor/web_detections.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace pantau {
namespace {

constexpr std::string_view kClean = R"(<html><head><title>Dinas Kominfo Kukar</title>
<script src="/wp-includes/js/jquery.js?ver=3.7"></script>
<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script></head>
<body><h1>Dinas Komunikasi dan Informatika</h1>
<p>Selamat datang di portal resmi Dinas Komunikasi dan Informatika Kabupaten Kutai Kartanegara.
Kami melayani informasi publik, layanan aplikasi pemerintahan, dan pengaduan masyarakat.</p>
<ul class="menu"><li><a href="/profil">Profil</a></li><li><a href="/berita">Berita</a></li></ul>
<div style="display:none"><a href="/login">Masuk</a></div>
</body></html>)";

const WebTerms& Terms() {
  static const WebTerms* terms = [] {
    auto t = WebTerms::Compile(WebTerms::BuiltinText(), "web_terms.txt");
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return new WebTerms(std::move(*t));
  }();
  return *terms;
}

FetchedPage Page(std::string_view html, std::string url = "https://kominfo.kukarkab.go.id/") {
  return {url, url, "", SummarisePage(html)};
}

std::set<std::string> Kinds(const std::vector<WebFinding>& findings) {
  std::set<std::string> out;
  for (const WebFinding& f : findings) out.insert(f.kind);
  return out;
}

const WebFinding* Of(const std::vector<WebFinding>& findings, std::string_view kind) {
  for (const WebFinding& f : findings) {
    if (f.kind == kind) return &f;
  }
  return nullptr;
}

std::string Replace(std::string_view in, std::string_view from, std::string_view to) {
  std::string s(in);
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(WebTerms, BuiltinListCompilesWithBothSections) {
  EXPECT_GT(Terms().gambling_count(), 10u);
  EXPECT_GT(Terms().defacement_count(), 5u);
}

TEST(WebTerms, ErrorsNameTheLine) {
  auto outside = WebTerms::Compile("# c\nslot gacor\n", "terms.txt");
  ASSERT_FALSE(outside.ok());
  EXPECT_EQ(outside.status().message(),
            "terms.txt:2: 'slot gacor' is outside a section: put it under [gambling] or "
            "[defacement]");
  auto bad = WebTerms::Compile("[gambling]\nok\n(unclosed\n", "terms.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("terms.txt:3: '(unclosed' is not a pattern"),
            std::string::npos)
      << bad.status().message();
}

TEST(WebTerms, GamblingVocabularyWithoutRegardToCase) {
  for (std::string_view text :
       {"SLOT GACOR hari ini", "situs  slot terpercaya", "Judi Online", "bocoran RTP live",
        "menang MAXWIN", "prediksi togel sgp", "bandar togel", "slot88 resmi", "depo 10rb"}) {
    const PageSummary page = SummarisePage("<p>" + std::string(text) + "</p>");
    EXPECT_FALSE(Terms().Gambling(page).empty()) << text;
  }
  for (std::string_view text : {"Slot waktu layanan", "Pengumuman hasil seleksi", "Gacoran"}) {
    const PageSummary page = SummarisePage("<p>" + std::string(text) + "</p>");
    EXPECT_TRUE(Terms().Gambling(page).empty()) << text;
  }
}

TEST(TextSimilarity, Measures) {
  EXPECT_DOUBLE_EQ(TextSimilarity("", ""), 1.0);
  EXPECT_DOUBLE_EQ(TextSimilarity("a b c d", "A, b. c! d"), 1.0);
  EXPECT_DOUBLE_EQ(TextSimilarity("a b c d", ""), 0.0);
  EXPECT_DOUBLE_EQ(TextSimilarity("a b c d e", "x y z w v"), 0.0);
  // One word of ten changed: 7 of 11 3-grams shared.
  const double one =
      TextSimilarity("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10", "w1 w2 w3 w4 w5 w6 w7 w8 w9 x");
  EXPECT_NEAR(one, 7.0 / 9.0, 1e-9);
  EXPECT_DOUBLE_EQ(TextSimilarity("hacked", "hacked"), 1.0);
}

TEST(WebDetections, CleanPageAgainstItsBaselineFindsNothing) {
  const FetchedPage page = Page(kClean);
  EXPECT_TRUE(DetectWebFindings(page, &page.summary, &page, Terms(), {}).empty());
  // Without a baseline only the baseline-free detections run: nothing either.
  EXPECT_TRUE(DetectWebFindings(page, nullptr, nullptr, Terms(), {}).empty());
}

TEST(WebDetections, Defacement) {
  const FetchedPage base = Page(kClean);
  const FetchedPage page = Page(
      "<html><head><title>Hacked By GhostSec</title></head><body><h1>Hacked by GhostSec</h1>"
      "<p>Your security is low. Greetz to all member.</p></body></html>");
  const auto findings = DetectWebFindings(page, &base.summary, nullptr, Terms(), {});
  EXPECT_EQ(Kinds(findings),
            (std::set<std::string>{"defacement", "title_changed", "content_changed"}));
  const WebFinding* d = Of(findings, "defacement");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->summary.find("'Hacked By'"), std::string::npos) << d->summary;
  EXPECT_NE(d->evidence.find("Your security is low"), std::string::npos) << d->evidence;
  EXPECT_NE(Of(findings, "title_changed")
                ->summary.find("'Dinas Kominfo Kukar' to 'Hacked By "
                               "GhostSec'"),
            std::string::npos);
}

TEST(WebDetections, HiddenGamblingLinks) {
  const FetchedPage base = Page(kClean);
  const FetchedPage page = Page(Replace(
      kClean, "</body>",
      "<div style=\"position:absolute;left:-9999px\"><a href=\"https://slot.example/\">SLOT "
      "GACOR</a> <a href=\"https://togel.example/\">togel hari ini</a></div></body>"));
  const auto findings = DetectWebFindings(page, &base.summary, nullptr, Terms(), {});
  EXPECT_EQ(Kinds(findings), (std::set<std::string>{"gambling", "hidden_link"}));
  const WebFinding* h = Of(findings, "hidden_link");
  EXPECT_NE(h->summary.find("2 new hidden links (https://slot.example/, off-screen "
                            "(left:-9999px))"),
            std::string::npos)
      << h->summary;
  EXPECT_EQ(h->evidence.find("/login"), std::string::npos) << "in the baseline already";
  const WebFinding* g = Of(findings, "gambling");
  EXPECT_NE(g->evidence.find("'SLOT GACOR' in the hidden text"), std::string::npos) << g->evidence;
}

TEST(WebDetections, GamblingTermsTheBaselineHadAreApproved) {
  const std::string news = Replace(kClean, "</ul>", "</ul><p>Polres ungkap kasus judi online.</p>");
  const FetchedPage base = Page(news);
  EXPECT_TRUE(DetectWebFindings(base, &base.summary, nullptr, Terms(), {}).empty());
  // Without the baseline, the same page is flagged.
  EXPECT_EQ(Kinds(DetectWebFindings(base, nullptr, nullptr, Terms(), {})),
            std::set<std::string>{"gambling"});
}

TEST(WebDetections, NewExternalScriptAndIframe) {
  const FetchedPage base = Page(kClean);
  std::string html = Replace(kClean, "?ver=3.7", "?ver=3.8");  // an update is not new
  html = Replace(html, "</body>",
                 "<script src=\"//evil.example/x.js\"></script><script src=\"/local.js\"></script>"
                 "<iframe src=\"https://slot.example/\" width=0 height=0></iframe></body>");
  const auto findings = DetectWebFindings(Page(html), &base.summary, nullptr, Terms(), {});
  EXPECT_EQ(Kinds(findings), (std::set<std::string>{"new_script", "new_iframe"}));
  EXPECT_NE(Of(findings, "new_script")->summary.find("1 new external script (//evil.example/x.js)"),
            std::string::npos);
  EXPECT_NE(Of(findings, "new_iframe")->summary.find("https://slot.example/"), std::string::npos);
}

TEST(WebDetections, ContentChangeThresholdIsConfigurable) {
  const FetchedPage base = Page(kClean);
  const FetchedPage page =
      Page(Replace(kClean, "Kami melayani informasi publik", "Hari ini kantor tutup karena libur"));
  DetectionOptions options;
  EXPECT_TRUE(DetectWebFindings(page, &base.summary, nullptr, Terms(), options).empty());
  options.min_text_similarity = 0.95;
  EXPECT_EQ(Kinds(DetectWebFindings(page, &base.summary, nullptr, Terms(), options)),
            std::set<std::string>{"content_changed"});
}

TEST(WebDetections, CloakingWithGamblingForTheCrawler) {
  const FetchedPage browser = Page(kClean);
  const FetchedPage crawler = Page(
      "<html><head><title>SLOT GACOR MAXWIN - Dinas Kominfo</title></head><body>Situs slot "
      "gacor terpercaya</body></html>");
  const auto findings = DetectWebFindings(browser, &browser.summary, &crawler, Terms(), {});
  EXPECT_EQ(Kinds(findings), std::set<std::string>{"cloaking"});
  EXPECT_NE(findings[0].summary.find("search-engine crawler is shown online-gambling content"),
            std::string::npos)
      << findings[0].summary;
  EXPECT_NE(findings[0].evidence.find("SLOT GACOR MAXWIN"), std::string::npos);
}

TEST(WebDetections, CloakingByRedirectOrOtherContent) {
  const FetchedPage browser = Page(kClean);
  FetchedPage crawler = Page(kClean);
  crawler.offsite_redirect = "https://gacor.example/";
  EXPECT_EQ(Kinds(DetectWebFindings(browser, nullptr, &crawler, Terms(), {})),
            std::set<std::string>{"cloaking"});
  const FetchedPage other = Page(
      "<title>Dinas Kominfo Kukar</title><p>Lorem ipsum dolor sit "
      "amet consectetur adipiscing elit sed do eiusmod</p>");
  const auto findings = DetectWebFindings(browser, nullptr, &other, Terms(), {});
  ASSERT_EQ(Kinds(findings), std::set<std::string>{"cloaking"});
  EXPECT_NE(findings[0].summary.find("another page than a browser (text similarity 0.00)"),
            std::string::npos)
      << findings[0].summary;
}

TEST(WebDetections, EveryKindHasARuleAndALevel) {
  for (const WebFindingKind& k : kWebFindingKinds) {
    EXPECT_TRUE(k.rule_id.starts_with("pantau-monitor-")) << k.kind;
    EXPECT_EQ(&FindingKind(k.kind), &k);
  }
  EXPECT_EQ(FindingKind("cloaking").level, "critical");
}

}  // namespace
}  // namespace pantau
