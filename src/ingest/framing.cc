#include "ingest/framing.h"

namespace pantau {
namespace {
// A length prefix longer than this many digits is not RFC 6587 octet counting.
constexpr size_t kMaxLengthDigits = 9;
// A frame may declare at most this length, and a newline frame may run this far past the line
// limit, before the peer counts as sending garbage.
constexpr size_t kGarbageBytes = 16u << 20;
}  // namespace

void SyslogFramer::Emit(TimeNs now, std::vector<RawLine>& out) {
  if (!line_.empty() && line_.back() == '\r' && state_ != State::kCounted) line_.pop_back();
  // Digits read as a possible octet count can make a line longer than the limit (found by the
  // fuzzer): cut it here, whatever the path.
  if (line_.size() > max_line_) {
    line_.resize(max_line_);
    truncated_ = true;
  }
  if (!line_.empty() || truncated_) {
    out.push_back({std::move(line_), now, truncated_ ? uint32_t{kTruncated} : 0u});
  }
  line_.clear();
  truncated_ = false;
  discarded_ = 0;
  state_ = State::kStart;
}

Status SyslogFramer::Feed(std::string_view data, TimeNs now, std::vector<RawLine>& out) {
  size_t i = 0;
  while (i < data.size()) {
    switch (state_) {
      case State::kStart: {
        const char c = data[i];
        if (c >= '1' && c <= '9') {
          state_ = State::kLength;
        } else if (c == '\n') {
          ++i;  // empty line between frames
        } else {
          state_ = State::kLine;
        }
        break;
      }
      case State::kLength: {
        // Digits gathered so far sit in line_; a space makes them a length, anything else makes
        // them the start of a newline-terminated line.
        const char c = data[i];
        if (c >= '0' && c <= '9' && line_.size() < kMaxLengthDigits) {
          line_.push_back(c);
          ++i;
        } else if (c == ' ' && !line_.empty()) {
          remaining_ = std::stoull(line_);
          line_.clear();
          ++i;
          if (remaining_ > kGarbageBytes) {
            return InvalidArgument("octet-counted frame of " + std::to_string(remaining_) +
                                   " bytes exceeds the limit");
          }
          state_ = State::kCounted;
          if (remaining_ == 0) Emit(now, out);
        } else {
          state_ = State::kLine;
        }
        break;
      }
      case State::kCounted: {
        const size_t take = std::min(remaining_, data.size() - i);
        const size_t room = max_line_ > line_.size() ? max_line_ - line_.size() : 0;
        line_.append(data.substr(i, std::min(take, room)));
        if (take > room) truncated_ = true;
        remaining_ -= take;
        i += take;
        if (remaining_ == 0) {
          // Senders often end counted frames with a newline too; it is not part of the message.
          while (!line_.empty() && (line_.back() == '\n' || line_.back() == '\r')) line_.pop_back();
          Emit(now, out);
        }
        break;
      }
      case State::kLine: {
        const size_t nl = data.find('\n', i);
        const size_t end = nl == std::string_view::npos ? data.size() : nl;
        const size_t room = max_line_ > line_.size() ? max_line_ - line_.size() : 0;
        const size_t len = end - i;
        line_.append(data.substr(i, std::min(len, room)));
        if (len > room) {
          truncated_ = true;
          discarded_ += len - room;
          state_ = State::kDiscardLine;
        }
        i = end;
        if (nl != std::string_view::npos) {
          Emit(now, out);
          ++i;
        }
        break;
      }
      case State::kDiscardLine: {
        const size_t nl = data.find('\n', i);
        const size_t end = nl == std::string_view::npos ? data.size() : nl;
        discarded_ += end - i;
        i = end;
        if (nl != std::string_view::npos) {
          Emit(now, out);
          ++i;
        } else if (discarded_ > kGarbageBytes) {
          Emit(now, out);  // keep what was read of it
          return InvalidArgument("no line end after " + std::to_string(kGarbageBytes) +
                                 " bytes; not a syslog stream");
        }
        break;
      }
    }
  }
  return Status::Ok();
}

void SyslogFramer::Finish(TimeNs now, std::vector<RawLine>& out) {
  if (state_ == State::kCounted) truncated_ = true;  // the frame ended early
  Emit(now, out);
}

}  // namespace pantau
