#include "docs/document_template.h"

#include <cstdio>
#include <utility>

#include "core/time.h"

namespace pantau {
namespace internal {

enum class NodeKind { kText, kLiteral, kNewline, kVar, kSection, kInverted, kIf, kSpecial };

// The parsed template: text of the template itself (kText is markup, kLiteral an escaped
// character), placeholders and sections with their bodies.
struct TemplateNode {
  NodeKind kind = NodeKind::kText;
  std::string text;               // text, or the name of a value, section or block
  std::vector<std::string> args;  // kSpecial
  SourcePos pos;
  std::vector<TemplateNode> children;  // kSection, kInverted, kIf
};

}  // namespace internal

namespace {

using internal::NodeKind;
using internal::TemplateNode;

constexpr size_t kMaxValueBytes = 64 * 1024;
constexpr size_t kMaxDocumentBytes = 16 * 1024 * 1024;
constexpr size_t kMaxNesting = 32;

Status ErrorAt(SourcePos p, std::string_view what) {
  return InvalidArgument("template line " + std::to_string(p.line) + ", column " +
                         std::to_string(p.column) + ": " + std::string(what));
}

struct CodePoint {
  char32_t value = 0;
  size_t length = 0;  // 0: not valid UTF-8
};

CodePoint DecodeUtf8(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  size_t n = 0;
  char32_t v = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    v = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    v = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    v = c & 0x07;
  } else {
    return {};
  }
  if (i + n > s.size()) return {};
  for (size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return {};
    v = (v << 6) | (d & 0x3F);
  }
  if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF)) {
    return {};
  }
  return {v, n};
}

// Characters that print nothing, steer the order of other characters or break lines: shown as
// their code so hidden or reordered content in log data stays visible on paper.
bool IsHiddenCharacter(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x00AD || c == 0x061C ||
         (c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
         (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB) ||
         (c >= 0xE0000 && c <= 0xE007F);
}

std::string CodeText(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "[U+%04X]", static_cast<unsigned>(c));
  return buf;
}

bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsAsciiPunct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// "a", "a.b_c", and "." (the current element) when `allow_dot`.
bool IsValidName(std::string_view name, bool allow_dot) {
  if (name == ".") return allow_dot;
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  char prev = 0;
  for (char c : name) {
    if (c == '.' && prev == '.') return false;
    if (c != '.' && !IsNameChar(c)) return false;
    prev = c;
  }
  return true;
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) words.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return words;
}

