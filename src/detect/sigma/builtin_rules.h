// Pantau's own Sigma rules (rules/ in the source tree), carried by the binary so that
// `pantau serve` detects out of the box.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace pantau::sigma {

// (path under the source tree, YAML text) of every rule file, in path order.
const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinRules();

}  // namespace pantau::sigma
