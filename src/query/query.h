// The search language's syntax tree: what the parser makes of a query such as
//   host.name:web01 AND (event.outcome:failure OR "invalid user") AND NOT source.ip:10.0.0.0/8
// Backends compile it (sqlite_compiler.h); nothing here knows SQL.
//
// Thread-safety: plain values.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace pantau::query {

// One condition on one field, or on the full text when `field` is empty.
struct Term {
  enum class Kind {
    kMatch,     // field:value (text case-insensitive; numbers exact); bare word or "phrase"
    kWildcard,  // field:adm*  (* any run, ? one character)
    kExists,    // field:*  _exists_:field
    kCompare,   // field>=500
    kRange,     // field:[a TO b]  field:{a TO b}
    kCidr,      // source.ip:10.0.0.0/8  source.ip:2001:db8::/32
  };
  enum class Op { kLess, kLessEqual, kGreater, kGreaterEqual };

  Kind kind = Kind::kMatch;
  std::string field;  // empty: the full text (the message)
  std::string value;  // kRange: the lower bound ("*" for none)
  std::string upper;  // kRange: the upper bound ("*" for none)
  Op op = Op::kGreaterEqual;
  bool lower_inclusive = true, upper_inclusive = true;
  bool phrase = false;  // the value was quoted
};

struct Node {
  enum class Kind { kAnd, kOr, kNot, kTerm };
  Kind kind = Kind::kTerm;
  std::vector<std::unique_ptr<Node>> children;  // kAnd, kOr: two or more; kNot: one
  Term term;                                    // kTerm
};

// One aggregate of a stats or timechart stage: count, dc(f), sum(f), avg(f), min(f), max(f).
struct Aggregate {
  enum class Fn { kCount, kDistinctCount, kSum, kAvg, kMin, kMax };
  Fn fn = Fn::kCount;
  std::string field;         // empty for count
  std::string Name() const;  // "count", "dc(user.name)", ...
};

// A stage after '|', in the spirit of SPL:
//   stats count, dc(user.name) by host.name     top 10 url.original
//   sort -count, host.name                      timechart span=1h count by event.outcome
//   head 20
struct Stage {
  enum class Kind { kStats, kTop, kSort, kTimechart, kHead };
  Kind kind = Kind::kStats;
  std::vector<Aggregate> aggregates;  // stats, timechart
  std::vector<std::string> by;        // stats: group fields; timechart: at most one; top: the field
  std::vector<std::pair<std::string, bool>> sort;  // column, descending
  size_t limit = 10;                               // top, head
  int64_t span_s = 3600;                           // timechart bucket
};

struct Query {
  std::unique_ptr<Node> filter;  // null: everything
  std::vector<Stage> stages;     // the first aggregating stage turns events into rows
};

}  // namespace pantau::query
