#include "monitor/html_summary.h"

#include <gtest/gtest.h>

#include <string>

namespace pantau {
namespace {

TEST(HtmlSummary, TitleTextScriptsAndFrames) {
  const PageSummary s = SummarisePage(R"(<!doctype html>
<html><head><title> Portal  Resmi &amp; Informasi </title>
<meta name="description" content="Kabupaten Kutai Kartanegara">
<script src="/js/app.js?ver=1"></script>
<script>var x = "<a href='http://no.example/'>not a link</a>";</script>
<style>body { color: red } .x { display:none }</style>
</head><body><h1>Selamat&nbsp;datang</h1><p>Berita <b>ter</b>kini</p>
<!-- <a href="http://commented.example/">gone</a> -->
<iframe src="https://maps.example/embed">fallback text</iframe>
<a href="/berita">Berita</a>
<script src="https://cdn.example/lib.js"></script>
<script src="/js/app.js?ver=1"></script>
</body></html>)");
  EXPECT_EQ(s.title, "Portal Resmi & Informasi");
  EXPECT_EQ(s.text, "Selamat datang Berita terkini Berita");
  EXPECT_EQ(s.meta, "Kabupaten Kutai Kartanegara");
  ASSERT_EQ(s.links.size(), 1u);
  EXPECT_EQ(s.links[0].href, "/berita");
  EXPECT_EQ(s.links[0].text, "Berita");
  EXPECT_FALSE(s.links[0].hidden);
  EXPECT_EQ(s.scripts,
            (std::vector<std::string>{"/js/app.js?ver=1", "https://cdn.example/lib.js"}));
  EXPECT_EQ(s.iframes, std::vector<std::string>{"https://maps.example/embed"});
  EXPECT_FALSE(s.truncated);
}

TEST(HtmlSummary, NumericReferencesAndInvisibleCharactersAreRead) {
  const PageSummary s = SummarisePage(
      "<p>&#115;&#x6C;ot ga\xE2\x80\x8B"
      "cor</p>");
  EXPECT_EQ(s.text, "slot gacor");
}

struct HiddenCase {
  std::string html;
  std::string hidden_by;
};

class HiddenLinks : public testing::TestWithParam<HiddenCase> {};

TEST_P(HiddenLinks, AreMarkedWithTheReason) {
  const PageSummary s =
      SummarisePage("<body><p>Dinas</p>" + GetParam().html + "<a href='/ok'>visible</a></body>");
  ASSERT_EQ(s.links.size(), 2u) << GetParam().html;
  EXPECT_TRUE(s.links[0].hidden) << GetParam().html;
  EXPECT_EQ(s.links[0].hidden_by, GetParam().hidden_by);
  EXPECT_EQ(s.links[0].text, "slot gacor");
  EXPECT_FALSE(s.links[1].hidden) << GetParam().html;
  EXPECT_EQ(s.text, "Dinas visible");
  EXPECT_EQ(s.hidden_text, "slot gacor");
}

INSTANTIATE_TEST_SUITE_P(
    Styles, HiddenLinks,
    testing::Values(
        HiddenCase{"<div style='display:none'><a href='http://spam.example/'>slot gacor</a></div>",
                   "display:none"},
        HiddenCase{"<div style='DISPLAY: NONE !important'><a href=http://spam.example/>slot "
                   "gacor</a></div>",
                   "display:none"},
        HiddenCase{"<span style=\"visibility:hidden\"><a href='http://s/'>slot gacor</a></span>",
                   "visibility:hidden"},
        HiddenCase{"<div style='font-size:0px'><a href='http://s/'>slot gacor</a></div>",
                   "font-size:0px"},
        HiddenCase{"<div style='font-size:1px'><a href='http://s/'>slot gacor</a></div>",
                   "font-size:1px"},
        HiddenCase{"<div style='opacity:0'><a href='http://s/'>slot gacor</a></div>", "opacity:0"},
        HiddenCase{"<div style='position:absolute; left:-9999px; top:0'><a href='http://s/'>slot "
                   "gacor</a></div>",
                   "off-screen (left:-9999px)"},
        HiddenCase{
            "<div style='position:fixed;top:-200em'><a href='http://s/'>slot gacor</a></div>",
            "off-screen (top:-200em)"},
        HiddenCase{"<p style='text-indent:-5000px'><a href='http://s/'>slot gacor</a></p>",
                   "off-screen (text-indent:-5000px)"},
        HiddenCase{"<div style='height:0;overflow:hidden'><a href='http://s/'>slot gacor</a></div>",
                   "zero size with overflow:hidden"},
        HiddenCase{"<div hidden><a href='http://s/'>slot gacor</a></div>", "hidden attribute"},
        HiddenCase{"<noscript><a href='http://s/'>slot gacor</a></noscript>", "noscript"},
        HiddenCase{"<style>.seo-x,.y{display:none}</style><div class='wrap seo-x'><a "
                   "href='http://s/'>slot gacor</a></div>",
                   "class 'seo-x' hidden by the page's style"},
        HiddenCase{"<a style='display:none' href='http://s/'>slot gacor</a>", "display:none"}));

TEST(HtmlSummary, OrdinaryStylesDoNotHide) {
  for (std::string_view style :
       {"display:block", "display:none; display:block", "position:absolute;left:-20px",
        "left:-9999px", "margin-left:-10px", "font-size:12px", "opacity:0.5", "height:0",
        "color:white"}) {
    EXPECT_EQ(HidingStyle(style), "") << style;
  }
  EXPECT_EQ(HidingStyle("margin-left:-3000px"), "off-screen (margin-left:-3000px)");
}

TEST(HtmlSummary, HidingClassesSkipsMediaQueriesAndComplexSelectors) {
  EXPECT_EQ(HidingClasses("/* .c{display:none} */ .a{display:none} div .b{display:none} "
                          "@media (max-width:600px){ .menu{display:none} } .d{color:red}"
                          ".e , .f{visibility:hidden}"),
            (std::vector<std::string>{"a", "e", "f"}));
}

TEST(HtmlSummary, UnclosedAndMisnestedMarkup) {
  // The hidden div is closed by its end tag even with an unclosed <span> inside; the list
  // items close each other.
  const PageSummary s = SummarisePage(
      "<div style=display:none><span><a href=/a>a</div><ul><li><a href=/b>b<li><a href=/c>c</ul>"
      "<p>one<p>two");
  ASSERT_EQ(s.links.size(), 3u);
  EXPECT_TRUE(s.links[0].hidden);
  EXPECT_FALSE(s.links[1].hidden);
  EXPECT_FALSE(s.links[2].hidden);
  EXPECT_EQ(s.links[1].text, "b");
  EXPECT_EQ(s.text, "b c one two");
}

TEST(HtmlSummary, HostileInputIsBounded) {
  // Never-closed comment, tag and attribute quote: the rest is skipped, nothing crashes.
  EXPECT_EQ(SummarisePage("<p>before<!-- never closed <a href=x>").text, "before");
  EXPECT_EQ(SummarisePage("<p>before<a href='x>y").links.size(), 0u);
  EXPECT_EQ(SummarisePage("a < b and c<3").text, "a < b and c<3");
  EXPECT_EQ(SummarisePage("<script>never closed <a href=x>y</a>").links.size(), 0u);

  SummaryLimits limits;
  limits.max_depth = 16;
  limits.max_links = 3;
  limits.max_text_bytes = 10;
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "<div>";
  deep += "<a href=/1>1</a><a href=/2>2</a><a href=/3>3</a><a href=/4>4</a> long text here";
  const PageSummary s = SummarisePage(deep, limits);
  EXPECT_TRUE(s.truncated);
  EXPECT_EQ(s.links.size(), 3u);
  EXPECT_LE(s.text.size(), 10u);

  limits = SummaryLimits();
  limits.max_input_bytes = 20;
  const PageSummary cut = SummarisePage("<title>t</title><p>0123456789abcdefghij", limits);
  EXPECT_TRUE(cut.truncated);
  EXPECT_EQ(cut.text, "0");

  // Many end tags of elements never opened cost nothing each.
  std::string ends(200000, ' ');
  for (size_t i = 0; i + 4 < ends.size(); i += 4) ends.replace(i, 4, "</x>");
  EXPECT_EQ(SummarisePage(ends).text, "");
}

TEST(HtmlSummary, MetaRefreshAndFirstTitleOnly) {
  const PageSummary s = SummarisePage(
      "<title>A</title><title>B</title><meta http-equiv=Refresh "
      "content='0;url=http://x.example/'>");
  EXPECT_EQ(s.title, "A");
  EXPECT_EQ(s.refresh, "0;url=http://x.example/");
}

}  // namespace
}  // namespace pantau
