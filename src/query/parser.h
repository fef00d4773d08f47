// The query parser: text in, syntax tree out, or an error that names the column (1-based) and
// what was expected there. Query text comes from users and is never trusted: the parser bounds
// nesting and size, and builds nothing but the tree.
#pragma once

#include <string_view>

#include "core/status.h"
#include "query/query.h"

namespace pantau::query {

// Kibana/Lucene-style syntax; see docs/query-language.md. Empty or blank text is everything.
Result<Query> ParseQuery(std::string_view text);

// True for names a field may have: letters, digits, '_', '.', '@', '-', not starting with a
// digit or '-'. Anything else is rejected, so names can go into JSON paths safely.
bool IsFieldName(std::string_view name);

}  // namespace pantau::query
