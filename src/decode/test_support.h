// Helpers shared by the decoder tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/event.h"
#include "core/time.h"
#include "decode/decoder.h"

namespace pantau::testing_support {

// The context of the golden tests: received 2026-11-27T12:00:00Z, from a file.
inline DecodeContext TestContext() {
  DecodeContext ctx;
  ctx.received = *ParseRfc3339("2026-11-27T12:00:00Z");
  ctx.input = "file";
  return ctx;
}

inline TimeNs T(std::string_view rfc3339) { return *ParseRfc3339(rfc3339); }

// The field as text: strings as they are, numbers and bools printed, "<absent>" when missing.
inline std::string Text(const Event& e, std::string_view name) {
  const Value* v = e.fields.Find(name);
  if (v == nullptr) return "<absent>";
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  if (const auto* i = std::get_if<int64_t>(v)) return std::to_string(*i) + "(int)";
  if (const auto* b = std::get_if<bool>(v)) return *b ? "true" : "false";
  if (const auto* d = std::get_if<double>(v)) return std::to_string(*d) + "(double)";
  return "null";
}

// What `decode` (one of the per-format functions) makes of `line`; a failure fails the test and
// gives an empty event.
template <typename Decoder>
Event MustDecode(Decoder decode, std::string_view line) {
  auto r = decode(line, TestContext());
  EXPECT_TRUE(r.ok()) << line << ": " << r.status().message();
  return r.ok() ? std::move(r).value() : Event{};
}

}  // namespace pantau::testing_support
