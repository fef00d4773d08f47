#include "cases/json_text.h"

#include <nlohmann/json.hpp>

namespace pantau {

std::string JsonText(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> StringsOfJson(std::string_view json) {
  std::vector<std::string> out;
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace pantau
