// A list answered whole, in the API's list shape (DESIGN.md): {"items": [...], "next_cursor":
// null, "total": N}, each item written by its ToJson() or by `to_json`.
#pragma once

#include <string>
#include <vector>

namespace pantau {

template <typename T, typename ToJson>
std::string WholeListJson(const std::vector<T>& items, ToJson to_json) {
  std::string out = R"({"items":[)";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += to_json(items[i]);
  }
  return out + R"(],"next_cursor":null,"total":)" + std::to_string(items.size()) + "}";
}

template <typename T>
std::string WholeListJson(const std::vector<T>& items) {
  return WholeListJson(items, [](const T& item) { return item.ToJson(); });
}

}  // namespace pantau
