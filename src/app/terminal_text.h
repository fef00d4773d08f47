// Log content printed on a terminal by the commands (hunt, templates): control characters,
// escape sequences included, shown as \xNN so that a log line cannot drive the terminal.
#pragma once

#include <string>
#include <string_view>

namespace pantau {

std::string TerminalSafe(std::string_view s);

}  // namespace pantau