std::vector<std::string> SplitDots(std::string_view s) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (true) {
    size_t j = s.find('.', i);
    parts.emplace_back(s.substr(i, j == std::string_view::npos ? s.size() - i : j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return parts;
}

// ---- Lexing: template text -> tokens ----

struct Token {
  enum Kind { kText, kLiteral, kNewline, kVar, kOpen, kInverted, kIf, kClose, kComment, kSpecial };
  Kind kind = kText;
  std::string text;
  std::vector<std::string> args;
  SourcePos pos;
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Result<std::vector<Token>> Run() {
    RETURN_IF_ERROR(CheckText());
    std::vector<Token> tokens;
    std::string text;
    SourcePos text_pos;
    auto flush = [&] {
      if (!text.empty()) tokens.push_back({Token::kText, std::move(text), {}, text_pos});
      text.clear();
    };
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\r' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
        Advance(1);
      } else if (c == '\n') {
        flush();
        tokens.push_back({Token::kNewline, "\n", {}, Pos()});
        Advance(1);
      } else if (c == '\\' && i_ + 1 < s_.size() && IsAsciiPunct(s_[i_ + 1])) {
        flush();
        tokens.push_back({Token::kLiteral, std::string(1, s_[i_ + 1]), {}, Pos()});
        Advance(2);
      } else if (c == '{' && i_ + 1 < s_.size() && s_[i_ + 1] == '{') {
        flush();
        RETURN_IF_ERROR(LexTag(tokens));
      } else {
        if (text.empty()) text_pos = Pos();
        text += c;
        Advance(1);
      }
    }
    flush();
    return tokens;
  }

 private:
  SourcePos Pos() const { return {line_, column_}; }

  void Advance(size_t n) {
    for (size_t k = 0; k < n && i_ < s_.size(); ++k, ++i_) {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c == '\n') {
        ++line_;
        column_ = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++column_;
      }
    }
  }

  // Valid UTF-8 without control characters other than tab and line ends.
  Status CheckText() {
    int line = 1;
    int column = 1;
    for (size_t i = 0; i < s_.size();) {
      const CodePoint cp = DecodeUtf8(s_, i);
      if (cp.length == 0) return ErrorAt({line, column}, "the template is not valid UTF-8");
      const bool crlf = cp.value == '\r' && i + 1 < s_.size() && s_[i + 1] == '\n';
      if (cp.value < 0x20 && cp.value != '\n' && cp.value != '\t' && !crlf) {
        return ErrorAt({line, column}, "control character " + CodeText(cp.value) +
                                           " in the template; templates hold text only");
      }
      if (cp.value == '\n') {
        ++line;
        column = 1;
      } else if (!crlf) {
        ++column;
      }
      i += cp.length;
    }
    return Status::Ok();
  }

  Status LexTag(std::vector<Token>& tokens) {
    const SourcePos start = Pos();
    const size_t begin = i_;
    if (s_.substr(begin, 3) == "{{!") {
      const size_t end = s_.find("}}", begin + 3);
      if (end == std::string_view::npos) {
        return ErrorAt(start, "the comment '{{!' is not closed with '}}'");
      }
      Advance(end + 2 - begin);
      tokens.push_back({Token::kComment, "", {}, start});
      return Status::Ok();
    }
    if (begin + 2 < s_.size() && s_[begin + 2] == '{') {
      return ErrorAt(start, "'{{{' is not supported: values are always printed as text");
    }
    const size_t close = s_.find("}}", begin + 2);
    const size_t newline = s_.find('\n', begin + 2);
    if (close == std::string_view::npos || (newline != std::string_view::npos && newline < close)) {
      return ErrorAt(start, "'{{' is not closed with '}}' on the same line");
    }
    const std::string_view inner = Trim(s_.substr(begin + 2, close - begin - 2));
    Advance(close + 2 - begin);
    if (inner.empty()) return ErrorAt(start, "empty placeholder '{{}}'");

    const char sigil = inner.front();
    if (sigil == '#' || sigil == '^' || sigil == '?' || sigil == '/') {
      const std::string name(Trim(inner.substr(1)));
      if (!IsValidName(name, false)) {
        return ErrorAt(start, "'" + name +
                                  "' is not a valid section name (letters, digits, '_' and '-', "
                                  "parts joined by '.')");
      }
      const Token::Kind kind = sigil == '#'   ? Token::kOpen
                               : sigil == '^' ? Token::kInverted
                               : sigil == '?' ? Token::kIf
                                              : Token::kClose;
      tokens.push_back({kind, name, {}, start});
      return Status::Ok();
    }
    if (inner == "@number") {
      tokens.push_back({Token::kVar, std::string(inner), {}, start});
      return Status::Ok();
    }
    if (!IsNameChar(sigil) && sigil != '.') {
      return ErrorAt(start, std::string("'{{") + sigil + "' is not supported");
    }
    std::vector<std::string> words = SplitWords(inner);
    const std::string& head = words.front();
    if (head == "letterhead" || head == "pagebreak" || head == "qr") {
      if (words.size() > 1) return ErrorAt(start, "'{{" + head + "}}' takes no arguments");
      tokens.push_back({Token::kSpecial, head, {}, start});
      return Status::Ok();
    }
    if (head == "signature") {
      int names = 0;
      for (size_t k = 1; k < words.size(); ++k) {
        if (words[k] == "nodate" || words[k] == "noqr") continue;
        if (!IsValidName(words[k], false)) {
          return ErrorAt(start, "'" + words[k] + "' is not a valid name for '{{signature}}'");
        }
        ++names;
      }
      if (names > 2) return ErrorAt(start, "'{{signature}}' takes at most two parties");
      tokens.push_back(
          {Token::kSpecial, head, std::vector<std::string>(words.begin() + 1, words.end()), start});
      return Status::Ok();
    }
    if (words.size() > 1) {
      return ErrorAt(start, "unknown block '{{" + head +
                                " ...}}'; the blocks are letterhead, pagebreak, qr and signature");
    }
    if (!IsValidName(head, true)) {
      return ErrorAt(start, "'" + head +
                                "' is not a valid placeholder name (letters, digits, '_' and '-', "
                                "parts joined by '.')");
    }
    tokens.push_back({Token::kVar, head, {}, start});
    return Status::Ok();
  }

  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1;
  int column_ = 1;
};

bool IsOpenTag(Token::Kind k) {
  return k == Token::kOpen || k == Token::kInverted || k == Token::kIf;
}

bool IsSectionTag(Token::Kind k) {
  return k == Token::kOpen || k == Token::kInverted || k == Token::kIf || k == Token::kClose;
}

// Whether tokens[open] and tokens[close] enclose a balanced run of sections.
bool Encloses(const std::vector<Token>& tokens, size_t open, size_t close) {
  int depth = 0;
  for (size_t k = open + 1; k < close; ++k) {
    if (IsOpenTag(tokens[k].kind)) ++depth;
    if (tokens[k].kind == Token::kClose && --depth < 0) return false;
  }
  return depth == 0;
}

