#include "monitor/page_screenshot.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/child_process.h"
#include "monitor/system_matcher.h"

namespace pantau {
namespace {

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";

// A temporary directory removed when this goes out of scope, whatever happened.
class TempDir {
 public:
  static Result<TempDir> Make() {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / "pantau-shot-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return Internal(
          fmt::format("cannot make a temporary directory under {} for the browser's "
                      "profile",
                      base.string()));
    }
    return TempDir(pattern);
  }
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir(const TempDir&) = delete;
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The last few lines of the browser's error output (Chromium logs much that is harmless first).
std::string LastLines(const std::string& text, size_t lines) {
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  size_t start = end;
  for (size_t n = 0; start > 0 && n < lines; --start) {
    if (text[start - 1] == '\n' && ++n == lines) break;
  }
  std::string out = text.substr(start, end - start);
  if (out.size() > 1000) out = "..." + out.substr(out.size() - 1000);
  return out;
}

}  // namespace

std::vector<std::string> ScreenshotCommand(const ScreenshotOptions& options, const std::string& url,
                                           std::string_view user_agent,
                                           const std::string& profile_dir,
                                           const std::string& png_path) {
  // Every host but the page's own fails to resolve, IP addresses too (Chromium maps them
  // through the same rules): the page's scripts, frames and images from other sites are not
  // fetched, nor are the browser's own background requests.
  std::string resolver = "MAP * ~NOTFOUND";
  const std::string host = UrlHost(url);
  if (!host.empty()) {
    resolver +=
        host.find(':') != std::string::npos ? ", EXCLUDE [" + host + "]" : ", EXCLUDE " + host;
  }
  std::vector<std::string> argv = {
      options.browser,
      "--headless=new",
      "--disable-gpu",
      "--hide-scrollbars",
      "--mute-audio",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-extensions",
      "--disable-sync",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-dev-shm-usage",
      "--no-proxy-server",
      "--host-resolver-rules=" + resolver,
      fmt::format("--window-size={},{}", options.width, options.height),
      "--user-data-dir=" + profile_dir,
      "--user-agent=" + std::string(user_agent),
      "--screenshot=" + png_path};
  // Chromium refuses to start its sandbox as root; then it runs without (the profile is fresh
  // and thrown away, and names other than the page's host do not resolve). As any other user
  // the sandbox stays on.
  if (geteuid() == 0) argv.push_back("--no-sandbox");
  argv.push_back(url);
  return argv;
}

Result<std::string> TakeScreenshot(const ScreenshotOptions& options, const std::string& url,
                                   std::string_view user_agent, const std::atomic<bool>& cancel) {
  if (options.browser.empty()) return FailedPrecondition("no screenshot browser is configured");
  ASSIGN_OR_RETURN(TempDir dir, TempDir::Make());
  const std::string png_path = dir.path() + "/shot.png";
  ChildOptions child;
  child.timeout = options.timeout;
  child.max_output_bytes = 64 * 1024;
  ASSIGN_OR_RETURN(const ChildResult run,
                   RunChildProcess(ScreenshotCommand(options, url, user_agent,
                                                     dir.path() + "/profile", png_path),
                                   child, cancel));
  if (run.cancelled) return Unavailable("the screenshot was cancelled: the server is stopping");
  if (run.timed_out) {
    return DeadlineExceeded(fmt::format("the browser took more than {} s for the screenshot of {}",
                                        options.timeout.count() / 1000, url));
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(png_path, ec);
  if (ec || size == 0) {
    return Unavailable(fmt::format(
        "the browser wrote no screenshot of {} (exit {}{}): {}", url, run.exit_code,
        run.signal ? fmt::format(", signal {}", run.signal) : "", LastLines(run.err, 3)));
  }
  if (size > options.max_png_bytes) {
    return TooLarge(fmt::format("the screenshot of {} is {} bytes, over the {} kept", url, size,
                                options.max_png_bytes));
  }
  std::ifstream in(png_path, std::ios::binary);
  std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (png.compare(0, kPngSignature.size(), kPngSignature) != 0) {
    return Unavailable(fmt::format("the browser's screenshot of {} is not a PNG", url));
  }
  return png;
}

}  // namespace pantau
