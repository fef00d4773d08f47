// Screenshots of a monitored page with a headless Chromium, as evidence of what a defaced or
// injected page showed (docs/monitoring.md#screenshots). The browser runs as a child process
// (core/child_process.h: an argument vector, never a shell) with a deadline, killed with its
// process group when it passes; in a fresh profile in a temporary directory removed afterwards;
// without a proxy; and able to reach only the page's own host (every other name or address fails
// to resolve), so that the page cannot make the browser reach other sites. The caller checks the
// URL against the allow-list first, as it does for every fetch.
//
// Thread-safety: TakeScreenshot may be called from several threads at once; `cancel` may be set
// from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pantau {

struct ScreenshotOptions {
  std::string browser;  // the Chromium binary (a path, or a name looked up in PATH); empty: off
  std::chrono::milliseconds timeout{std::chrono::seconds(20)};  // per shot; killed after it
  size_t max_png_bytes = size_t{16} << 20;                      // a larger picture is refused
  int width = 1280, height = 2000;                              // the window, in CSS pixels
};

// The browser's command line for one shot (exposed for the tests).
std::vector<std::string> ScreenshotCommand(const ScreenshotOptions& options, const std::string& url,
                                           std::string_view user_agent,
                                           const std::string& profile_dir,
                                           const std::string& png_path);

// The PNG of `url` as a browser with `user_agent` renders it. DeadlineExceeded on the timeout;
// Unavailable when `cancel` was set, when the browser cannot be started, or when it wrote no
// picture (its last lines of error output say why).
Result<std::string> TakeScreenshot(const ScreenshotOptions& options, const std::string& url,
                                   std::string_view user_agent, const std::atomic<bool>& cancel);

}  // namespace pantau