// Applies the line rules: a line holding only a section tag or a comment disappears with its
// line end; a block must stand alone on its line; a section that opens first and closes last on
// its line takes the line end inside, so that it repeats the whole line.
Result<std::vector<Token>> ApplyLineRules(const std::vector<Token>& raw) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < raw.size()) {
    size_t j = i;
    while (j < raw.size() && raw[j].kind != Token::kNewline) ++j;
    const bool has_newline = j < raw.size();
    std::vector<size_t> solid;
    for (size_t k = i; k < j; ++k) {
      if (!(raw[k].kind == Token::kText && IsBlank(raw[k].text))) solid.push_back(k);
    }
    for (size_t k : solid) {
      if (raw[k].kind == Token::kSpecial && solid.size() != 1) {
        return ErrorAt(raw[k].pos, "'{{" + raw[k].text + "}}' must stand alone on its line");
      }
    }
    const bool only_tag = solid.size() == 1 && (IsSectionTag(raw[solid[0]].kind) ||
                                                raw[solid[0]].kind == Token::kComment);
    if (only_tag) {
      out.push_back(raw[solid[0]]);
    } else if (solid.size() >= 2 && IsOpenTag(raw[solid.front()].kind) &&
               raw[solid.back()].kind == Token::kClose &&
               raw[solid.back()].text == raw[solid.front()].text &&
               Encloses(raw, solid.front(), solid.back())) {
      for (size_t k = solid.front(); k < solid.back(); ++k) out.push_back(raw[k]);
      out.push_back({Token::kNewline, "\n", {}, has_newline ? raw[j].pos : raw[solid.back()].pos});
      out.push_back(raw[solid.back()]);
    } else {
      for (size_t k = i; k < j; ++k) out.push_back(raw[k]);
      if (has_newline) out.push_back(raw[j]);
    }
    i = has_newline ? j + 1 : j;
  }
  return out;
}

const char* Sigil(NodeKind kind) {
  return kind == NodeKind::kSection ? "#" : kind == NodeKind::kInverted ? "^" : "?";
}

Result<std::vector<TemplateNode>> BuildTree(const std::vector<Token>& tokens) {
  std::vector<TemplateNode> stack(1);
  for (const Token& t : tokens) {
    switch (t.kind) {
      case Token::kComment:
        break;
      case Token::kText:
      case Token::kLiteral:
      case Token::kNewline:
      case Token::kVar:
      case Token::kSpecial: {
        TemplateNode n;
        n.kind = t.kind == Token::kText      ? NodeKind::kText
                 : t.kind == Token::kLiteral ? NodeKind::kLiteral
                 : t.kind == Token::kNewline ? NodeKind::kNewline
                 : t.kind == Token::kVar     ? NodeKind::kVar
                                             : NodeKind::kSpecial;
        n.text = t.text;
        n.args = t.args;
        n.pos = t.pos;
        stack.back().children.push_back(std::move(n));
        break;
      }
      case Token::kOpen:
      case Token::kInverted:
      case Token::kIf: {
        if (stack.size() > kMaxNesting) {
          return ErrorAt(t.pos, "sections nest deeper than " + std::to_string(kMaxNesting));
        }
        TemplateNode n;
        n.kind = t.kind == Token::kOpen       ? NodeKind::kSection
                 : t.kind == Token::kInverted ? NodeKind::kInverted
                                              : NodeKind::kIf;
        n.text = t.text;
        n.pos = t.pos;
        stack.push_back(std::move(n));
        break;
      }
      case Token::kClose: {
        if (stack.size() == 1) {
          return ErrorAt(t.pos, "'{{/" + t.text + "}}' closes no open section");
        }
        const TemplateNode& open = stack.back();
        if (open.text != t.text) {
          return ErrorAt(t.pos, "'{{/" + t.text + "}}' does not close '{{" + Sigil(open.kind) +
                                    open.text + "}}' opened at line " +
                                    std::to_string(open.pos.line) + ", column " +
                                    std::to_string(open.pos.column));
        }
        TemplateNode done = std::move(stack.back());
        stack.pop_back();
        stack.back().children.push_back(std::move(done));
        break;
      }
    }
  }
  if (stack.size() > 1) {
    const TemplateNode& open = stack.back();
    return ErrorAt(open.pos, "section '{{" + std::string(Sigil(open.kind)) + open.text +
                                 "}}' is not closed with '{{/" + open.text + "}}'");
  }
  return std::move(stack.front().children);
}

// ---- Expansion: nodes and values -> pieces of text that remember where they came from ----

struct Piece {
  enum Kind { kMarkup, kLiteral, kNewline, kSpecial };
  Kind kind = kMarkup;
  std::string text;
  SourcePos pos;
  size_t special = 0;
};

const nlohmann::json& NullJson() {
  static const nlohmann::json kNull;
  return kNull;
}

bool IsEmptyValue(const nlohmann::json* v) {
  if (v == nullptr || v->is_null()) return true;
  if (v->is_boolean()) return !v->get<bool>();
  if (v->is_string()) return v->get_ref<const std::string&>().empty();
  if (v->is_array() || v->is_object()) return v->empty();
  return false;
}

std::optional<std::string> TextOfValue(const nlohmann::json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number() || v->is_boolean()) return v->dump();
  return std::nullopt;
}

class Expander {
 public:
  Expander(const nlohmann::json& values, bool probe) : probe_(probe) {
    stack_.push_back({&values, ""});
  }

