// Cuts the bytes of a file into lines: at newlines, a trailing CR dropped, longer lines cut to
// the limit and marked truncated. Not the SyslogFramer: a file has no octet counting, and a line
// starting with digits and a space is just a line.
//
// Thread-safety: one owner.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace pantau {

class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line) : max_line_(max_line) {}

  template <typename Emit>
  void Feed(std::string_view data, Emit&& emit) {
    size_t i = 0;
    while (i < data.size()) {
      const size_t nl = data.find('\n', i);
      const size_t end = nl == std::string_view::npos ? data.size() : nl;
      const size_t room = max_line_ - std::min(max_line_, line_.size());
      const size_t len = end - i;
      line_.append(data.substr(i, std::min(len, room)));
      if (len > room) truncated_ = true;
      i = end;
      if (nl != std::string_view::npos) {
        Flush(emit);
        ++i;
      }
    }
  }

  template <typename Emit>
  void Flush(Emit&& emit) {
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    if (!line_.empty() || truncated_) emit(std::move(line_), truncated_);
    line_.clear();
    truncated_ = false;
  }

 private:
  const size_t max_line_;
  std::string line_;
  bool truncated_ = false;
};

}  // namespace pantau
