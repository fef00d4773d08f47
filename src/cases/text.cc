#include "cases/text.h"

#include <cctype>

#include "core/event.h"

namespace pantau {

std::string TrimmedText(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool IsPrintableText(std::string_view s, bool multiline) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0x7f) return false;
    if (c >= 0x20) continue;
    if (!multiline || (c != '\n' && c != '\r' && c != '\t')) return false;
  }
  return IsValidUtf8(s);
}

std::string ShortenedText(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t end = max_bytes;
  // Back up over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return std::string(s.substr(0, end)) + "\u2026";
}

}  // namespace pantau