  Status Run(const std::vector<TemplateNode>& nodes) {
    for (const TemplateNode& n : nodes) {
      switch (n.kind) {
        case NodeKind::kText:
          Emit(Piece::kMarkup, n.text, n.pos);
          break;
        case NodeKind::kLiteral:
          Emit(Piece::kLiteral, n.text, n.pos);
          break;
        case NodeKind::kNewline:
          Emit(Piece::kNewline, "\n", n.pos);
          break;
        case NodeKind::kVar: {
          if (probe_) {
            Emit(Piece::kLiteral, "x", n.pos);
            break;
          }
          if (n.text == "@number") {
            Emit(Piece::kLiteral, numbers_.empty() ? "" : std::to_string(numbers_.back()), n.pos);
            break;
          }
          const Found f = Lookup(n.text);
          std::optional<std::string> text = TextOfValue(f.value);
          if (!text) NoteMissing(f.path);
          Emit(Piece::kLiteral, VisibleText(text.value_or("")), n.pos);
          break;
        }
        case NodeKind::kSection:
        case NodeKind::kInverted:
        case NodeKind::kIf:
          RETURN_IF_ERROR(RunSection(n));
          break;
        case NodeKind::kSpecial:
          AddSpecial(n);
          break;
      }
      if (bytes_ > kMaxDocumentBytes) {
        return TooLarge("the document grows past " + std::to_string(kMaxDocumentBytes >> 20) +
                        " MiB of text; the case data holds too many or too long values");
      }
    }
    return Status::Ok();
  }

  std::vector<Piece> pieces;
  std::vector<DocumentBlock> specials;
  std::vector<std::string> missing;

 private:
  struct Frame {
    const nlohmann::json* value;
    std::string path;
  };
  struct Found {
    const nlohmann::json* value;  // null when missing
    std::string path;
  };

  void Emit(Piece::Kind kind, std::string text, SourcePos pos) {
    bytes_ += text.size();
    pieces.push_back({kind, std::move(text), pos, 0});
  }

  static std::string Join(const std::string& a, const std::string& b) {
    return a.empty() ? b : a + "." + b;
  }

  Found Lookup(const std::string& name) const {
    if (name == ".") return {stack_.back().value, stack_.back().path};
    const std::vector<std::string> parts = SplitDots(name);
    const nlohmann::json* v = nullptr;
    std::string path;
    for (auto f = stack_.rbegin(); f != stack_.rend(); ++f) {
      if (f->value->is_object()) {
        auto it = f->value->find(parts[0]);
        if (it != f->value->end()) {
          v = &*it;
          path = Join(f->path, parts[0]);
          break;
        }
      }
    }
    if (v == nullptr) return {nullptr, Join(stack_.back().path, name)};
    for (size_t k = 1; k < parts.size(); ++k) {
      path = Join(path, parts[k]);
      if (!v->is_object()) return {nullptr, Join(path, "")};
      auto it = v->find(parts[k]);
      if (it == v->end()) {
        for (size_t r = k + 1; r < parts.size(); ++r) path = Join(path, parts[r]);
        return {nullptr, path};
      }
      v = &*it;
    }
    return {v, path};
  }

  void NoteMissing(std::string path) {
    if (!path.empty() && path.back() == '.') path.pop_back();
    for (const std::string& m : missing) {
      if (m == path) return;
    }
    missing.push_back(std::move(path));
  }

  Status RunWith(const nlohmann::json* value, std::string path,
                 const std::vector<TemplateNode>& body) {
    stack_.push_back({value, std::move(path)});
    Status s = Run(body);
    stack_.pop_back();
    return s;
  }

  Status RunSection(const TemplateNode& n) {
    const Found f = Lookup(n.text);
    if (probe_) return RunWith(&NullJson(), f.path + "[]", n.children);
    if (n.kind == NodeKind::kInverted) {
      return IsEmptyValue(f.value) ? Run(n.children) : Status::Ok();
    }
    if (n.kind == NodeKind::kIf) {
      return IsEmptyValue(f.value) ? Status::Ok() : Run(n.children);
    }
    if (IsEmptyValue(f.value)) return Status::Ok();
    if (f.value->is_array()) {
      numbers_.push_back(0);
      for (const nlohmann::json& element : *f.value) {
        ++numbers_.back();
        Status s = RunWith(&element, f.path + "[]", n.children);
        if (!s.ok()) return s;
      }
      numbers_.pop_back();
      return Status::Ok();
    }
    return RunWith(f.value, f.path, n.children);
  }

  std::string Field(const Found& party, const char* key, bool required) {
    if (probe_) return "x";
    const nlohmann::json* v = nullptr;
    if (party.value != nullptr && party.value->is_object()) {
      auto it = party.value->find(key);
      if (it != party.value->end()) v = &*it;
    }
    std::optional<std::string> text = TextOfValue(v);
    if (!text && required) NoteMissing(Join(party.path, key));
    return VisibleText(text.value_or(""));
  }

