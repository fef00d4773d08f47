// SyslogFramer: cuts a TCP byte stream into syslog messages, per RFC 6587, detecting the framing
// at each frame: octet counting ("57 <34>1 ...") when a frame starts with a length and a space,
// newline-terminated otherwise. Lines longer than the limit are cut and marked; a peer that
// sends far more than that without a frame end is garbage and the caller disconnects it.
//
// Thread-safety: one framer per connection, used by one thread at a time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ingest/pipeline.h"

namespace pantau {

class SyslogFramer {
 public:
  explicit SyslogFramer(size_t max_line) : max_line_(max_line) {}

  // Appends the frames completed by `data` to `out`. An error means the stream is not syslog;
  // frames completed before it are still in `out`.
  Status Feed(std::string_view data, TimeNs now, std::vector<RawLine>& out);
  // At the end of the stream: a last line without its newline is still a message.
  void Finish(TimeNs now, std::vector<RawLine>& out);
  // True while part of a frame has been read and its end has not.
  bool InFrame() const { return state_ != State::kStart || !line_.empty(); }

 private:
  enum class State { kStart, kLength, kCounted, kLine, kDiscardLine };
  void Emit(TimeNs now, std::vector<RawLine>& out);

  const size_t max_line_;
  State state_ = State::kStart;
  std::string line_;
  size_t remaining_ = 0;  // bytes left of an octet-counted frame
  size_t discarded_ = 0;  // bytes dropped from the current oversized frame
  bool truncated_ = false;
};

}  // namespace pantau
