#include "detect/anomaly/masking.h"

namespace pantau::anomaly {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsAlnum(char c) { return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// Characters that separate the parts of one token: "rhost=10.0.0.1", "(uid=0)", "'/dev/sda1'",
// "key:value," keep their keys and brackets while the values are masked. ':' and '.' are not
// among them, so addresses, times and versions stay one part.
bool IsSeparator(char c) {
  switch (c) {
    case '=':
    case ',':
    case ';':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case '\'':
    case '"':
    case '<':
    case '>':
    case '|':
      return true;
    default:
      return false;
  }
}

// name@host.tld
bool IsEmail(std::string_view s) {
  const size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos || !IsAlnum(s[at - 1])) return false;
  const size_t dot = s.find('.', at + 1);
  return dot != std::string_view::npos && dot > at + 1 && dot + 1 < s.size();
}

// fe80::1, ::ffff:a — hex digits and at least two colons (one colon is "key:value").
bool IsIpv6Like(std::string_view s) {
  int colons = 0;
  for (const char c : s) {
    if (c == ':') {
      ++colons;
    } else if (!IsHexDigit(c)) {
      return false;
    }
  }
  return colons >= 2 && s.size() >= 3;
}

// Whether one part of a token is a value rather than a word. A digit anywhere covers numbers,
// IPv4 addresses (with a port), hex with digits, UUIDs, times and dates, sizes ("4KB") and ids
// ("blk_-1608", "job_2008"); the shapes below cover what can have no digit.
bool IsVariablePart(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (IsDigit(c)) return true;
  }
  if (s.size() > 1 && s[0] == '/') return true;  // a path
  if (s.size() > 2 && s[0] == '~' && s[1] == '/') return true;
  if (s.find("://") != std::string_view::npos) return true;  // a URL
  return IsEmail(s) || IsIpv6Like(s);
}

void AppendMasked(std::string_view token, std::string& out) {
  // A URL holds separators ('=' in its query) but is one value as a whole.
  if (token.find("://") != std::string_view::npos) {
    out += kWildcard;
    return;
  }
  size_t i = 0;
  while (i < token.size()) {
    if (IsSeparator(token[i])) {
      out += token[i++];
      continue;
    }
    size_t j = i;
    while (j < token.size() && !IsSeparator(token[j])) ++j;
    const std::string_view part = token.substr(i, j - i);
    // A value after '=' with a dot is a host name, a file name or a version ("rhost=a.b.org").
    const bool dotted_value =
        i > 0 && token[i - 1] == '=' && part.find('.') != std::string_view::npos;
    if (dotted_value || IsVariablePart(part)) {
      out += kWildcard;
    } else {
      out += part;
    }
    i = j;
  }
}

}  // namespace

std::string MaskToken(std::string_view token) {
  std::string out;
  AppendMasked(token, out);
  return out;
}

bool HasWildcard(std::string_view token) { return token.find(kWildcard) != std::string_view::npos; }

std::span<const std::string_view> MessageTokenizer::Tokenize(std::string_view message) {
  text_.clear();
  ends_.clear();
  views_.clear();
  const bool cut = message.size() > limits_.max_bytes;
  std::string_view rest = cut ? message.substr(0, limits_.max_bytes) : message;
  // When the cut falls inside a token, that token is incomplete: it is dropped and the final
  // <*> stands for it.
  if (cut && !IsSpace(message[limits_.max_bytes])) {
    while (!rest.empty() && !IsSpace(rest.back())) rest.remove_suffix(1);
  }
  const size_t max_tokens = limits_.max_tokens < 1 ? 1 : limits_.max_tokens;
  bool more = cut;
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && IsSpace(rest[i])) ++i;
    if (i == rest.size()) break;
    size_t j = i;
    while (j < rest.size() && !IsSpace(rest[j])) ++j;
    if (ends_.size() + 1 == max_tokens) {
      size_t k = j;
      while (k < rest.size() && IsSpace(rest[k])) ++k;
      if (k < rest.size() || cut) {
        more = true;  // room for the final <*> only
        break;
      }
    }
    AppendMasked(rest.substr(i, j - i), text_);
    ends_.push_back(text_.size());
    i = j;
  }
  if (more) {
    text_ += kWildcard;
    ends_.push_back(text_.size());
  }
  size_t begin = 0;
  for (const size_t end : ends_) {
    views_.emplace_back(text_.data() + begin, end - begin);
    begin = end;
  }
  return views_;
}

}  // namespace pantau::anomaly