  void AddSpecial(const TemplateNode& n) {
    DocumentBlock b;
    b.pos = n.pos;
    if (n.text == "letterhead") {
      b.kind = BlockKind::kLetterhead;
    } else if (n.text == "pagebreak") {
      b.kind = BlockKind::kPageBreak;
    } else if (n.text == "qr") {
      b.kind = BlockKind::kQr;
    } else {
      b.kind = BlockKind::kSignature;
      b.show_qr = true;
      bool with_date = true;
      std::vector<std::string> names;
      for (const std::string& a : n.args) {
        if (a == "nodate") {
          with_date = false;
        } else if (a == "noqr") {
          b.show_qr = false;
        } else {
          names.push_back(a);
        }
      }
      if (names.empty()) names.push_back("signer");
      for (const std::string& name : names) {
        const Found party = Lookup(name);
        SignatureParty p;
        if (with_date) {
          p.place = Field(party, "place", false);
          p.date = Field(party, "date", false);
        }
        p.role = Field(party, "role", false);
        p.position = Field(party, "position", true);
        p.name = Field(party, "name", true);
        p.rank = Field(party, "rank", false);
        p.nip = Field(party, "nip", true);
        b.signers.push_back(std::move(p));
      }
    }
    pieces.push_back({Piece::kSpecial, "", n.pos, specials.size()});
    specials.push_back(std::move(b));
  }

  bool probe_;
  std::vector<Frame> stack_;
  std::vector<int> numbers_;  // 1-based element numbers of the open repeats, for {{@number}}
  size_t bytes_ = 0;
};

// ---- Block structure: lines of pieces -> blocks. Only markup bytes make structure. ----

struct Line {
  std::string text;
  std::vector<uint8_t> markup;  // per byte
  struct Anchor {
    size_t offset;
    SourcePos pos;
    bool markup;
  };
  std::vector<Anchor> anchors;
  int special = -1;

  bool MarkupAt(size_t i, std::string_view s) const {
    if (i + s.size() > text.size()) return false;
    for (size_t k = 0; k < s.size(); ++k) {
      if (!markup[i + k] || text[i + k] != s[k]) return false;
    }
    return true;
  }

  SourcePos PosAt(size_t i) const {
    const Anchor* a = nullptr;
    for (const Anchor& x : anchors) {
      if (x.offset <= i) a = &x;
    }
    if (a == nullptr) return {};
    SourcePos p = a->pos;
    if (!a->markup) return p;
    for (size_t k = a->offset; k < i && k < text.size(); ++k) {
      if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) ++p.column;
    }
    return p;
  }

  SourcePos Start() const { return anchors.empty() ? SourcePos{} : anchors.front().pos; }
};

std::vector<Line> SplitLines(const std::vector<Piece>& pieces) {
  std::vector<Line> lines(1);
  for (const Piece& p : pieces) {
    Line& line = lines.back();
    switch (p.kind) {
      case Piece::kNewline:
        if (line.anchors.empty()) line.anchors.push_back({0, p.pos, true});
        lines.emplace_back();
        break;
      case Piece::kSpecial:
        line.special = static_cast<int>(p.special);
        if (line.anchors.empty()) line.anchors.push_back({0, p.pos, true});
        break;
      case Piece::kMarkup:
      case Piece::kLiteral:
        if (p.text.empty()) break;
        line.anchors.push_back({line.text.size(), p.pos, p.kind == Piece::kMarkup});
        line.text += p.text;
        line.markup.insert(line.markup.end(), p.text.size(), p.kind == Piece::kMarkup ? 1 : 0);
        break;
    }
  }
  return lines;
}

void AddRun(RichText& text, std::string s, bool bold) {
  if (s.empty()) return;
  if (!text.empty() && text.back().bold == bold) {
    text.back().text += s;
  } else {
    text.push_back({std::move(s), bold});
  }
}

void Append(RichText& to, const RichText& from) {
  for (const TextRun& r : from) AddRun(to, r.text, r.bold);
}

enum class LineKind {
  kBlank,
  kSpecial,
  kHeading,
  kBullet,
  kNumbered,
  kTableRow,
  kKeyValue,
  kAligned,
  kText
};

struct Classified {
  LineKind kind = LineKind::kBlank;
  size_t begin = 0;  // of the content after the line's marker
  size_t end = 0;
  int level = 0;
  int number = 0;
  TextAlign align = TextAlign::kJustify;
};

Classified Classify(const Line& line) {
  Classified c;
  if (line.special >= 0) {
    c.kind = LineKind::kSpecial;
    return c;
  }
  size_t b = 0;
  size_t e = line.text.size();
  while (b < e && (line.text[b] == ' ' || line.text[b] == '\t')) ++b;
  while (e > b && (line.text[e - 1] == ' ' || line.text[e - 1] == '\t')) --e;
  c.begin = b;
  c.end = e;
  if (b == e) return c;
  c.kind = LineKind::kText;
  if (!line.markup[b]) return c;
  for (int level = 3; level >= 1; --level) {
    if (line.MarkupAt(b, std::string(level, '#') + " ")) {
      c.kind = LineKind::kHeading;
      c.level = level;
      c.begin = b + level + 1;
      return c;
    }
  }
  if (line.MarkupAt(b, "- ")) {
    c.kind = LineKind::kBullet;
    c.begin = b + 2;
    return c;
  }
  size_t d = b;
  int number = 0;
  while (d < e && line.markup[d] && line.text[d] >= '0' && line.text[d] <= '9' && number < 10000) {
    number = number * 10 + (line.text[d] - '0');
    ++d;
  }
  if (d > b && line.MarkupAt(d, ". ")) {
    c.kind = LineKind::kNumbered;
    c.number = number;
    c.begin = d + 2;
    return c;
  }
  if (line.MarkupAt(b, "|")) {
    c.kind = LineKind::kTableRow;
    return c;
  }
  if (line.MarkupAt(b, "::")) {
    c.kind = LineKind::kKeyValue;
    c.begin = b + 2;
    return c;
  }
  if (line.MarkupAt(b, "->")) {
    c.kind = LineKind::kAligned;
    c.begin = b + 2;
    c.align = TextAlign::kRight;
    if (e >= c.begin + 2 && line.MarkupAt(e - 2, "<-")) {
      c.align = TextAlign::kCenter;
      c.end = e - 2;
    }
  }
  return c;
}

