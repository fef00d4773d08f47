// The `condition` of a Sigma rule: and, or, not, parentheses, search identifiers and the
// quantifiers `1 of` / `any of` / `all of` / `N of` over identifier patterns or `them`.
// Precedence, loosest first: or, and, not, `x of`, parentheses.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pantau::sigma {

struct Condition {
  enum class Kind { kAnd, kOr, kNot, kIdentifier, kOf };
  Kind kind = Kind::kIdentifier;
  std::vector<Condition> children;  // kAnd, kOr (two or more), kNot (one)
  std::string name;                 // kIdentifier: the identifier; kOf: the pattern or "them"
  int count = 1;                    // kOf: at least this many; 0 means all
};

// Parses a condition; an error names the column (1-based) and what was expected there.
Result<Condition> ParseCondition(std::string_view text);

// True when `name` matches an identifier pattern of `x of` (`*` matches any run).
bool IdentifierMatches(std::string_view pattern, std::string_view name);

}  // namespace pantau::sigma
