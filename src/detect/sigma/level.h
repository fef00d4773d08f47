// The level of a Sigma rule: how urgent its matches are.
#pragma once

#include <string_view>

#include "core/status.h"

namespace pantau::sigma {

enum class Level { kInformational, kLow, kMedium, kHigh, kCritical };
// "informational", "low", "medium", "high", "critical".
std::string_view LevelName(Level level);
Result<Level> ParseLevel(std::string_view name);

}  // namespace pantau::sigma
