// The headless browser's command line, and TakeScreenshot's bounds with stand-in "browsers"
// (shell scripts): one that hangs is killed at the deadline, one that writes no picture is an
// error that says so. tests/e2e/test_monitor.py runs Debian's Chromium for real.
#include "monitor/page_screenshot.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

namespace pantau {
namespace {

bool Has(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

TEST(PageScreenshot, OnlyThePagesHostResolves) {
  ScreenshotOptions o;
  o.browser = "/usr/bin/chromium";
  auto argv = ScreenshotCommand(o, "https://Portal.Kukarkab.go.id:8443/berita?x=1", "UA/1",
                                "/tmp/p", "/tmp/p/shot.png");
  EXPECT_EQ(argv.front(), "/usr/bin/chromium");
  EXPECT_EQ(argv.back(), "https://Portal.Kukarkab.go.id:8443/berita?x=1");
  EXPECT_TRUE(Has(argv, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE portal.kukarkab.go.id"));
  EXPECT_TRUE(Has(argv, "--headless=new"));
  EXPECT_TRUE(Has(argv, "--no-proxy-server"));
  EXPECT_TRUE(Has(argv, "--user-agent=UA/1"));
  EXPECT_TRUE(Has(argv, "--user-data-dir=/tmp/p"));
  EXPECT_TRUE(Has(argv, "--screenshot=/tmp/p/shot.png"));
  argv = ScreenshotCommand(o, "http://[::1]:8080/", "UA", "/tmp/p", "/tmp/p/shot.png");
  EXPECT_TRUE(Has(argv, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE [::1]"));
}

class ScreenshotStandIn : public ::testing::Test {
 protected:
  std::string Script(const std::string& body) {
    dir_ =
        std::filesystem::temp_directory_path() / ("pantau-shot-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const std::string path = (dir_ / "browser").string();
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    chmod(path.c_str(), 0755);
    return path;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ScreenshotStandIn, AHangingBrowserIsKilledAtTheDeadline) {
  ScreenshotOptions o;
  o.browser = Script("sleep 30");
  o.timeout = std::chrono::milliseconds(300);
  const std::atomic<bool> cancel{false};
  const auto start = std::chrono::steady_clock::now();
  auto shot = TakeScreenshot(o, "http://127.0.0.1:1/", "UA", cancel);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_FALSE(shot.ok());
  EXPECT_EQ(shot.status().code(), StatusCode::kDeadlineExceeded) << shot.status().ToString();
}

TEST_F(ScreenshotStandIn, NoPictureIsAnErrorWithTheBrowsersWords) {
  ScreenshotOptions o;
  o.browser = Script("echo 'Page load failed: net::ERR_CONNECTION_REFUSED' >&2; exit 0");
  const std::atomic<bool> cancel{false};
  auto shot = TakeScreenshot(o, "http://127.0.0.1:1/", "UA", cancel);
  ASSERT_FALSE(shot.ok());
  EXPECT_EQ(shot.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(shot.status().message().find("ERR_CONNECTION_REFUSED"), std::string::npos);
}

TEST_F(ScreenshotStandIn, APictureThatIsNotAPngIsRefused) {
  ScreenshotOptions o;
  // Writes text where the picture should be.
  o.browser = Script(
      "for a in \"$@\"; do case \"$a\" in --screenshot=*) echo '<html>' > \"${a#--screenshot=}\";; "
      "esac; done");
  const std::atomic<bool> cancel{false};
  auto shot = TakeScreenshot(o, "http://127.0.0.1:1/", "UA", cancel);
  ASSERT_FALSE(shot.ok());
  EXPECT_NE(shot.status().message().find("not a PNG"), std::string::npos);
}

TEST(PageScreenshot, AMissingBrowserIsUnavailable) {
  ScreenshotOptions o;
  o.browser = "/nonexistent/chromium";
  const std::atomic<bool> cancel{false};
  auto shot = TakeScreenshot(o, "http://127.0.0.1:1/", "UA", cancel);
  ASSERT_FALSE(shot.ok());
  EXPECT_EQ(shot.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace pantau
