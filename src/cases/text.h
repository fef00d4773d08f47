// Checks on text people write into the case desk (notes, timeline entries, the attack library):
// one place that says what "printable" and "one line" mean there.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace pantau {

// `s` without leading and trailing white space.
std::string TrimmedText(std::string_view s);

// True when `s` is valid UTF-8 without control characters; `multiline` allows newlines and tabs.
bool IsPrintableText(std::string_view s, bool multiline);

// At most `max_bytes` of `s`, cut at a character boundary (never inside a UTF-8 sequence), with
// "…" appended when something was cut.
std::string ShortenedText(std::string_view s, size_t max_bytes);

}  // namespace pantau
