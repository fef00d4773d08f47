#include "query/parser.h"

#include <gtest/gtest.h>

namespace pantau::query {
namespace {

// A compact, unambiguous rendering of the tree for table tests.
std::string Show(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr: {
      std::string s = n.kind == Node::Kind::kAnd ? "(and" : "(or";
      for (const auto& c : n.children) s += " " + Show(*c);
      return s + ")";
    }
    case Node::Kind::kNot:
      return "(not " + Show(*n.children.front()) + ")";
    case Node::Kind::kTerm: {
      const Term& t = n.term;
      const std::string f = t.field.empty() ? "TEXT" : t.field;
      switch (t.kind) {
        case Term::Kind::kMatch:
          return f + "=" + (t.phrase ? "\"" + t.value + "\"" : t.value);
        case Term::Kind::kWildcard:
          return f + "~" + t.value;
        case Term::Kind::kExists:
          return f + " exists";
        case Term::Kind::kCidr:
          return f + " in " + t.value;
        case Term::Kind::kCompare: {
          const char* ops[] = {"<", "<=", ">", ">="};
          return f + ops[static_cast<int>(t.op)] + t.value;
        }
        case Term::Kind::kRange:
          return f + (t.lower_inclusive ? "[" : "{") + t.value + "," + t.upper +
                 (t.upper_inclusive ? "]" : "}");
      }
    }
  }
  return "?";
}

std::string Parse(std::string_view q) {
  auto r = ParseQuery(q);
  if (!r.ok()) return "error: " + r.status().message();
  return r->filter ? Show(*r->filter) : "(all)";
}

TEST(ParserTest, Constructs) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", "(all)"},
      {"   ", "(all)"},
      {"root", "TEXT=root"},
      {"\"failed password\"", "TEXT=\"failed password\""},
      {"user.name:root", "user.name=root"},
      {"user.name:\"Budi Santoso\"", "user.name=\"Budi Santoso\""},
      {"user.name:adm*", "user.name~adm*"},
      {"user.name:*", "user.name exists"},
      {"_exists_:user.name", "user.name exists"},
      {"http.response.status_code>=500", "http.response.status_code>=500"},
      {"bytes<10", "bytes<10"},
      {"status:[400 TO 499]", "status[400,499]"},
      {"status:{400 TO *]", "status{400,*]"},
      {"@timestamp:[2026-11-27T00:00:00Z TO 2026-11-28T00:00:00Z}",
       "@timestamp[2026-11-27T00:00:00Z,2026-11-28T00:00:00Z}"},
      {"source.ip:10.0.0.0/8", "source.ip in 10.0.0.0/8"},
      {"source.ip:2001:db8::/32", "source.ip in 2001:db8::/32"},
      {"source.ip:2001:db8::1", "source.ip=2001:db8::1"},
      {"url.original:/admin/login.php", "url.original=/admin/login.php"},
      {"a b", "(and TEXT=a TEXT=b)"},
      {"a AND b OR c", "(or (and TEXT=a TEXT=b) TEXT=c)"},
      {"a and (b or c)", "(and TEXT=a (or TEXT=b TEXT=c))"},
      {"NOT a", "(not TEXT=a)"},
      {"-user.name:root sshd", "(and (not user.name=root) TEXT=sshd)"},
      {"not (a or b)", "(not (or TEXT=a TEXT=b))"},
      {"user.name:a\\ b", "user.name=a b"},
      {"event.dataset=linux.auth", "event.dataset=linux.auth"},
  };
  for (const auto& [q, want] : cases) EXPECT_EQ(Parse(q), want) << q;
}

