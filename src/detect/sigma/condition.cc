#include "detect/sigma/condition.h"

#include <fmt/format.h>

#include <charconv>

namespace pantau::sigma {
namespace {

struct Lexeme {
  enum Kind { kWord, kOpen, kClose, kEnd };
  Kind kind = kEnd;
  std::string_view text;
  size_t column = 0;  // 1-based
};

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '*' || c == '-' || c == '.';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { Next(); }

  Result<Condition> Parse() {
    ASSIGN_OR_RETURN(Condition c, Or());
    if (current_.kind != Lexeme::kEnd) return Error("'and', 'or' or the end");
    return c;
  }

 private:
  Status Error(std::string_view expected) const {
    const std::string found =
        current_.kind == Lexeme::kEnd ? std::string("the end") : fmt::format("'{}'", current_.text);
    return InvalidArgument(fmt::format("condition: column {}: expected {}, found {}",
                                       current_.column, expected, found));
  }

  void Next() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
    current_.column = pos_ + 1;
    if (pos_ >= text_.size()) {
      current_ = {Lexeme::kEnd, {}, pos_ + 1};
      return;
    }
    const char c = text_[pos_];
    if (c == '(' || c == ')') {
      current_ = {c == '(' ? Lexeme::kOpen : Lexeme::kClose, text_.substr(pos_, 1), pos_ + 1};
      ++pos_;
      return;
    }
    size_t end = pos_;
    while (end < text_.size() && IsWordChar(text_[end])) ++end;
    if (end == pos_) end = pos_ + 1;  // a stray character, reported by whoever reads it
    current_ = {Lexeme::kWord, text_.substr(pos_, end - pos_), pos_ + 1};
    pos_ = end;
  }

  bool IsKeyword(std::string_view word) const {
    return current_.kind == Lexeme::kWord && current_.text == word;
  }

  Result<Condition> Or() { return Binary(Condition::Kind::kOr, "or", &Parser::And); }
  Result<Condition> And() { return Binary(Condition::Kind::kAnd, "and", &Parser::Not); }

  Result<Condition> Binary(Condition::Kind kind, std::string_view keyword,
                           Result<Condition> (Parser::*operand)()) {
    ASSIGN_OR_RETURN(Condition first, (this->*operand)());
    if (!IsKeyword(keyword)) return first;
    Condition node;
    node.kind = kind;
    node.children.push_back(std::move(first));
    while (IsKeyword(keyword)) {
      Next();
      ASSIGN_OR_RETURN(Condition next, (this->*operand)());
      node.children.push_back(std::move(next));
    }
    return node;
  }

  Result<Condition> Not() {
    if (!IsKeyword("not")) return Primary();
    Next();
    ASSIGN_OR_RETURN(Condition operand, Not());
    Condition node;
    node.kind = Condition::Kind::kNot;
    node.children.push_back(std::move(operand));
    return node;
  }

  Result<Condition> Primary() {
    if (current_.kind == Lexeme::kOpen) {
      Next();
      ASSIGN_OR_RETURN(Condition inner, Or());
      if (current_.kind != Lexeme::kClose) return Error("')'");
      Next();
      return inner;
    }
    if (current_.kind != Lexeme::kWord || !IsIdentifier(current_.text)) {
      return Error("a search identifier, 'not', '(' or a quantifier ('1 of', 'all of')");
    }
    const std::string_view word = current_.text;
    Next();
    if (!IsKeyword("of")) {
      if (word.find('*') != std::string_view::npos) {
        return Error(fmt::format("'of' after the pattern '{}'", word));
      }
      Condition node;
      node.name = std::string(word);
      return node;
    }
    Condition node;
    node.kind = Condition::Kind::kOf;
    if (word == "all") {
      node.count = 0;
    } else if (word == "any") {
      node.count = 1;
    } else {
      int n = 0;
      const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
      if (ec != std::errc() || end != word.data() + word.size() || n < 1) {
        return InvalidArgument(fmt::format(
            "condition: column {}: expected a number, 'any' or 'all' before 'of', found '{}'",
            current_.column - word.size() - 1, word));
      }
      node.count = n;
    }
    Next();  // of
    if (current_.kind != Lexeme::kWord || !IsIdentifier(current_.text)) {
      return Error("'them' or an identifier pattern after 'of'");
    }
    node.name = std::string(current_.text);
    Next();
    return node;
  }

  static bool IsIdentifier(std::string_view word) {
    return word != "and" && word != "or" && word != "not" && word != "of" &&
           IsWordChar(word.front());
  }

  std::string_view text_;
  size_t pos_ = 0;
  Lexeme current_;
};

}  // namespace

Result<Condition> ParseCondition(std::string_view text) { return Parser(text).Parse(); }

bool IdentifierMatches(std::string_view pattern, std::string_view name) {
  // Iterative wildcard match with backtracking to the last star.
  size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace pantau::sigma
