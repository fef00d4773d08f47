#include "monitor/crawl_links.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(InternalPageUrlTest, ResolvesAndKeepsOnlyPagesOfTheSameHostAndPort) {
  const std::string base = "http://dinas.example.go.id:8080/berita/index.php?p=1";
  struct Case {
    const char* href;
    std::optional<std::string> want;
  } cases[] = {
      {"detail.php?id=7", "http://dinas.example.go.id:8080/berita/detail.php?id=7"},
      {"../profil/", "http://dinas.example.go.id:8080/profil/"},
      {"/layanan#atas", "http://dinas.example.go.id:8080/layanan"},
      {"  /spasi  ", "http://dinas.example.go.id:8080/spasi"},
      {"HTTP://DINAS.example.go.id:8080/Besar", "http://dinas.example.go.id:8080/Besar"},
      {"//dinas.example.go.id:8080/x", "http://dinas.example.go.id:8080/x"},
      {"http://dinas.example.go.id/port-lain", std::nullopt},  // another port
      {"http://slot-gacor.example/", std::nullopt},            // another host
      {"//evil.example/", std::nullopt},
      {"http://dinas.example.go.id.evil.example:8080/", std::nullopt},
      {"http://user@dinas.example.go.id:8080/", std::nullopt},
      {"javascript:alert(1)", std::nullopt},
      {"mailto:humas@example.go.id", std::nullopt},
      {"ftp://dinas.example.go.id:8080/", std::nullopt},
      {"#top", std::nullopt},
      {"", std::nullopt},
      {"/files/laporan.PDF", std::nullopt},
      {"/img/logo.png", std::nullopt},
      {"/sitemap.xml", std::nullopt},
      {"/wp-login.php?action=logout", std::nullopt},
      {"/akun/logout", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(InternalPageUrl(base, c.href), c.want) << c.href;
  }
}

TEST(InternalLinksTest, DistinctInPageOrderBoundedWithoutThePageItself) {
  PageSummary page;
  for (const char* href : {"/a", "b", "/a#x", "http://other.example/c", "/", "/d", "/e"}) {
    page.links.push_back({href, "", false, ""});
  }
  EXPECT_EQ(InternalLinks("http://s.example/", page, 10),
            (std::vector<std::string>{"http://s.example/a", "http://s.example/b",
                                      "http://s.example/d", "http://s.example/e"}));
  EXPECT_EQ(InternalLinks("http://s.example/", page, 2),
            (std::vector<std::string>{"http://s.example/a", "http://s.example/b"}));
}

TEST(SitemapLocationsTest, ReadsLocEntriesOfSitemapsAndIndexes) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://s.example/</loc><lastmod>2024-01-01</lastmod></url>
  <url><LOC>
     http://s.example/berita?id=1&amp;lang=id
  </LOC></url>
  <url><loc><![CDATA[http://s.example/a&b]]></loc></url>
  <url><loc>http://s.example/&#x41;&#66;</loc></url>
  <url><loc></loc></url>
</urlset>)";
  EXPECT_EQ(SitemapLocations(xml, 10),
            (std::vector<std::string>{"http://s.example/", "http://s.example/berita?id=1&lang=id",
                                      "http://s.example/a&b", "http://s.example/AB"}));
  EXPECT_EQ(SitemapLocations(xml, 1), (std::vector<std::string>{"http://s.example/"}));
  const std::string index =
      "<sitemapindex><sitemap><loc>http://s.example/post-sitemap.xml</loc></sitemap>"
      "</sitemapindex>";
  EXPECT_EQ(SitemapLocations(index, 10),
            (std::vector<std::string>{"http://s.example/post-sitemap.xml"}));
}

TEST(SitemapLocationsTest, HostileInputStaysBounded) {
  EXPECT_TRUE(SitemapLocations("<loc>http://s.example/unclosed", 10).empty());
  EXPECT_TRUE(SitemapLocations("not xml at all <", 10).empty());
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "<loc>http://s.example/p" + std::to_string(i) + "</loc>";
  EXPECT_EQ(SitemapLocations(many, 100).size(), 100u);
  // Only the first bytes are read.
  EXPECT_EQ(SitemapLocations(many, 10000, 100).size(), 3u);
  EXPECT_TRUE(SitemapLocations("<loc>" + std::string(5000, 'a') + "</loc>", 10).empty());
}

TEST(SitemapUrlTest, TheSitesRoot) {
  EXPECT_EQ(SitemapUrl("https://s.example/berita/x?y=1#z"), "https://s.example/sitemap.xml");
  EXPECT_EQ(SitemapUrl("http://s.example:8080/"), "http://s.example:8080/sitemap.xml");
  EXPECT_EQ(SitemapUrl("ftp://s.example/"), "");
  EXPECT_EQ(SitemapUrl("not a url"), "");
}

}  // namespace
}  // namespace pantau