TEST(ParserTest, ErrorsSayWhereAndWhat) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"(a OR b", "error: query column 8: expected ')'"},
      {"a OR", "error: query column 5: expected a search term"},
      {"user.name:", "error: query column 11: expected a value"},
      {"\"open phrase", "error: query column 1: the quote opened here is not closed"},
      {"status:[1 TO", "error: query column 13: expected a range bound"},
      {"status:[1 2]", "error: query column 11: expected TO in the range"},
      {"a)", "error: query column 2: expected AND, OR, '|' or the end of the query"},
      {"_exists_:9x", "error: query column 10: expected a field name after _exists_:"},
  };
  for (const auto& [q, want] : cases) EXPECT_EQ(Parse(q), want) << q;
  EXPECT_FALSE(ParseQuery(std::string(100'000, 'a')).ok());
  EXPECT_FALSE(ParseQuery(std::string(1000, '(') + "a").ok());  // nesting is bounded
}

std::string Stages(std::string_view q) {
  auto r = ParseQuery(q);
  if (!r.ok()) return "error: " + r.status().message();
  std::string out = r->filter ? Show(*r->filter) : "(all)";
  for (const auto& s : r->stages) {
    const char* kinds[] = {"stats", "top", "sort", "timechart", "head"};
    out += std::string(" | ") + kinds[static_cast<int>(s.kind)];
    for (const auto& a : s.aggregates) out += " " + a.Name();
    for (const auto& b : s.by) out += " by:" + b;
    for (const auto& [c, desc] : s.sort) out += std::string(" ") + (desc ? "-" : "+") + c;
    if (s.kind == Stage::Kind::kTop || s.kind == Stage::Kind::kHead) {
      out += " limit:" + std::to_string(s.limit);
    }
    if (s.kind == Stage::Kind::kTimechart) out += " span:" + std::to_string(s.span_s);
  }
  return out;
}

TEST(ParserTest, Stages) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"sshd | stats count by source.ip", "TEXT=sshd | stats count by:source.ip"},
      {"| stats count, dc(user.name) by host.name",
       "(all) | stats count dc(user.name) by:host.name"},
      {"|stats count() BY host.name, dataset", "(all) | stats count by:host.name by:dataset"},
      {"* | top 5 url.original", "TEXT~* | top by:url.original limit:5"},
      {"| top url.original | head 3", "(all) | top by:url.original limit:10 | head limit:3"},
      {"| stats sum(bytes), avg(bytes), min(bytes), max(bytes) by host.name | sort -sum(bytes)",
       "(all) | stats sum(bytes) avg(bytes) min(bytes) max(bytes) by:host.name | sort -sum(bytes)"},
      {"| stats count by host.name | sort -count, +host.name",
       "(all) | stats count by:host.name | sort -count +host.name"},
      {"event.dataset:linux.auth | timechart span=5m count by event.outcome",
       "event.dataset=linux.auth | timechart count by:event.outcome span:300"},
      {"a|stats count", "TEXT=a | stats count"},
  };
  for (const auto& [q, want] : cases) EXPECT_EQ(Stages(q), want) << q;
  const std::pair<std::string_view, std::string_view> errors[] = {
      {"| sort count", "error: query column 3: sort and head follow stats, top or timechart"},
      {"| stats count | stats count", "error: query column 17: stats can only be the first stage"},
      {"| stats median(x)",
       "error: query column 9: expected count, dc(field), sum(field), avg(field), min(field) or "
       "max(field)"},
      {"| stats dc(user.name", "error: query column 21: expected ')'"},
      {"| frobnicate",
       "error: query column 3: expected stats, top, sort, timechart or head after '|'"},
      {"| timechart span=5y count",
       "error: query column 18: expected a span such as 30s, 5m, 1h or 1d"},
      {"| timechart count by a, b", "error: query column 3: timechart splits by one field at most"},
      {"| top 0 x", "error: query column 7: expected a number from 1 to 999999"},
  };
  for (const auto& [q, want] : errors) EXPECT_EQ(Stages(q), want) << q;
}

TEST(ParserTest, FieldNames) {
  EXPECT_TRUE(IsFieldName("source.ip"));
  EXPECT_TRUE(IsFieldName("@timestamp"));
  EXPECT_TRUE(IsFieldName("syslog.sd.timeQuality.tzKnown"));
  EXPECT_FALSE(IsFieldName("a\"b"));
  EXPECT_FALSE(IsFieldName("9lives"));
  EXPECT_FALSE(IsFieldName(""));
}

}  // namespace
}  // namespace pantau::query
