#include "detect/sigma/sigma_string.h"

#include <algorithm>
#include <array>

namespace pantau::sigma {
namespace {

// The characters windash treats as interchangeable: -, /, en dash, em dash, horizontal bar.
constexpr std::array<std::string_view, 5> kDashes = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94",
                                                     "\xE2\x80\x95"};

char LowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

// Length of the dash at the start of `s`, or 0.
size_t DashAt(std::string_view s) {
  for (std::string_view d : kDashes) {
    if (s.starts_with(d)) return d.size();
  }
  return 0;
}

// Length of the UTF-8 character at the start of `s` (1 for a stray byte); REQUIRES: !s.empty().
size_t CharLength(std::string_view s) {
  const auto b = static_cast<unsigned char>(s[0]);
  size_t n = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  n = std::min(n, s.size());
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// Decodes UTF-8 into code points; a byte that is not valid UTF-8 stands for itself (as Latin-1).
std::vector<uint32_t> CodePoints(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const size_t n = CharLength(s.substr(i));
    const auto b0 = static_cast<unsigned char>(s[i]);
    uint32_t cp = b0;
    if (n == 2) cp = b0 & 0x1Fu;
    if (n == 3) cp = b0 & 0x0Fu;
    if (n == 4) cp = b0 & 0x07u;
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    out.push_back(cp);
    i += n;
  }
  return out;
}

void AppendUnit(std::string& out, uint16_t unit, bool big_endian) {
  const auto lo = static_cast<char>(unit & 0xFF);
  const auto hi = static_cast<char>(unit >> 8);
  if (big_endian) {
    out.push_back(hi);
    out.push_back(lo);
  } else {
    out.push_back(lo);
    out.push_back(hi);
  }
}

std::string Utf16(std::string_view utf8, bool big_endian) {
  std::string out;
  for (uint32_t cp : CodePoints(utf8)) {
    if (cp < 0x10000) {
      AppendUnit(out, static_cast<uint16_t>(cp), big_endian);
    } else {
      cp -= 0x10000;
      AppendUnit(out, static_cast<uint16_t>(0xD800 + (cp >> 10)), big_endian);
      AppendUnit(out, static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)), big_endian);
    }
  }
  return out;
}

}  // namespace

void LowerAscii(std::string_view s, std::string& out) {
  out.resize(s.size());
  std::transform(s.begin(), s.end(), out.begin(), LowerChar);
}

void SigmaString::Add(Token::Kind kind, std::string_view text) {
  if (kind == Token::kLiteral) {
    if (text.empty()) return;
    if (!tokens_.empty() && tokens_.back().kind == Token::kLiteral) {
      tokens_.back().text.append(text);
      return;
    }
  }
  // Two stars in a row mean one.
  if (kind == Token::kStar && !tokens_.empty() && tokens_.back().kind == Token::kStar) return;
  tokens_.push_back({kind, std::string(text)});
}

SigmaString SigmaString::Parse(std::string_view value) {
  SigmaString s;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' && i + 1 < value.size()) {
      const char next = value[i + 1];
      if (next == '*' || next == '?' || next == '\\') {
        s.Add(Token::kLiteral, value.substr(i + 1, 1));
        ++i;
        continue;
      }
    }
    if (c == '*') {
      s.Add(Token::kStar);
    } else if (c == '?') {
      s.Add(Token::kOne);
    } else {
      s.Add(Token::kLiteral, value.substr(i, 1));
    }
  }
  return s;
}

SigmaString SigmaString::Literal(std::string_view bytes) {
  SigmaString s;
  s.Add(Token::kLiteral, bytes);
  return s;
}

bool SigmaString::HasWildcards() const {
  return std::any_of(tokens_.begin(), tokens_.end(),
                     [](const Token& t) { return t.kind != Token::kLiteral; });
}

std::string SigmaString::PlainText() const {
  std::string out;
  for (const Token& t : tokens_) out += t.text;
  return out;
}

void SigmaString::PrependStar() {
  if (!tokens_.empty() && tokens_.front().kind == Token::kStar) return;
  tokens_.insert(tokens_.begin(), Token{Token::kStar, {}});
}

void SigmaString::AppendStar() { Add(Token::kStar); }

void SigmaString::ReplaceDashes() {
  std::vector<Token> old = std::move(tokens_);
  tokens_.clear();
  for (Token& t : old) {
    if (t.kind != Token::kLiteral) {
      Add(t.kind);
      continue;
    }
    std::string_view text = t.text;
    size_t run = 0;
    for (size_t i = 0; i < text.size();) {
      if (const size_t n = DashAt(text.substr(i)); n > 0) {
        Add(Token::kLiteral, text.substr(run, i - run));
        Add(Token::kDash);
        i += n;
        run = i;
      } else {
        ++i;
      }
    }
    Add(Token::kLiteral, text.substr(run));
  }
}

void SigmaString::Encode(Encoding encoding) {
  const bool big_endian = encoding == Encoding::kUtf16Be;
  for (Token& t : tokens_) {
    if (t.kind == Token::kLiteral) t.text = Utf16(t.text, big_endian);
  }
  if (encoding == Encoding::kUtf16Bom) {
    tokens_.insert(tokens_.begin(), Token{Token::kLiteral, "\xFF\xFE"});
    // Merge the mark with a literal that follows it.
    if (tokens_.size() > 1 && tokens_[1].kind == Token::kLiteral) {
      tokens_[0].text += tokens_[1].text;
      tokens_.erase(tokens_.begin() + 1);
    }
  }
}

