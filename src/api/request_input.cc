#include "api/request_input.h"

#include <charconv>

namespace pantau {

Result<nlohmann::json> ParseObject(std::string_view body, bool empty_is_object) {
  if (empty_is_object && body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return nlohmann::json::object();
  }
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return InvalidArgument("body: expected a JSON object");
  return j;
}

Result<std::string> TextMember(const std::string& key, const nlohmann::json& value, bool nullable) {
  if (nullable && value.is_null()) return std::string();
  if (!value.is_string()) return InvalidArgument(key + ": expected a string");
  return value.get<std::string>();
}

Result<std::vector<std::string>> StringList(const std::string& key, const nlohmann::json& v) {
  if (!v.is_array()) return InvalidArgument(key + ": expected a list of strings");
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string()) return InvalidArgument(key + ": expected a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::vector<std::string> CommaList(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    if (comma != 0) out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

Result<int64_t> WholeNumber(std::string_view text, int64_t min, int64_t max, int64_t fallback,
                            std::string_view what) {
  if (text.empty()) return fallback;
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < min || n > max) {
    return InvalidArgument(std::string(what) + ": a whole number from " + std::to_string(min) +
                           " to " + std::to_string(max));
  }
  return n;
}

}  // namespace pantau
