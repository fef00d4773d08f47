#include "monitor/page_diff.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pantau {
namespace {

using Lines = std::vector<std::string>;

// "op:text" per entry ("same:~3" for a fold of three lines), for compact expectations.
std::vector<std::string> Show(const std::vector<DiffLine>& diff) {
  std::vector<std::string> out;
  for (const DiffLine& l : diff) {
    const char* op = l.op == DiffOp::kAdded ? "+" : l.op == DiffOp::kRemoved ? "-" : "=";
    out.push_back(l.skipped > 0 ? std::string(op) + "~" + std::to_string(l.skipped)
                                : std::string(op) + l.text);
  }
  return out;
}

TEST(PageDiff, TextLinesCutAtSentencesAndLongRuns) {
  bool cut = true;
  EXPECT_EQ(TextLines("Selamat datang. Layanan publik! Apa kabar? v1.2 rilis", {}, &cut),
            (Lines{"Selamat datang.", "Layanan publik!", "Apa kabar?", "v1.2 rilis"}));
  EXPECT_FALSE(cut);
  EXPECT_EQ(TextLines("", {}, &cut), Lines{});

  PageDiffLimits limits;
  limits.max_line_bytes = 10;
  EXPECT_EQ(TextLines("satu dua tiga empat", limits, &cut), (Lines{"satu dua", "tiga empat"}));
  // No space within the bound: cut at a character boundary, never inside "é".
  const Lines long_word = TextLines("abcdefghi\xc3\xa9xyz", limits, &cut);
  ASSERT_EQ(long_word.size(), 2u);
  EXPECT_EQ(long_word[0], "abcdefghi");
  EXPECT_EQ(long_word[1], "\xc3\xa9xyz");

  limits = {};
  limits.max_lines = 2;
  EXPECT_EQ(TextLines("A. B. C.", limits, &cut), (Lines{"A.", "B."}));
  EXPECT_TRUE(cut);
}

TEST(PageDiff, AddedAndRemovedLines) {
  bool cut = true;
  PageDiffLimits limits;
  limits.context = 1;
  const Lines from{"a", "b", "c", "d", "e", "f", "g"};
  const Lines to{"a", "b", "X", "d", "e", "f", "g", "Y"};
  EXPECT_EQ(Show(DiffLines(from, to, limits, &cut)),
            // "a" is two lines from the change, but a fold of one line shows the line.
            (std::vector<std::string>{"=a", "=b", "-c", "+X", "=d", "=~2", "=g", "+Y"}));
  EXPECT_FALSE(cut);
}

TEST(PageDiff, ChangesShowOldLinesBeforeNew) {
  bool cut = true;
  const std::vector<DiffLine> diff =
      DiffLines({"Dinas Kominfo.", "Selamat datang.", "Layanan."},
                {"Hacked by Team.", "Your security is low.", "Layanan."}, {}, &cut);
  EXPECT_EQ(Show(diff),
            (std::vector<std::string>{"-Dinas Kominfo.", "-Selamat datang.", "+Hacked by Team.",
                                      "+Your security is low.", "=Layanan."}));
}

TEST(PageDiff, IdenticalPagesFoldIntoOneEntry) {
  bool cut = true;
  const Lines same{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  EXPECT_EQ(Show(DiffLines(same, same, {}, &cut)), (std::vector<std::string>{"=~10"}));
  EXPECT_FALSE(cut);
  EXPECT_EQ(Show(DiffLines({"a"}, {"a"}, {}, &cut)), (std::vector<std::string>{"=a"}));
  EXPECT_TRUE(DiffLines({}, {}, {}, &cut).empty());

  PageSummary page;
  page.title = "Portal";
  page.text = "Satu. Dua.";
  page.links = {{"/profil", "Profil", false, ""}};
  page.scripts = {"/js/app.js"};
  const PageDiff diff = DiffPages(page, page);
  EXPECT_TRUE(diff.links.added.empty() && diff.links.removed.empty());
  EXPECT_TRUE(diff.scripts.added.empty() && diff.iframes.added.empty());
  EXPECT_EQ(diff.truncated, "");
}

TEST(PageDiff, EntriesLinesAndItemsAreCapped) {
  PageDiffLimits limits;
  limits.max_entries = 3;
  bool cut = false;
  const std::vector<DiffLine> diff = DiffLines({}, {"1", "2", "3", "4", "5"}, limits, &cut);
  EXPECT_EQ(Show(diff), (std::vector<std::string>{"+1", "+2", "+3"}));
  EXPECT_TRUE(cut);

  // Past the table's bound, the middle is all removed then added, never a huge table.
  limits = {};
  limits.max_lines = 2;
  EXPECT_EQ(Show(DiffLines({"a", "b", "c"}, {"b", "c", "d"}, limits, &cut)),
            (std::vector<std::string>{"-a", "-b", "-c", "+b", "+c", "+d"}));

  PageSummary from;
  PageSummary to;
  for (int i = 0; i < 5; ++i) {
    to.text += "Kalimat " + std::to_string(i) + ". ";
    to.scripts.push_back("/s" + std::to_string(i) + ".js");
  }
  limits = {};
  limits.max_lines = 3;
  limits.max_items = 2;
  const PageDiff page = DiffPages(from, to, limits);
  EXPECT_EQ(page.text.size(), 3u);
  EXPECT_EQ(page.scripts.added, (Lines{"/s0.js", "/s1.js"}));
  EXPECT_NE(page.truncated.find("more than 3 lines"), std::string::npos) << page.truncated;
  EXPECT_NE(page.truncated.find("more than 2 links, scripts or iframes"), std::string::npos);
  to.truncated = true;
  EXPECT_NE(DiffPages(from, to).truncated.find("larger than its summary"), std::string::npos);
}

TEST(PageDiff, DefacedPageAgainstItsBaseline) {
  const PageSummary baseline = SummarisePage(
      R"(<html><head><title>Dinas Kominfo</title><script src="/js/app.js"></script></head>
<body><h1>Dinas Komunikasi.</h1><p>Selamat datang di portal resmi.</p>
<a href="/profil">Profil</a><a href="/berita">Berita</a></body></html>)");
  const PageSummary defaced = SummarisePage(
      R"(<html><head><title>Hacked By Xploit</title></head><body><h1>Hacked by Xploit Team.</h1>
<a href="/berita">Berita</a><a href="https://slot.example/" style="display:none">slot</a>
<iframe src="https://evil.example/"></iframe></body></html>)");
  const PageDiff diff = DiffPages(baseline, defaced);
  EXPECT_EQ(diff.title_from, "Dinas Kominfo");
  EXPECT_EQ(diff.title_to, "Hacked By Xploit");
  EXPECT_EQ(diff.scripts.removed, Lines{"/js/app.js"});
  EXPECT_EQ(diff.iframes.added, Lines{"https://evil.example/"});
  ASSERT_EQ(diff.links.added.size(), 1u);
  EXPECT_EQ(diff.links.added[0].href, "https://slot.example/");
  EXPECT_EQ(diff.links.added[0].hidden_by, "display:none");
  ASSERT_EQ(diff.links.removed.size(), 1u);
  EXPECT_EQ(diff.links.removed[0].href, "/profil");

  const nlohmann::json j = nlohmann::json::parse(diff.ToJson());
  EXPECT_EQ(j["title"]["to"], "Hacked By Xploit");
  EXPECT_EQ(j["truncated"], false);
  bool added = false;
  for (const auto& line : j["text"]) {
    if (line["op"] == "added" && line["text"].get<std::string>().find("Hacked by Xploit") == 0) {
      added = true;
    }
  }
  EXPECT_TRUE(added) << j.dump();
}

}  // namespace
}  // namespace pantau