// The inline text of line[begin, end): whitespace trimmed, `**` toggling bold.
Result<RichText> ParseInline(const Line& line, size_t begin, size_t end) {
  while (begin < end && (line.text[begin] == ' ' || line.text[begin] == '\t')) ++begin;
  while (end > begin && (line.text[end - 1] == ' ' || line.text[end - 1] == '\t')) --end;
  RichText out;
  std::string current;
  bool bold = false;
  SourcePos bold_pos;
  for (size_t i = begin; i < end;) {
    if (i + 1 < end && line.MarkupAt(i, "**")) {
      AddRun(out, std::move(current), bold);
      current.clear();
      bold = !bold;
      bold_pos = line.PosAt(i);
      i += 2;
      continue;
    }
    current += line.text[i];
    ++i;
  }
  if (bold) return ErrorAt(bold_pos, "'**' is not closed on its line");
  AddRun(out, std::move(current), bold);
  return out;
}

struct Cells {
  std::vector<std::pair<size_t, size_t>> ranges;
};

Cells SplitCells(const Line& line, size_t begin, size_t end) {
  Cells cells;
  size_t start = begin + 1;  // after the leading '|'
  for (size_t i = start; i < end; ++i) {
    if (line.MarkupAt(i, "|")) {
      cells.ranges.push_back({start, i});
      start = i + 1;
    }
  }
  if (start < end && !IsBlank(std::string_view(line.text).substr(start, end - start))) {
    cells.ranges.push_back({start, end});
  }
  return cells;
}

// "---", ":--:" made of markup only: the dash count, or 0 when the cell is not one.
int SeparatorWeight(const Line& line, std::pair<size_t, size_t> range) {
  size_t b = range.first;
  size_t e = range.second;
  while (b < e && line.text[b] == ' ') ++b;
  while (e > b && line.text[e - 1] == ' ') --e;
  if (b < e && line.MarkupAt(b, ":")) ++b;
  if (e > b && line.MarkupAt(e - 1, ":")) --e;
  if (b == e) return 0;
  for (size_t i = b; i < e; ++i) {
    if (!line.MarkupAt(i, "-")) return 0;
  }
  return static_cast<int>(e - b);
}

class BlockParser {
 public:
  BlockParser(std::vector<Line> lines, std::vector<DocumentBlock> specials)
      : lines_(std::move(lines)), specials_(std::move(specials)) {}

  Result<std::vector<DocumentBlock>> Run() {
    size_t i = 0;
    while (i < lines_.size()) {
      const Line& line = lines_[i];
      const Classified c = Classify(line);
      DocumentBlock b;
      b.pos = line.Start();
      switch (c.kind) {
        case LineKind::kBlank:
          ++i;
          continue;
        case LineKind::kSpecial:
          blocks_.push_back(specials_[line.special]);
          ++i;
          continue;
        case LineKind::kHeading:
        case LineKind::kAligned: {
          b.kind = c.kind == LineKind::kHeading ? BlockKind::kHeading : BlockKind::kParagraph;
          b.level = c.level;
          b.align = c.align;
          ASSIGN_OR_RETURN(b.text, ParseInline(line, c.begin, c.end));
          ++i;
          break;
        }
        case LineKind::kText: {
          ASSIGN_OR_RETURN(i, Paragraph(i, b));
          break;
        }
        case LineKind::kBullet:
        case LineKind::kNumbered: {
          ASSIGN_OR_RETURN(i, List(i, c, b));
          break;
        }
        case LineKind::kTableRow: {
          ASSIGN_OR_RETURN(i, Table(i, b));
          break;
        }
        case LineKind::kKeyValue: {
          ASSIGN_OR_RETURN(i, KeyValue(i, b));
          break;
        }
      }
      blocks_.push_back(std::move(b));
    }
    return std::move(blocks_);
  }

 private:
  // One text line of a paragraph or list item, with its hard break (a trailing `\`).
  Result<std::pair<RichText, bool>> TextLine(const Line& line, Classified c) {
    bool hard_break = false;
    if (c.end > c.begin && line.MarkupAt(c.end - 1, "\\")) {
      hard_break = true;
      --c.end;
    }
    ASSIGN_OR_RETURN(RichText text, ParseInline(line, c.begin, c.end));
    return std::make_pair(std::move(text), hard_break);
  }

