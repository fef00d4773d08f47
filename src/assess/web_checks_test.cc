#include "assess/web_checks.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace pantau {
namespace {

std::vector<std::string> Titles(const std::vector<NewFinding>& findings) {
  std::vector<std::string> out;
  for (const NewFinding& f : findings) out.push_back(f.title);
  return out;
}

HttpExchange Page(std::string url, std::string body,
                  std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpExchange e;
  e.url = std::move(url);
  e.status = 200;
  e.body = std::move(body);
  e.headers = std::move(headers);
  return e;
}

const std::vector<std::pair<std::string, std::string>> kGoodHeaders = {
    {"content-security-policy", "default-src 'self'"},
    {"x-frame-options", "DENY"},
    {"strict-transport-security", "max-age=31536000"},
    {"x-content-type-options", "nosniff"}};

TEST(WebChecks, APageThatFailsEveryCheck) {
  const auto findings = CheckPage(
      Page("https://portal.example/",
           "<html><title>Index of /</title><h1>Index of /</h1><a href=x>x</a>"
           "<div style=display:none>SLOT GACOR hari ini, Situs Slot terpercaya</div></html>"));
  EXPECT_EQ(
      Titles(findings),
      (std::vector<std::string>{
          "Missing Content-Security-Policy header", "Missing X-Frame-Options header",
          "Missing Strict-Transport-Security header", "Missing X-Content-Type-Options: nosniff",
          "Directory listing enabled", "Online-gambling content in the page"}));
  EXPECT_EQ(findings[4].severity, "medium");
  EXPECT_EQ(findings[5].severity, "high");
  EXPECT_NE(findings[5].evidence.find("'slot gacor', 'situs slot'"), std::string::npos);
  EXPECT_NE(findings[5].evidence.find("SLOT GACOR hari ini"), std::string::npos);
  EXPECT_EQ(findings[0].target, "https://portal.example/");
}

TEST(WebChecks, APageThatPasses) {
  EXPECT_TRUE(
      CheckPage(Page("https://portal.example/", "<html>Berita Kukar hari ini</html>", kGoodHeaders))
          .empty());
  // Plain HTTP needs no HSTS; a CSP frame-ancestors stands for X-Frame-Options.
  EXPECT_TRUE(CheckPage(Page("http://portal.example/", "<html>ok</html>",
                             {{"content-security-policy", "frame-ancestors 'none'"},
                              {"x-content-type-options", "nosniff"}}))
                  .empty());
}

TEST(WebChecks, ExposedFilesOnlyWhenTheyAreThoseFiles) {
  auto found = [](std::string_view path, std::string body) {
    return Titles(CheckExposedFile(path, Page("http://x" + std::string(path), std::move(body))));
  };
  EXPECT_EQ(found("/.git/HEAD", "ref: refs/heads/main\n"),
            std::vector<std::string>{"Exposed Git repository (/.git/HEAD)"});
  EXPECT_EQ(found("/.env", "APP_KEY=base64:abc\nDB_PASSWORD=rahasia\n"),
            std::vector<std::string>{"Exposed environment file (/.env)"});
  EXPECT_EQ(found("/backup.zip", std::string("PK\x03\x04rest", 8)),
            std::vector<std::string>{"Exposed backup archive (/backup.zip)"});
  EXPECT_EQ(
      found("/wp-config.php.bak", "<?php define('DB_PASSWORD', 'x');"),
      std::vector<std::string>{"Exposed WordPress configuration backup (/wp-config.php.bak)"});
  // A site answering 200 with its own page for every path (a soft 404) exposes nothing.
  const std::string soft404 = "<!doctype html><html><title>Tidak ditemukan</title></html>";
  for (std::string_view path : kExposedFilePaths) EXPECT_TRUE(found(path, soft404).empty()) << path;
  HttpExchange missing = Page("http://x/.env", "DB_PASSWORD=x");
  missing.status = 404;
  EXPECT_TRUE(CheckExposedFile("/.env", missing).empty());
  // The excerpt names the settings, not their values.
  const auto env = CheckExposedFile("/.env", Page("http://x/.env", "DB_PASSWORD=rahasia\n"));
  ASSERT_EQ(env.size(), 1u);
  EXPECT_NE(env[0].evidence.find("DB_PASSWORD=***"), std::string::npos);
  EXPECT_EQ(env[0].evidence.find("rahasia"), std::string::npos);
}

TEST(WebChecks, RunRefusesNothingItWasNotGiven) {
  // No targets (only the allow-list makes them): nothing is fetched.
  const std::atomic<bool> cancel{false};
  const WebCheckResult r = RunWebChecks({}, WebCheckOptions{}, cancel);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_TRUE(r.transcript.empty());
  EXPECT_EQ(r.error, "no registered URL to check");
}

}  // namespace
}  // namespace pantau
