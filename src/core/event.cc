#include "core/event.h"

#include <charconv>
#include <cmath>
#include <functional>

#include "core/time.h"

namespace pantau {

namespace {
size_t HashName(std::string_view name) { return std::hash<std::string_view>{}(name); }
}  // namespace

ptrdiff_t Fields::IndexOf(std::string_view name) const {
  if (index_.empty()) {
    for (size_t i = 0; i < items_.size(); ++i) {
      if (items_[i].name == name) return static_cast<ptrdiff_t>(i);
    }
    return -1;
  }
  const size_t mask = index_.size() - 1;
  for (size_t slot = HashName(name) & mask;; slot = (slot + 1) & mask) {
    const uint32_t at = index_[slot];
    if (at == 0) return -1;
    if (items_[at - 1].name == name) return at - 1;
  }
}

void Fields::Rehash() {
  size_t size = 64;
  while (size < items_.size() * 2) size *= 2;
  index_.assign(size, 0);
  const size_t mask = size - 1;
  for (size_t i = 0; i < items_.size(); ++i) {
    size_t slot = HashName(items_[i].name) & mask;
    while (index_[slot] != 0) slot = (slot + 1) & mask;
    index_[slot] = static_cast<uint32_t>(i + 1);
  }
}

void Fields::Append(std::string_view name, Value value) {
  items_.push_back({std::string(name), std::move(value)});
  if (items_.size() < kIndexFrom) return;
  if (index_.empty() || items_.size() * 2 > index_.size()) {
    Rehash();
    return;
  }
  const size_t mask = index_.size() - 1;
  size_t slot = HashName(name) & mask;
  while (index_[slot] != 0) slot = (slot + 1) & mask;
  index_[slot] = static_cast<uint32_t>(items_.size());
}

void Fields::Set(std::string_view name, Value value) {
  const ptrdiff_t at = IndexOf(name);
  if (at >= 0) {
    items_[at].value = std::move(value);
  } else {
    Append(name, std::move(value));
  }
}

void Fields::SetIfAbsent(std::string_view name, Value value) {
  if (IndexOf(name) < 0) Append(name, std::move(value));
}

const Value* Fields::Find(std::string_view name) const {
  const ptrdiff_t at = IndexOf(name);
  return at >= 0 ? &items_[at].value : nullptr;
}

std::string_view Fields::GetString(std::string_view name) const {
  const Value* v = Find(name);
  if (v == nullptr) return {};
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  return {};
}

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n;
  uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {
// True for bytes that JSON strings may hold as they are: printable ASCII but '"' and '\\'.
constexpr bool IsPlainJsonByte(unsigned char c) {
  return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}
}  // namespace

void AppendJsonMember(std::string& out, std::string_view name, std::string_view value) {
  out += ",\"";
  out += name;
  out += "\":";
  AppendJsonString(out, value);
}

void AppendJsonMemberOrNull(std::string& out, std::string_view name, std::string_view value) {
  if (value.empty()) {
    out += ",\"";
    out += name;
    out += "\":null";
  } else {
    AppendJsonMember(out, name, value);
  }
}

void AppendJsonString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    // Copy runs of plain bytes at once; most log text is one long run.
    size_t run = i;
    while (run < s.size() && IsPlainJsonByte(static_cast<unsigned char>(s[run]))) ++run;
    if (run > i) {
      out.append(s.data() + i, run - i);
      i = run;
      if (i == s.size()) break;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out += "\\\\x";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
    ++i;
  }
  out.push_back('"');
}

void AppendJsonValue(std::string& out, const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) {
    out += "null";
  } else if (const auto* b = std::get_if<bool>(&v)) {
    out += *b ? "true" : "false";
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, *i);
    out.append(buf, r.ptr);
  } else if (const auto* d = std::get_if<double>(&v)) {
    if (!std::isfinite(*d)) {
      out += "null";
      return;
    }
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, *d);
    out.append(buf, r.ptr);
  } else {
    AppendJsonString(out, std::get<std::string>(v));
  }
}

std::string FieldsToJson(const Fields& fields) {
  std::string out;
  out.reserve(64 * fields.size() + 2);
  out.push_back('{');
  bool first = true;
  for (const auto& f : fields.items()) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, f.name);
    out.push_back(':');
    AppendJsonValue(out, f.value);
  }
  out.push_back('}');
  return out;
}

void AppendFlagsJson(std::string& out, uint32_t flags) {
  flags &= ~uint32_t{kMessageFromFields};
  if (flags == 0) return;
  out += ",\"flags\":[";
  bool first = true;
  auto flag = [&](uint32_t bit, const char* name) {
    if ((flags & bit) == 0) return;
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, name);
  };
  flag(kDecodeError, "decode_error");
  flag(kTruncated, "truncated");
  flag(kInvalidUtf8, "invalid_utf8");
  flag(kTimeFromReceipt, "time_from_receipt");
  out.push_back(']');
}

std::string EventToJson(const Event& e, std::string_view id) {
  std::string out = "{";
  if (!id.empty()) {
    out += "\"id\":";
    AppendJsonString(out, id);
    out.push_back(',');
  }
  out += "\"@timestamp\":";
  AppendJsonString(out, FormatRfc3339(e.timestamp));
  out += ",\"dataset\":";
  AppendJsonString(out, e.dataset);
  out += ",\"message\":";
  AppendJsonString(out, e.message);
  out += ",\"raw\":";
  AppendJsonString(out, e.raw);
  out += ",\"fields\":";
  out += FieldsToJson(e.fields);
  AppendFlagsJson(out, e.flags);
  if (!e.error.empty()) {
    out += ",\"error\":";
    AppendJsonString(out, e.error);
  }
  out.push_back('}');
  return out;
}

}  // namespace pantau
