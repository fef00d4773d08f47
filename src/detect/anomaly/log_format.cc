#include "detect/anomaly/log_format.h"

#include <re2/re2.h>

namespace pantau::anomaly {

const std::vector<NamedLogFormat>& NamedLogFormats() {
  // loghub's benchmark formats, one per data set.
  static const std::vector<NamedLogFormat> kFormats = {
      {"hdfs", "<Date> <Time> <Pid> <Level> <Component>: <Content>"},
      {"hadoop", R"(<Date> <Time> <Level> \[<Process>\] <Component>: <Content>)"},
      {"spark", "<Date> <Time> <Level> <Component>: <Content>"},
      {"bgl",
       "<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> "
       "<Content>"},
      {"hpc", "<LogId> <Node> <Component> <State> <Time> <Flag> <Content>"},
      {"windows", "<Date> <Time>, <Level>                  <Component>    <Content>"},
      {"linux", R"(<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>)"},
      {"apache", R"(\[<Time>\] \[<Level>\] <Content>)"},
      {"openssh", R"(<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>)"},
      {"openstack", R"(<Logrecord> <Date> <Time> <Pid> <Level> <Component> \[<ADDR>\] <Content>)"},
  };
  return kFormats;
}

LogFormat::LogFormat() = default;
LogFormat::LogFormat(LogFormat&&) noexcept = default;
LogFormat& LogFormat::operator=(LogFormat&&) noexcept = default;
LogFormat::~LogFormat() = default;

Result<LogFormat> LogFormat::Make(std::string_view name_or_format) {
  LogFormat out;
  if (name_or_format == "raw") return out;
  std::string_view format = name_or_format;
  for (const NamedLogFormat& f : NamedLogFormats()) {
    if (f.name == name_or_format) format = f.format;
  }
  if (format.find('<') == std::string_view::npos) {
    std::string names = "raw";
    for (const NamedLogFormat& f : NamedLogFormats()) names += ", " + std::string(f.name);
    return InvalidArgument("unknown log format '" + std::string(name_or_format) + "': use one of " +
                           names + ", or a header format with <Content>");
  }
  // Each field matches lazily, as in loghub's benchmark; only <Content> is captured.
  std::string pattern = "^";
  bool content = false;
  size_t i = 0;
  while (i < format.size()) {
    if (format[i] == '<') {
      const size_t end = format.find('>', i);
      if (end == std::string_view::npos) {
        return InvalidArgument("log format: '<' at column " + std::to_string(i + 1) +
                               " is never closed");
      }
      const std::string_view field = format.substr(i + 1, end - i - 1);
      if (field == "Content") {
        if (content) return InvalidArgument("log format: <Content> twice");
        content = true;
        pattern += "(.*)";
      } else {
        pattern += "(?:.*?)";
      }
      i = end + 1;
    } else if (format[i] == ' ') {
      while (i < format.size() && format[i] == ' ') ++i;
      pattern += R"(\s+)";
    } else if (format[i] == '\\' && i + 1 < format.size()) {
      pattern += format.substr(i, 2);
      i += 2;
    } else if (format[i] == '(' && (i + 1 == format.size() || format[i + 1] != '?')) {
      pattern += "(?:";  // the format's groups are not <Content>'s capture
      ++i;
    } else {
      pattern += format[i++];
    }
  }
  if (!content) return InvalidArgument("log format: no <Content> field");
  pattern += "$";
  RE2::Options options;
  options.set_log_errors(false);
  options.set_dot_nl(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) return InvalidArgument("log format: " + re->error());
  out.re_ = std::move(re);
  return out;
}

std::optional<std::string_view> LogFormat::Content(std::string_view line) const {
  if (re_ == nullptr) return line;
  re2::StringPiece content;
  if (!RE2::FullMatch(re2::StringPiece(line.data(), line.size()), *re_, &content)) {
    return std::nullopt;
  }
  return std::string_view(content.data(), content.size());
}

}  // namespace pantau::anomaly