  static void JoinLine(RichText& to, const RichText& line, bool pending_break) {
    if (!to.empty()) AddRun(to, pending_break ? "\n" : " ", false);
    Append(to, line);
  }

  Result<size_t> Paragraph(size_t i, DocumentBlock& b) {
    b.kind = BlockKind::kParagraph;
    bool pending_break = false;
    while (i < lines_.size()) {
      const Classified c = Classify(lines_[i]);
      if (c.kind != LineKind::kText) break;
      ASSIGN_OR_RETURN(auto line, TextLine(lines_[i], c));
      JoinLine(b.text, line.first, pending_break);
      pending_break = line.second;
      ++i;
    }
    return i;
  }

  Result<size_t> List(size_t i, const Classified& first, DocumentBlock& b) {
    b.kind = BlockKind::kList;
    b.ordered = first.kind == LineKind::kNumbered;
    b.start = first.number;
    bool pending_break = false;
    while (i < lines_.size()) {
      const Classified c = Classify(lines_[i]);
      if (c.kind == first.kind) {
        b.items.emplace_back();
        pending_break = false;
      } else if (c.kind != LineKind::kText) {
        break;
      }
      ASSIGN_OR_RETURN(auto line, TextLine(lines_[i], c));
      JoinLine(b.items.back(), line.first, pending_break);
      pending_break = line.second;
      ++i;
    }
    return i;
  }

  Result<size_t> Table(size_t i, DocumentBlock& b) {
    b.kind = BlockKind::kTable;
    size_t columns = 0;
    size_t row_index = 0;
    for (; i < lines_.size(); ++i, ++row_index) {
      const Line& line = lines_[i];
      const Classified c = Classify(line);
      if (c.kind != LineKind::kTableRow) break;
      const Cells cells = SplitCells(line, c.begin, c.end);
      bool separator = !cells.ranges.empty();
      for (const auto& r : cells.ranges) separator = separator && SeparatorWeight(line, r) > 0;
      if (separator) {
        if (row_index != 1) {
          return ErrorAt(line.Start(),
                         "a separator row '|---|' belongs right under the table's header row");
        }
        if (cells.ranges.size() != columns) {
          return ErrorAt(line.Start(), "the separator row has " +
                                           std::to_string(cells.ranges.size()) +
                                           " cells, the header " + std::to_string(columns));
        }
        b.has_header = true;
        for (const auto& r : cells.ranges) b.column_weights.push_back(SeparatorWeight(line, r));
        continue;
      }
      if (row_index == 0) columns = std::max<size_t>(1, cells.ranges.size());
      if (cells.ranges.size() > columns) {
        return ErrorAt(line.Start(), "this row has " + std::to_string(cells.ranges.size()) +
                                         " cells, the table's first row " +
                                         std::to_string(columns));
      }
      std::vector<RichText> row;
      for (const auto& r : cells.ranges) {
        ASSIGN_OR_RETURN(RichText cell, ParseInline(line, r.first, r.second));
        row.push_back(std::move(cell));
      }
      row.resize(columns);
      b.rows.push_back(std::move(row));
    }
    if (b.column_weights.empty()) b.column_weights.assign(columns, 1.0);
    return i;
  }

  Result<size_t> KeyValue(size_t i, DocumentBlock& b) {
    b.kind = BlockKind::kKeyValue;
    b.column_weights = {1.0, 1.0};
    for (; i < lines_.size(); ++i) {
      const Line& line = lines_[i];
      const Classified c = Classify(line);
      if (c.kind != LineKind::kKeyValue) break;
      size_t bar = c.end;
      for (size_t k = c.begin; k < c.end; ++k) {
        if (line.MarkupAt(k, "|")) {
          bar = k;
          break;
        }
      }
      if (bar == c.end) {
        return ErrorAt(line.Start(),
                       "a key-value line needs '|' between label and value: ':: Nomor | "
                       "{{letter.number}}'");
      }
      ASSIGN_OR_RETURN(RichText label, ParseInline(line, c.begin, bar));
      ASSIGN_OR_RETURN(RichText value, ParseInline(line, bar + 1, c.end));
      b.rows.push_back({std::move(label), std::move(value)});
    }
    return i;
  }

  std::vector<Line> lines_;
  std::vector<DocumentBlock> specials_;
  std::vector<DocumentBlock> blocks_;
};

Result<DocumentBody> ExpandNodes(const std::vector<TemplateNode>& nodes,
                                 const nlohmann::json& values, bool probe) {
  Expander expander(values, probe);
  RETURN_IF_ERROR(expander.Run(nodes));
  BlockParser parser(SplitLines(expander.pieces), std::move(expander.specials));
  DocumentBody body;
  ASSIGN_OR_RETURN(body.blocks, parser.Run());
  body.missing = std::move(expander.missing);
  return body;
}

std::string Quote(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RichDebug(const RichText& text) {
  std::string out;
  for (const TextRun& r : text) {
    if (!out.empty()) out += ' ';
    out += (r.bold ? "B" : "") + Quote(r.text);
  }
  return out;
}

const char* AlignName(TextAlign a) {
  switch (a) {
    case TextAlign::kJustify:
      return "justify";
    case TextAlign::kLeft:
      return "left";
    case TextAlign::kCenter:
      return "center";
    case TextAlign::kRight:
      return "right";
  }
  return "?";
}

}  // namespace

