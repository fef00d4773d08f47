// Reading request input the same way in every route: JSON bodies and list parameters, with
// errors that name the field.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pantau {

// The body as a JSON object; an empty body is `{}` when `empty_is_object`.
Result<nlohmann::json> ParseObject(std::string_view body, bool empty_is_object = false);

// A member that must be a string; with `nullable`, null reads as "" (none).
Result<std::string> TextMember(const std::string& key, const nlohmann::json& value,
                               bool nullable = false);

// A member that must be a list of strings.
Result<std::vector<std::string>> StringList(const std::string& key, const nlohmann::json& value);

// A query parameter that lists values with commas ("new,acknowledged"); empty items dropped.
std::vector<std::string> CommaList(std::string_view s);

// A query parameter that must be a whole number in [min, max]; `fallback` when absent.
// InvalidArgument "limit: a whole number from 1 to 1000" otherwise.
Result<int64_t> WholeNumber(std::string_view text, int64_t min, int64_t max, int64_t fallback,
                            std::string_view what);

}  // namespace pantau
