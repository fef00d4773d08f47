// Separating a log line's header (time, level, process, ...) from its message, which is what the
// template miner reads. A format is written as loghub's benchmark writes them: fields in angle
// brackets, the message in <Content>, spaces matching any run of whitespace, the rest a regular
// expression fragment (e.g. "<Date> <Time> <Level> \[<Process>\] <Component>: <Content>").
// The formats of the loghub data sets are built in by name (NamedLogFormats()).
//
// Thread-safety: immutable after Make; Content may be called from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace re2 {
class RE2;
}

namespace pantau::anomaly {

struct NamedLogFormat {
  std::string_view name;    // "openssh"
  std::string_view format;  // loghub's header format
};
const std::vector<NamedLogFormat>& NamedLogFormats();

class LogFormat {
 public:
  // A built-in name, "raw" (the whole line is the message), or a format with <Content>.
  static Result<LogFormat> Make(std::string_view name_or_format);

  LogFormat(LogFormat&&) noexcept;
  LogFormat& operator=(LogFormat&&) noexcept;
  ~LogFormat();

  // The message of `line`, or nullopt when the line does not have this header.
  std::optional<std::string_view> Content(std::string_view line) const;

 private:
  LogFormat();
  std::unique_ptr<re2::RE2> re_;  // null for raw
};

}  // namespace pantau::anomaly
