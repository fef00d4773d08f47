// JSON text that this server writes and reads back in its own tables: the details of audit
// entries, list columns. One place, so that every table treats bytes the same way.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace pantau {

// `j` as compact JSON; invalid UTF-8 (values may be log content or anyone's input) is replaced
// rather than refused, so that no input can make a record unwritable.
std::string JsonText(const nlohmann::json& j);

// The strings of a JSON array this server stored; anything else (or a non-string item) gives
// nothing for it.
std::vector<std::string> StringsOfJson(std::string_view json);

}  // namespace pantau
