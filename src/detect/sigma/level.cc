#include "detect/sigma/level.h"

#include <fmt/format.h>

namespace pantau::sigma {
namespace {

constexpr std::string_view kLevels[] = {"informational", "low", "medium", "high", "critical"};

}  // namespace

std::string_view LevelName(Level level) { return kLevels[static_cast<int>(level)]; }

Result<Level> ParseLevel(std::string_view name) {
  for (size_t i = 0; i < std::size(kLevels); ++i) {
    if (kLevels[i] == name) return static_cast<Level>(i);
  }
  return InvalidArgument(
      fmt::format("level '{}' is not one of informational, low, medium, high, critical", name));
}

}  // namespace pantau::sigma