DocumentTemplate::DocumentTemplate(std::shared_ptr<const std::vector<TemplateNode>> nodes)
    : nodes_(std::move(nodes)) {}

Result<DocumentTemplate> DocumentTemplate::Parse(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<Token> raw, Lexer(text).Run());
  ASSIGN_OR_RETURN(std::vector<Token> tokens, ApplyLineRules(raw));
  ASSIGN_OR_RETURN(std::vector<TemplateNode> nodes, BuildTree(tokens));
  // Every section expanded once with stand-in values, so that a table row or `**` that is wrong
  // only inside a section is reported now rather than when a case first fills it.
  ASSIGN_OR_RETURN(DocumentBody probe, ExpandNodes(nodes, nlohmann::json::object(), true));
  (void)probe;
  return DocumentTemplate(std::make_shared<const std::vector<TemplateNode>>(std::move(nodes)));
}

Result<DocumentBody> DocumentTemplate::Expand(const nlohmann::json& values) const {
  return ExpandNodes(*nodes_, values, false);
}

std::string VisibleText(std::string_view value) {
  std::string out;
  out.reserve(std::min(value.size(), kMaxValueBytes) + 16);
  size_t i = 0;
  while (i < value.size()) {
    if (out.size() >= kMaxValueBytes) {
      out += " [... " + std::to_string(value.size() - i) + " bytes left out]";
      break;
    }
    const CodePoint cp = DecodeUtf8(value, i);
    if (cp.length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const char32_t c = cp.value;
    if (c == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
      ++i;
      continue;
    }
    if (c == '\n') {
      out += '\n';
    } else if (c == '\t') {
      out += ' ';
    } else if (IsHiddenCharacter(c)) {
      out += CodeText(c);
    } else {
      out.append(value.substr(i, cp.length));
    }
    i += cp.length;
  }
  return out;
}

std::string DebugString(const DocumentBody& body) {
  std::string out;
  for (const DocumentBlock& b : body.blocks) {
    switch (b.kind) {
      case BlockKind::kHeading:
        out += "heading " + std::to_string(b.level) + ": " + RichDebug(b.text) + "\n";
        break;
      case BlockKind::kParagraph:
        out += std::string("paragraph ") + AlignName(b.align) + ": " + RichDebug(b.text) + "\n";
        break;
      case BlockKind::kList: {
        out += b.ordered ? "list numbered from " + std::to_string(b.start) + ":\n" : "list:\n";
        for (const RichText& item : b.items) out += "  - " + RichDebug(item) + "\n";
        break;
      }
      case BlockKind::kTable: {
        out += "table";
        for (double w : b.column_weights) {
          char buf[32];
          std::snprintf(buf, sizeof buf, " %g", w);
          out += buf;
        }
        out += b.has_header ? " with header:\n" : ":\n";
        for (const auto& row : b.rows) {
          out += "  |";
          for (const RichText& cell : row) out += " " + RichDebug(cell) + " |";
          out += "\n";
        }
        break;
      }
      case BlockKind::kKeyValue:
        out += "keyvalue:\n";
        for (const auto& row : b.rows) {
          out += "  " + RichDebug(row[0]) + " : " + RichDebug(row[1]) + "\n";
        }
        break;
      case BlockKind::kPageBreak:
        out += "pagebreak\n";
        break;
      case BlockKind::kLetterhead:
        out += "letterhead\n";
        break;
      case BlockKind::kQr:
        out += "qr\n";
        break;
      case BlockKind::kSignature:
        out += std::string("signature") + (b.show_qr ? " qr" : "") + ":\n";
        for (const SignatureParty& p : b.signers) {
          out += "  place=" + Quote(p.place) + " date=" + Quote(p.date) + " role=" + Quote(p.role) +
                 " position=" + Quote(p.position) + " name=" + Quote(p.name) +
                 " rank=" + Quote(p.rank) + " nip=" + Quote(p.nip) + "\n";
        }
        break;
    }
  }
  if (!body.missing.empty()) {
    out += "missing:";
    for (const std::string& m : body.missing) out += " " + m;
    out += "\n";
  }
  return out;
}

std::string FormatLongDate(TimeNs t, int utc_offset_minutes, std::string_view language) {
  static const char* const kIndonesian[] = {"Januari",   "Februari", "Maret",    "April",
                                            "Mei",       "Juni",     "Juli",     "Agustus",
                                            "September", "Oktober",  "November", "Desember"};
  static const char* const kEnglish[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
  const TimeNs local = t + static_cast<TimeNs>(utc_offset_minutes) * 60 * kNsPerSecond;
  int64_t days = local / kNsPerDay;
  if (local % kNsPerDay < 0) --days;
  const CivilDate d = CivilFromDays(days);
  const char* month = (language == "id" ? kIndonesian : kEnglish)[d.month - 1];
  return std::to_string(d.day) + " " + month + " " + std::to_string(d.year);
}

}  // namespace pantau
