#include "query/sqlite_compiler.h"

#include <cctype>
#include <charconv>
#include <optional>

#include "core/time.h"
#include "store/sqlite/schema.h"

namespace pantau::query {
namespace {

// Tokens of `text` that FTS5's unicode61 tokenizer surely makes too: runs of ASCII letters and
// digits between ASCII separators, lower-cased. A run touching a non-ASCII byte is left out,
// because unicode61 may split it (at Unicode punctuation) or fold it (diacritics) differently;
// the substring check that follows the index lookup covers it.
std::vector<std::string> TextTokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  bool has_non_ascii = false;
  auto flush = [&] {
    if (!current.empty() && !has_non_ascii) tokens.push_back(current);
    current.clear();
    has_non_ascii = false;
  };
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      has_non_ascii = true;
      current.push_back(c);
    } else if (std::isalnum(u)) {
      current.push_back(static_cast<char>(std::tolower(u)));
    } else {
      flush();
    }
  }
  flush();
  return tokens;
}

std::optional<int64_t> AsInt(std::string_view s) {
  int64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> AsDouble(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// '*' and '?' to LIKE's '%' and '_', everything else literal (escaped with '\').
std::string LikePattern(std::string_view wildcard) {
  std::string out;
  for (char c : wildcard) {
    if (c == '*') {
      out += '%';
    } else if (c == '?') {
      out += '_';
    } else {
      if (c == '%' || c == '_' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out;
}

class Compiler {
 public:
  Status Compile(const Node& n, std::string& sql) {
    switch (n.kind) {
      case Node::Kind::kAnd:
      case Node::Kind::kOr: {
        sql += '(';
        for (size_t i = 0; i < n.children.size(); ++i) {
          if (i > 0) sql += n.kind == Node::Kind::kAnd ? " AND " : " OR ";
          RETURN_IF_ERROR(Compile(*n.children[i], sql));
        }
        sql += ')';
        return Status::Ok();
      }
      case Node::Kind::kNot:
        sql += "NOT ";
        return Compile(*n.children.front(), sql);
      case Node::Kind::kTerm:
        return Term(n.term, sql);
    }
    return Status::Ok();
  }

  // Full-text candidates checked row by row (one FTS5 lookup per row) instead of collected first.
  bool probe_text = false;
  std::vector<SqlParam> params;
  bool needs_body = false;
  std::string first_text_match;  // the FTS5 query of the first full-text term

 private:
  Status Term(const query::Term& t, std::string& sql) {
    if (t.field.empty() || t.field == "message") return Text(t, sql);
    if (t.field == "@timestamp") return Time(t, sql);
    // The value expression, as SQL text; a JSON path is itself a bound parameter.
    std::string v;
    if (auto column = sqlite::ColumnFor(t.field)) {
      v = std::string(*column);
    } else {
      v = std::string(sqlite::kJsonFieldSql);
      needs_body = true;
    }
    auto value = [&] {
      sql += v;
      if (!sqlite::ColumnFor(t.field)) params.push_back("$.\"" + t.field + "\"");
    };
    using Kind = Term::Kind;
    switch (t.kind) {
      case Kind::kExists:
        sql += '(';
        value();
        sql += " IS NOT NULL)";
        return Status::Ok();
      case Kind::kMatch: {
        // Numbers match numbers exactly, and text the same digits; text ignores ASCII case.
        sql += '(';
        if (auto i = AsInt(t.value)) {
          value();
          sql += " = ? OR ";
          params.push_back(*i);
        } else if (auto d = AsDouble(t.value)) {
          value();
          sql += " = ? OR ";
          params.push_back(*d);
        }
        value();
        sql += " = ? COLLATE NOCASE)";
        params.push_back(t.value);
        return Status::Ok();
      }
      case Kind::kWildcard:
        sql += '(';
        value();
        sql += " LIKE ? ESCAPE '\\')";
        params.push_back(LikePattern(t.value));
        return Status::Ok();
      case Kind::kCidr:
        sql += std::string(sqlite::kCidrFunction) + "(";
        value();
        sql += ", ?)";
        params.push_back(t.value);
        return Status::Ok();
      case Kind::kCompare:
        return Bounds(value, t.value, Op(t.op), "*", "", sql);
      case Kind::kRange:
        return Bounds(value, t.value, t.lower_inclusive ? ">=" : ">", t.upper,
                      t.upper_inclusive ? "<=" : "<", sql);
    }
    return Status::Ok();
  }

  static const char* Op(Term::Op op) {
    switch (op) {
      case Term::Op::kLess:
        return "<";
      case Term::Op::kLessEqual:
        return "<=";
      case Term::Op::kGreater:
        return ">";
      case Term::Op::kGreaterEqual:
        return ">=";
    }
    return "=";
  }

  // value OP1 lo [AND value OP2 hi]; "*" is an open end. Numbers compare as numbers and only
  // with numbers (SQLite orders every number before every text), text as text.
  template <typename Value>
  Status Bounds(Value&& value, const std::string& lo, const char* lo_op, const std::string& hi,
                const char* hi_op, std::string& sql) {
    const bool numeric = (lo == "*" || AsDouble(lo)) && (hi == "*" || AsDouble(hi));
    sql += '(';
    if (numeric) {
      sql += "typeof(";
      value();
      sql += ") IN ('integer', 'real')";
    } else {
      sql += "typeof(";
      value();
      sql += ") = 'text'";
    }
    auto bound = [&](const std::string& b, const char* op) {
      if (b == "*") return;
      sql += " AND ";
      value();
      sql += std::string(" ") + op + " ?";
      if (!numeric) {
        params.push_back(b);
      } else if (auto i = AsInt(b)) {
        params.push_back(*i);
      } else {
        params.push_back(*AsDouble(b));
      }
    };
    bound(lo, lo_op);
    bound(hi, hi_op);
    sql += ')';
    return Status::Ok();
  }

  // @timestamp takes RFC 3339 times and compares with the event time column.
  Status Time(const query::Term& t, std::string& sql) {
    auto parse = [&](const std::string& s) -> Result<int64_t> {
      auto v = ParseRfc3339(s);
      if (!v) return InvalidArgument("@timestamp: '" + s + "' is not an RFC 3339 time");
      return *v;
    };
    using Kind = Term::Kind;
    switch (t.kind) {
      case Kind::kExists:
        sql += "1";
        return Status::Ok();
      case Kind::kMatch: {
        ASSIGN_OR_RETURN(int64_t v, parse(t.value));
        sql += "e.ts = ?";
        params.push_back(v);
        return Status::Ok();
      }
      case Kind::kCompare: {
        ASSIGN_OR_RETURN(int64_t v, parse(t.value));
        sql += std::string("e.ts ") + Op(t.op) + " ?";
        params.push_back(v);
        return Status::Ok();
      }
      case Kind::kRange: {
        sql += "(1";
        if (t.value != "*") {
          ASSIGN_OR_RETURN(int64_t lo, parse(t.value));
          sql += std::string(" AND e.ts ") + (t.lower_inclusive ? ">=" : ">") + " ?";
          params.push_back(lo);
        }
        if (t.upper != "*") {
          ASSIGN_OR_RETURN(int64_t hi, parse(t.upper));
          sql += std::string(" AND e.ts ") + (t.upper_inclusive ? "<=" : "<") + " ?";
          params.push_back(hi);
        }
        sql += ')';
        return Status::Ok();
      }
      default:
        return InvalidArgument("@timestamp takes a time, a comparison or a range");
    }
  }

  // Bare words and phrases: FTS5 finds candidates by their tokens (detail=none keeps no
  // positions, so no phrase queries), then the text itself is checked in the message. Each token
  // is quoted, so nothing in it is FTS5 syntax.
  Status Text(const query::Term& t, std::string& sql) {
    const std::string message(sqlite::kMessageSql);
    needs_body = true;
    using Kind = Term::Kind;
    switch (t.kind) {
      case Kind::kExists:
        sql += "1";
        return Status::Ok();
      case Kind::kWildcard:
        sql += "(" + message + " LIKE ? ESCAPE '\\')";
        params.push_back("%" + LikePattern(t.value) + "%");
        return Status::Ok();
      case Kind::kMatch: {
        std::string match;
        for (const auto& token : TextTokens(t.value)) {
          if (!match.empty()) match += " AND ";
          match += '"' + token + '"';
        }
        sql += '(';
        if (!match.empty()) {
          if (first_text_match.empty()) first_text_match = match;
          sql += probe_text
                     ? "EXISTS (SELECT 1 FROM events_text WHERE events_text MATCH ? AND "
                       "rowid = e.id) AND "
                     : "e.id IN (SELECT rowid FROM events_text WHERE events_text MATCH ?) AND ";
          params.push_back(match);
        }
        sql += "instr(lower(" + message + "), lower(?)) > 0)";
        params.push_back(t.value);
        return Status::Ok();
      }
      default:
        return InvalidArgument("the message is text: comparisons, ranges and CIDR need a field");
    }
  }
};

// The equalities on event table columns that every match meets: terms reached from the root
// through AND only.
void CollectLookups(const Node& n, std::vector<std::pair<std::string, std::string>>& out) {
  if (n.kind == Node::Kind::kAnd) {
    for (const auto& child : n.children) CollectLookups(*child, out);
  } else if (n.kind == Node::Kind::kTerm && n.term.kind == Term::Kind::kMatch &&
             n.term.field != "@timestamp") {
    const auto column = sqlite::ColumnFor(n.term.field);
    if (column && column->starts_with("e.")) out.emplace_back(column->substr(2), n.term.value);
  }
}

}  // namespace

Result<SqlFilter> CompileForSqlite(const Query& query) {
  SqlFilter filter;
  if (!query.filter) return filter;
  Compiler c;
  RETURN_IF_ERROR(c.Compile(*query.filter, filter.where));
  filter.params = std::move(c.params);
  filter.needs_body = c.needs_body;
  CollectLookups(*query.filter, filter.lookups);
  if (!c.first_text_match.empty()) {
    filter.text_match = c.first_text_match;
    // The same condition, the same parameters; only how full-text candidates are found differs.
    Compiler probe;
    probe.probe_text = true;
    RETURN_IF_ERROR(probe.Compile(*query.filter, filter.where_probe));
  }
  return filter;
}

}  // namespace pantau::query
