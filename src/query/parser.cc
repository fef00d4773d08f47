#include "query/parser.h"

#include <cctype>

namespace pantau::query {
namespace {

constexpr size_t kMaxQueryBytes = 64 * 1024;
constexpr int kMaxDepth = 64;

bool IsFieldChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '@' ||
         c == '-';
}

// Characters that end a bare value: space, parentheses, a quote, and the stage separator.
bool EndsValue(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == '"' ||
         c == '|';
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Query> Parse() {
    Query q;
    SkipSpace();
    if (AtEnd()) return q;
    if (Peek() != '|') {
      ASSIGN_OR_RETURN(q.filter, ParseOr(0));
      SkipSpace();
    }
    while (Peek() == '|') {
      ++pos_;
      ASSIGN_OR_RETURN(Stage stage, ParseStage(q.stages.empty()));
      q.stages.push_back(std::move(stage));
      SkipSpace();
    }
    if (!AtEnd()) return Error("expected AND, OR, '|' or the end of the query");
    return q;
  }

  // stats | top | sort | timechart | head, after the '|'.
  Result<Stage> ParseStage(bool first) {
    SkipSpace();
    const size_t at = pos_;
    const std::string name = Word();
    Stage s;
    if (name == "stats" || name == "timechart") {
      s.kind = name == "stats" ? Stage::Kind::kStats : Stage::Kind::kTimechart;
      SkipSpace();
      if (s.kind == Stage::Kind::kTimechart && PeekWord("span=")) {
        pos_ += 5;
        ASSIGN_OR_RETURN(s.span_s, Span());
      }
      do {
        ASSIGN_OR_RETURN(Aggregate a, ParseAggregate());
        s.aggregates.push_back(std::move(a));
      } while (Comma());
      if (Keyword("BY")) {
        do {
          ASSIGN_OR_RETURN(std::string f, FieldName());
          s.by.push_back(std::move(f));
        } while (Comma());
      }
      if (s.kind == Stage::Kind::kTimechart && s.by.size() > 1) {
        return ErrorAt(at, "timechart splits by one field at most");
      }
    } else if (name == "top") {
      s.kind = Stage::Kind::kTop;
      SkipSpace();
      if (PeekWord("limit=")) pos_ += 6;
      if (std::isdigit(static_cast<unsigned char>(Peek()))) {
        ASSIGN_OR_RETURN(s.limit, Count());
      }
      ASSIGN_OR_RETURN(std::string f, FieldName());
      s.by.push_back(std::move(f));
    } else if (name == "sort") {
      s.kind = Stage::Kind::kSort;
      do {
        SkipSpace();
        bool descending = false;
        if (Peek() == '-' || Peek() == '+') descending = text_[pos_++] == '-';
        ASSIGN_OR_RETURN(std::string column, Column());
        s.sort.emplace_back(std::move(column), descending);
      } while (Comma());
    } else if (name == "head") {
      s.kind = Stage::Kind::kHead;
      SkipSpace();
      if (std::isdigit(static_cast<unsigned char>(Peek()))) {
        ASSIGN_OR_RETURN(s.limit, Count());
      }
    } else {
      return ErrorAt(at, "expected stats, top, sort, timechart or head after '|'");
    }
    const bool aggregating = s.kind == Stage::Kind::kStats || s.kind == Stage::Kind::kTop ||
                             s.kind == Stage::Kind::kTimechart;
    if (first && !aggregating) return ErrorAt(at, "sort and head follow stats, top or timechart");
    if (!first && aggregating) return ErrorAt(at, name + " can only be the first stage");
    return s;
  }

  // count, count(), dc(f), distinct_count(f), sum(f), avg(f), min(f), max(f)
  Result<Aggregate> ParseAggregate() {
    SkipSpace();
    const size_t at = pos_;
    const std::string fn = Word();
    Aggregate a;
    if (fn == "count") {
      SkipSpace();
      if (Peek() == '(') {
        ++pos_;
        SkipSpace();
        if (Peek() != ')') return Error("count takes no field; expected ')'");
        ++pos_;
      }
      return a;
    }
    if (fn == "dc" || fn == "distinct_count") {
      a.fn = Aggregate::Fn::kDistinctCount;
    } else if (fn == "sum") {
      a.fn = Aggregate::Fn::kSum;
    } else if (fn == "avg") {
      a.fn = Aggregate::Fn::kAvg;
    } else if (fn == "min") {
      a.fn = Aggregate::Fn::kMin;
    } else if (fn == "max") {
      a.fn = Aggregate::Fn::kMax;
    } else {
      return ErrorAt(at,
                     "expected count, dc(field), sum(field), avg(field), min(field) or "
                     "max(field)");
    }
    SkipSpace();
    if (Peek() != '(') return Error("expected '(' and a field");
    ++pos_;
    ASSIGN_OR_RETURN(a.field, FieldName());
    SkipSpace();
    if (Peek() != ')') return Error("expected ')'");
    ++pos_;
    return a;
  }

  // A run of letters, lower-cased (stage and function names).
  std::string Word() {
    std::string w;
    while (!AtEnd() && std::isalpha(static_cast<unsigned char>(Peek()))) {
      w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text_[pos_++]))));
    }
    return w;
  }

  bool PeekWord(std::string_view w) const { return text_.substr(pos_, w.size()) == w; }

  bool Comma() {
    SkipSpace();
    if (Peek() != ',') return false;
    ++pos_;
    return true;
  }

  Result<std::string> FieldName() {
    SkipSpace();
    const size_t start = pos_;
    while (!AtEnd() && IsFieldChar(Peek())) ++pos_;
    const std::string_view name = text_.substr(start, pos_ - start);
    if (!IsFieldName(name)) return ErrorAt(start, "expected a field name");
    return std::string(name);
  }

  // A column of a stage's rows: a field, or an aggregate's name such as dc(user.name).
  Result<std::string> Column() {
    const size_t start = pos_;
    while (!AtEnd() && (IsFieldChar(Peek()) || Peek() == '(' || Peek() == ')')) ++pos_;
    if (pos_ == start) return Error("expected a column to sort by");
    return std::string(text_.substr(start, pos_ - start));
  }

  Result<size_t> Count() {
    const size_t start = pos_;
    size_t n = 0;
    while (!AtEnd() && std::isdigit(static_cast<unsigned char>(Peek())) && n < 1'000'000) {
      n = n * 10 + (text_[pos_++] - '0');
    }
    if (n == 0 || n >= 1'000'000) return ErrorAt(start, "expected a number from 1 to 999999");
    return n;
  }

  // 30s, 5m, 1h, 1d
  Result<int64_t> Span() {
    const size_t start = pos_;
    ASSIGN_OR_RETURN(size_t n, Count());
    const char unit = Peek();
    const int64_t seconds = unit == 's'   ? 1
                            : unit == 'm' ? 60
                            : unit == 'h' ? 3600
                            : unit == 'd' ? 86400
                                          : 0;
    if (seconds == 0) return ErrorAt(start, "expected a span such as 30s, 5m, 1h or 1d");
    ++pos_;
    return static_cast<int64_t>(n) * seconds;
  }

 private:
  using NodePtr = std::unique_ptr<Node>;

  Result<NodePtr> ParseOr(int depth) {
    ASSIGN_OR_RETURN(NodePtr first, ParseAnd(depth));
    std::vector<NodePtr> parts;
    while (Keyword("OR")) {
      if (parts.empty()) parts.push_back(std::move(first));
      ASSIGN_OR_RETURN(NodePtr next, ParseAnd(depth));
      parts.push_back(std::move(next));
    }
    if (parts.empty()) return first;
    return Combine(Node::Kind::kOr, std::move(parts));
  }

  Result<NodePtr> ParseAnd(int depth) {
    ASSIGN_OR_RETURN(NodePtr first, ParseNot(depth));
    std::vector<NodePtr> parts;
    while (true) {
      SkipSpace();
      if (AtEnd() || Peek() == ')' || Peek() == '|' || PeekKeyword("OR")) break;
      Keyword("AND");  // optional: juxtaposition is AND too
      if (parts.empty()) parts.push_back(std::move(first));
      ASSIGN_OR_RETURN(NodePtr next, ParseNot(depth));
      parts.push_back(std::move(next));
    }
    if (parts.empty()) return first;
    return Combine(Node::Kind::kAnd, std::move(parts));
  }

  Result<NodePtr> ParseNot(int depth) {
    SkipSpace();
    bool negate = Keyword("NOT");
    if (!negate && Peek() == '-' && pos_ + 1 < text_.size() && !EndsValue(text_[pos_ + 1])) {
      ++pos_;  // -term, as in Lucene
      negate = true;
    }
    if (negate) {
      if (depth >= kMaxDepth) return Error("the query nests too deeply");
      ASSIGN_OR_RETURN(NodePtr inner, ParseNot(depth + 1));
      std::vector<NodePtr> one;
      one.push_back(std::move(inner));
      return Combine(Node::Kind::kNot, std::move(one));
    }
    return ParsePrimary(depth);
  }

  Result<NodePtr> ParsePrimary(int depth) {
    SkipSpace();
    if (AtEnd()) return Error("expected a search term");
    if (Peek() == '(') {
      if (depth >= kMaxDepth) return Error("the query nests too deeply");
      ++pos_;
      ASSIGN_OR_RETURN(NodePtr inner, ParseOr(depth + 1));
      SkipSpace();
      if (Peek() != ')') return Error("expected ')'");
      ++pos_;
      return inner;
    }
    if (Peek() == ')') return Error("unexpected ')'");
    if (Peek() == '"') {
      Term t;
      ASSIGN_OR_RETURN(t.value, Quoted());
      t.phrase = true;
      return Leaf(std::move(t));
    }
    // A field name followed by ':' or a comparison makes a field term; anything else is a word.
    const size_t start = pos_;
    size_t end = start;
    while (end < text_.size() && IsFieldChar(text_[end])) ++end;
    const std::string_view name = text_.substr(start, end - start);
    if (end > start && end < text_.size() &&
        (text_[end] == ':' || text_[end] == '<' || text_[end] == '>' || text_[end] == '=')) {
      if (!IsFieldName(name)) return Error("'" + std::string(name) + "' is not a field name");
      pos_ = end;
      return FieldTerm(std::string(name));
    }
    Term t;
    ASSIGN_OR_RETURN(t.value, BareValue());
    if (t.value.find_first_of("*?") != std::string::npos) t.kind = Term::Kind::kWildcard;
    return Leaf(std::move(t));
  }

  // After the field name: ':' value, or a comparison and a value.
  Result<NodePtr> FieldTerm(std::string field) {
    Term t;
    t.field = std::move(field);
    const char c = Peek();
    if (c == '<' || c == '>') {
      ++pos_;
      const bool equal = Peek() == '=';
      if (equal) ++pos_;
      t.kind = Term::Kind::kCompare;
      t.op = c == '<' ? (equal ? Term::Op::kLessEqual : Term::Op::kLess)
                      : (equal ? Term::Op::kGreaterEqual : Term::Op::kGreater);
      ASSIGN_OR_RETURN(t.value, Value());
      return Leaf(std::move(t));
    }
    ++pos_;  // ':' or '='
    if (t.field == "_exists_") {
      const size_t at = pos_;
      ASSIGN_OR_RETURN(std::string name, BareValue());
      if (!IsFieldName(name)) return ErrorAt(at, "expected a field name after _exists_:");
      t.field = std::move(name);
      t.kind = Term::Kind::kExists;
      return Leaf(std::move(t));
    }
    if (Peek() == '[' || Peek() == '{') return Range(std::move(t));
    const bool quoted = Peek() == '"';
    ASSIGN_OR_RETURN(t.value, Value());
    t.phrase = quoted;
    if (!quoted) {
      if (t.value == "*") {
        t.kind = Term::Kind::kExists;
      } else if (t.value.find_first_of("*?") != std::string::npos) {
        t.kind = Term::Kind::kWildcard;
      } else if (t.value.find('/') != std::string::npos && LooksLikeCidr(t.value)) {
        t.kind = Term::Kind::kCidr;
      }
    }
    return Leaf(std::move(t));
  }

  // [a TO b], {a TO b}, and the mixed forms; * for an open end.
  Result<NodePtr> Range(Term t) {
    t.kind = Term::Kind::kRange;
    t.lower_inclusive = Peek() == '[';
    ++pos_;
    SkipSpace();
    ASSIGN_OR_RETURN(t.value, RangeBound());
    SkipSpace();
    if (!Keyword("TO")) return Error("expected TO in the range");
    SkipSpace();
    ASSIGN_OR_RETURN(t.upper, RangeBound());
    SkipSpace();
    if (Peek() != ']' && Peek() != '}') return Error("expected ']' or '}' to end the range");
    t.upper_inclusive = Peek() == ']';
    ++pos_;
    if (t.value == "*" && t.upper == "*") t.kind = Term::Kind::kExists;
    return Leaf(std::move(t));
  }

  Result<std::string> RangeBound() {
    if (Peek() == '"') return Quoted();
    const size_t start = pos_;
    while (!AtEnd() && !std::isspace(static_cast<unsigned char>(Peek())) && Peek() != ']' &&
           Peek() != '}') {
      ++pos_;
    }
    if (pos_ == start) return Error("expected a range bound");
    return std::string(text_.substr(start, pos_ - start));
  }

  Result<std::string> Value() {
    if (AtEnd() || std::isspace(static_cast<unsigned char>(Peek()))) {
      return Error("expected a value");
    }
    if (Peek() == '"') return Quoted();
    return BareValue();
  }

  // A run up to a space, parenthesis or quote; backslash escapes the next character.
  Result<std::string> BareValue() {
    std::string out;
    while (!AtEnd() && !EndsValue(Peek())) {
      if (Peek() == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out.push_back(text_[pos_++]);
    }
    if (out.empty()) return Error("expected a value");
    return out;
  }

  Result<std::string> Quoted() {
    const size_t open = pos_;
    ++pos_;
    std::string out;
    while (!AtEnd() && Peek() != '"') {
      if (Peek() == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out.push_back(text_[pos_++]);
    }
    if (AtEnd()) return ErrorAt(open, "the quote opened here is not closed");
    ++pos_;
    return out;
  }

  static bool LooksLikeCidr(std::string_view v) {
    const size_t slash = v.find('/');
    if (slash == 0 || slash + 1 >= v.size()) return false;
    for (char c : v.substr(slash + 1)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    for (char c : v.substr(0, slash)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.' && c != ':') return false;
    }
    return true;
  }

  static NodePtr Leaf(Term t) {
    auto n = std::make_unique<Node>();
    n->kind = Node::Kind::kTerm;
    n->term = std::move(t);
    return n;
  }

  static NodePtr Combine(Node::Kind kind, std::vector<NodePtr> children) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->children = std::move(children);
    return n;
  }

  // Consumes the keyword (any case) when it stands alone here.
  bool Keyword(std::string_view word) {
    SkipSpace();
    if (!PeekKeyword(word)) return false;
    pos_ += word.size();
    return true;
  }

  bool PeekKeyword(std::string_view word) const {
    if (text_.size() - pos_ < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(text_[pos_ + i])) != word[i]) return false;
    }
    const size_t after = pos_ + word.size();
    return after == text_.size() || std::isspace(static_cast<unsigned char>(text_[after])) ||
           text_[after] == '(' || text_[after] == '"';
  }

  void SkipSpace() {
    while (!AtEnd() && std::isspace(static_cast<unsigned char>(Peek()))) ++pos_;
  }
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  Status Error(const std::string& what) const { return ErrorAt(pos_, what); }
  static Status ErrorAt(size_t pos, const std::string& what) {
    return InvalidArgument("query column " + std::to_string(pos + 1) + ": " + what);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool IsFieldName(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  if (std::isdigit(static_cast<unsigned char>(name[0])) || name[0] == '-') return false;
  for (char c : name) {
    if (!IsFieldChar(c)) return false;
  }
  return true;
}

Result<Query> ParseQuery(std::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return InvalidArgument("the query is longer than " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  return Parser(text).Parse();
}

}  // namespace pantau::query