std::string Base64(std::string_view bytes) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (const size_t rest = bytes.size() - i; rest > 0) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::vector<std::string> Base64Offsets(std::string_view bytes) {
  // For shift i the encoding of i filler bytes plus the value; the first start[i] characters
  // depend on the filler, and the last cut[(len + i) % 3] on what follows the value.
  constexpr std::array<size_t, 3> kStart = {0, 2, 3};
  constexpr std::array<size_t, 3> kCut = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    const std::string encoded = Base64(std::string(i, ' ') + std::string(bytes));
    const size_t cut = kCut[(bytes.size() + i) % 3];
    if (encoded.size() <= kStart[i] + cut) continue;
    out.push_back(encoded.substr(kStart[i], encoded.size() - kStart[i] - cut));
  }
  return out;
}

Pattern Pattern::Compile(const SigmaString& s, bool cased) {
  Pattern p;
  p.cased_ = cased;
  p.tokens_ = s.tokens();
  if (!cased) {
    for (Token& t : p.tokens_) {
      if (t.kind == Token::kLiteral) LowerAscii(std::string(t.text), t.text);
    }
  }
  const auto& t = p.tokens_;
  auto is = [&](size_t i, Token::Kind k) { return i < t.size() && t[i].kind == k; };
  if (t.empty() || (t.size() == 1 && is(0, Token::kLiteral))) {
    p.kind_ = Kind::kExact;
  } else if (t.size() == 1 && is(0, Token::kStar)) {
    p.kind_ = Kind::kAny;
  } else if (t.size() == 2 && is(0, Token::kLiteral) && is(1, Token::kStar)) {
    p.kind_ = Kind::kPrefix;
  } else if (t.size() == 2 && is(0, Token::kStar) && is(1, Token::kLiteral)) {
    p.kind_ = Kind::kSuffix;
  } else if (t.size() == 3 && is(0, Token::kStar) && is(1, Token::kLiteral) &&
             is(2, Token::kStar)) {
    p.kind_ = Kind::kContains;
  } else {
    p.kind_ = Kind::kGlob;
  }
  if (p.kind_ != Kind::kGlob) {
    for (const Token& tok : t) p.literal_ += tok.text;
    p.tokens_.clear();
  }
  return p;
}

bool Pattern::Matches(std::string_view value, std::string_view lowered) const {
  const std::string_view text = cased_ ? value : lowered;
  switch (kind_) {
    case Kind::kExact:
      return text == literal_;
    case Kind::kPrefix:
      return text.starts_with(literal_);
    case Kind::kSuffix:
      return text.ends_with(literal_);
    case Kind::kContains:
      return text.find(literal_) != std::string_view::npos;
    case Kind::kAny:
      return true;
    case Kind::kGlob:
      return GlobMatches(text);
  }
  return false;
}

namespace {

void AppendEscaped(std::string& out, std::string_view literal) {
  for (const char c : literal) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out += c;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      const auto b = static_cast<unsigned char>(c);
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
}

}  // namespace

bool Pattern::Unanchored() const {
  if (kind_ == Kind::kContains || kind_ == Kind::kAny) return true;
  return kind_ == Kind::kGlob && tokens_.front().kind == Token::kStar &&
         tokens_.back().kind == Token::kStar;
}

std::string Pattern::ToHyperscan(std::string_view star) const {
  std::string re;
  switch (kind_) {
    case Kind::kExact:
      re = "\\A";
      AppendEscaped(re, literal_);
      re += "\\z";
      return re;
    case Kind::kPrefix:
      re = "\\A";
      AppendEscaped(re, literal_);
      return re;
    case Kind::kSuffix:
      AppendEscaped(re, literal_);
      re += "\\z";
      return re;
    case Kind::kContains:
      AppendEscaped(re, literal_);
      return re;
    case Kind::kAny:
      return std::string(star);
    case Kind::kGlob:
      break;
  }
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const Token& t = tokens_[i];
    switch (t.kind) {
      case Token::kLiteral:
        if (i == 0) re += "\\A";
        AppendEscaped(re, t.text);
        if (i + 1 == tokens_.size()) re += "\\z";
        break;
      case Token::kStar:
        if (i > 0 && i + 1 < tokens_.size()) re += star;
        break;
      case Token::kOne:
        if (i == 0) re += "\\A";
        re += "(?:[\\x00-\\xbf]|[\\xc0-\\xff][\\x80-\\xbf]{0,3})";
        if (i + 1 == tokens_.size()) re += "\\z";
        break;
      case Token::kDash:
        if (i == 0) re += "\\A";
        re += "(?:-|/|\\xe2\\x80\\x93|\\xe2\\x80\\x94|\\xe2\\x80\\x95)";
        if (i + 1 == tokens_.size()) re += "\\z";
        break;
    }
  }
  return re;
}

// The classic wildcard walk: on a mismatch, go back to the last star and let it take one more
// byte. Every other token matches deterministically, so this is exact and O(|text| * |tokens|).
bool Pattern::GlobMatches(std::string_view text) const {
  const size_t n = tokens_.size();
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t t = 0, p = 0, star_t = kNone, star_p = 0;
  while (true) {
    if (t == n && p == text.size()) return true;
    if (t < n) {
      const Token& tok = tokens_[t];
      const std::string_view rest = text.substr(p);
      if (tok.kind == Token::kStar) {
        star_t = t++;
        star_p = p;
        continue;
      }
      size_t len = 0;
      if (tok.kind == Token::kLiteral && rest.starts_with(tok.text)) len = tok.text.size();
      if (tok.kind == Token::kOne && !rest.empty()) len = CharLength(rest);
      if (tok.kind == Token::kDash) len = DashAt(rest);
      if (len > 0) {
        p += len;
        ++t;
        continue;
      }
    }
    if (star_t == kNone || star_p >= text.size()) return false;
    p = ++star_p;
    t = star_t + 1;
  }
}

}  // namespace pantau::sigma
