#include "app/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace pantau {
namespace {

std::string Duration(double s) {
  const int t = static_cast<int>(s + 0.5);
  return fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
}

}  // namespace

std::string HumanBytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  return fmt::format("{:.1f} {}", b, units[u]);
}

ProgressBar::ProgressBar() : tty_(isatty(STDERR_FILENO) == 1) {}

double ProgressBar::Elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressBar::Draw(uint64_t bytes_done, uint64_t bytes_total, double items,
                       const char* rate_label) {
  if (!tty_) return;
  const double t = Elapsed();
  if (t - last_draw_ < 0.2) return;
  last_draw_ = t;
  drawn_ = true;
  const double frac = bytes_total ? static_cast<double>(bytes_done) / bytes_total : 1;
  const int width = 30;
  const int filled = static_cast<int>(frac * width);
  const double rate = t > 0 ? items / t : 0;
  const double eta = frac > 0 ? t / frac - t : 0;
  std::fprintf(stderr, "\r[%s%s] %3d%% %s / %s  %.0f %s  ETA %s ", std::string(filled, '#').c_str(),
               std::string(width - filled, ' ').c_str(), static_cast<int>(frac * 100),
               HumanBytes(bytes_done).c_str(), HumanBytes(bytes_total).c_str(), rate, rate_label,
               Duration(eta).c_str());
}

void ProgressBar::Finish() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace pantau
