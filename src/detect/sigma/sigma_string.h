// Sigma string values and the patterns they compile to.
//
// A SigmaString is a value from a rule after its escapes are read: literal bytes, the wildcards
// `*` (any run) and `?` (one character), and the dash class that the `windash` modifier puts
// where a value had `-`, `/`, en dash, em dash or horizontal bar. Value modifiers transform
// SigmaStrings (contains adds stars, base64 and utf16 re-encode the literal bytes); a Pattern is
// the final, matchable form.
//
// Thread-safety: values; a compiled Pattern is immutable and may be shared between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pantau::sigma {

struct Token {
  enum Kind : uint8_t { kLiteral, kStar, kOne, kDash };
  Kind kind = kLiteral;
  std::string text;  // the bytes of a kLiteral
  bool operator==(const Token&) const = default;
};

class SigmaString {
 public:
  SigmaString() = default;
  // Reads a rule's value with Sigma's escapes: `\*` and `\?` are plain wildcard characters, `\\`
  // a backslash, and a backslash before anything else is itself.
  static SigmaString Parse(std::string_view value);
  // The bytes taken as they are, without wildcards.
  static SigmaString Literal(std::string_view bytes);

  const std::vector<Token>& tokens() const { return tokens_; }
  bool HasWildcards() const;
  // The literal bytes; REQUIRES: !HasWildcards().
  std::string PlainText() const;

  void PrependStar();  // no-op when it already starts with a star
  void AppendStar();   // no-op when it already ends with a star
  // The windash modifier: every dash-like character becomes the dash class.
  void ReplaceDashes();
  // Re-encodes every literal run, keeping wildcards where they are.
  enum class Encoding { kUtf16Le, kUtf16Be, kUtf16Bom };
  void Encode(Encoding encoding);

  bool operator==(const SigmaString&) const = default;

 private:
  void Add(Token::Kind kind, std::string_view text = {});
  std::vector<Token> tokens_;
};

// Standard base64 of `bytes`, with padding.
std::string Base64(std::string_view bytes);
// The three base64 forms of `bytes` at byte offsets 0, 1 and 2 inside a longer encoded text, cut
// to the characters that do not depend on the neighbouring bytes (as the base64offset modifier
// defines it). Forms that come out empty are left out.
std::vector<std::string> Base64Offsets(std::string_view bytes);

// A SigmaString compiled for matching one field value, case-insensitively (ASCII) unless cased.
class Pattern {
 public:
  Pattern() = default;
  static Pattern Compile(const SigmaString& s, bool cased);

  // `value` as stored; `lowered` is the same text ASCII-lowercased, which callers cache per event
  // because many patterns read the same field.
  bool Matches(std::string_view value, std::string_view lowered) const;
  bool cased() const { return cased_; }

  enum class Kind : uint8_t { kExact, kPrefix, kSuffix, kContains, kAny, kGlob };
  Kind kind() const { return kind_; }
  // The literal text of kExact/kPrefix/kSuffix/kContains, lowercased unless cased.
  const std::string& literal() const { return literal_; }
  // The same test as a Hyperscan expression over the whole value (\A ... \z anchors; to be
  // compiled with HS_FLAG_DOTALL, and HS_FLAG_CASELESS unless cased). REQUIRES: kind() is not
  // kAny and the pattern is not the empty exact match, which Hyperscan cannot express.
  // `star` is the expression a `*` becomes.
  std::string ToHyperscan(std::string_view star = ".*") const;
  // True when the pattern may match anywhere in a text (it starts and ends with a star).
  bool Unanchored() const;
  bool MatchesOnlyEmpty() const { return kind_ == Kind::kExact && literal_.empty(); }

  // Set by a rule set that scans values with Hyperscan: this pattern's id in the scan results.
  static constexpr uint32_t kNoId = ~0u;
  uint32_t id = kNoId;

 private:
  bool GlobMatches(std::string_view text) const;

  Kind kind_ = Kind::kExact;
  bool cased_ = false;
  std::string literal_;
  std::vector<Token> tokens_;  // kGlob only; literals lowercased unless cased
};

// ASCII lowercase of `s` into `out`.
void LowerAscii(std::string_view s, std::string& out);

}  // namespace pantau::sigma
