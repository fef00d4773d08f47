// A one-line progress bar on stderr for commands that read files (import, hunt), drawn only on
// a terminal and at most five times a second.
//
// Thread-safety: one owner.
#pragma once

#include <chrono>
#include <string>

namespace pantau {

class ProgressBar {
 public:
  // Draws nothing unless stderr is a terminal.
  ProgressBar();
  // `rate_label` follows the rate, e.g. "events/s".
  void Draw(uint64_t bytes_done, uint64_t bytes_total, double items, const char* rate_label);
  // Ends the bar's line, when one was drawn.
  void Finish();
  double Elapsed() const;

 private:
  bool tty_;
  bool drawn_ = false;
  double last_draw_ = -1;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::string HumanBytes(double bytes);  // "12.3 MB"

}  // namespace pantau
