#include "detect/sigma/program.h"

#include <algorithm>

namespace pantau::sigma {
namespace {

// Words of one node while compiling, with whether running them can call a predicate.
struct Code {
  std::vector<uint32_t> words;
  bool calls = false;
};

}  // namespace

// Node layouts (words):
//   kAny      [op | n] [id] * n             any of the n pattern ids fired
//   kAnd/kOr  [op | n] [size] [child] * n
//   kAtLeast  [op | n] [size] [count] [child] * n
//   kNot      [op] [size] [child]
//   kCall     [op | predicate index]
//   kTrue     [op]
// `size` counts the node's own words, so a child is skipped in one step.

namespace {

constexpr uint32_t kAnyOp = 0, kAndOp = 1, kOrOp = 2, kAtLeastOp = 3, kNotOp = 4, kCallOp = 5,
                   kTrueOp = 6;
constexpr uint32_t kBits = 3;

Code Any(std::vector<uint32_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  Code c;
  c.words.reserve(ids.size() + 1);
  c.words.push_back(kAnyOp | static_cast<uint32_t>(ids.size()) << kBits);
  c.words.insert(c.words.end(), ids.begin(), ids.end());
  return c;
}

Code Not(Code child) {
  if ((child.words[0] & ((1u << kBits) - 1)) == kNotOp) {
    child.words.erase(child.words.begin(), child.words.begin() + 2);
    return child;
  }
  Code c;
  c.calls = child.calls;
  c.words = {kNotOp, static_cast<uint32_t>(child.words.size() + 2)};
  c.words.insert(c.words.end(), child.words.begin(), child.words.end());
  return c;
}

// An AND, OR or at-least node. Children that only read bits go first: they cost a few loads,
// while a call may lowercase a text or run a regular expression, and the order of the children
// does not change the result. Under OR, lists of pattern ids merge into one.
Code Compound(uint32_t op, uint32_t count, std::vector<Code> children) {
  if (op == kOrOp) {
    std::vector<uint32_t> ids;
    std::vector<Code> rest;
    bool any = false;
    for (Code& c : children) {
      if ((c.words[0] & ((1u << kBits) - 1)) == kAnyOp) {
        ids.insert(ids.end(), c.words.begin() + 1, c.words.end());
        any = true;
      } else {
        rest.push_back(std::move(c));
      }
    }
    if (any) rest.insert(rest.begin(), Any(std::move(ids)));
    children = std::move(rest);
  }
  if (op != kAtLeastOp && children.size() == 1) return std::move(children[0]);
  std::stable_partition(children.begin(), children.end(), [](const Code& c) { return !c.calls; });
  Code out;
  out.words = {op | static_cast<uint32_t>(children.size()) << kBits, 0};
  if (op == kAtLeastOp) out.words.push_back(count);
  for (const Code& c : children) {
    out.words.insert(out.words.end(), c.words.begin(), c.words.end());
    out.calls = out.calls || c.calls;
  }
  out.words[1] = static_cast<uint32_t>(out.words.size());
  return out;
}

Code Compile(const Matcher& m, uint32_t node, std::vector<const Predicate*>& calls) {
  const Matcher::Node& n = m.nodes()[node];
  auto children = [&] {
    std::vector<Code> out;
    for (uint32_t c : n.children) out.push_back(Compile(m, c, calls));
    return out;
  };
  switch (n.kind) {
    case Matcher::Node::Kind::kTrue:
      return Code{{kTrueOp}, false};
    case Matcher::Node::Kind::kNot:
      return Not(Compile(m, n.children[0], calls));
    case Matcher::Node::Kind::kAnd:
      return Compound(kAndOp, 0, children());
    case Matcher::Node::Kind::kOr:
      return Compound(kOrOp, 0, children());
    case Matcher::Node::Kind::kAtLeast:
      return Compound(kAtLeastOp, n.count, children());
    case Matcher::Node::Kind::kPredicate:
      break;
  }
  const Predicate& p = m.predicates()[n.predicate];
  if (!p.scanned) {
    calls.push_back(&p);
    return Code{{kCallOp | static_cast<uint32_t>(calls.size() - 1) << kBits}, true};
  }
  // Scanned: decided by bits whether or not the event has the field, since a pattern of a field
  // fires only on a value of that field (Predicate::Evaluate returns `negate` for a missing one,
  // which is what no bit fired gives too).
  auto ids_of = [](const ValueTest& t) {
    std::vector<uint32_t> ids;
    if (t.kind == ValueTest::Kind::kRegex) ids.push_back(t.regex_id);
    for (const Pattern& pat : t.patterns) ids.push_back(pat.id);
    return ids;
  };
  Code c;
  if (p.all) {
    std::vector<Code> tests;
    for (const ValueTest& t : p.tests) tests.push_back(Any(ids_of(t)));
    c = Compound(kAndOp, 0, std::move(tests));
  } else {
    std::vector<uint32_t> ids;
    for (const ValueTest& t : p.tests) {
      std::vector<uint32_t> more = ids_of(t);
      ids.insert(ids.end(), more.begin(), more.end());
    }
    c = Any(std::move(ids));
  }
  return p.negate ? Not(std::move(c)) : c;
}

}  // namespace

uint32_t Program::Add(const Matcher& m) {
  const auto at = static_cast<uint32_t>(code_.size());
  if (m.nodes().empty()) {
    code_.push_back(kTrueOp);
    return at;
  }
  const Code c = Compile(m, m.root(), calls_);
  code_.insert(code_.end(), c.words.begin(), c.words.end());
  return at;
}

uint32_t Program::SizeOf(const uint32_t* pc) {
  switch (pc[0] & ((1u << kBits) - 1)) {
    case kAnyOp:
      return 1 + (pc[0] >> kBits);
    case kCallOp:
    case kTrueOp:
      return 1;
    default:
      return pc[1];
  }
}

bool Program::RunNode(const uint32_t* pc, const EventView& view) const {
  const uint32_t n = pc[0] >> kBits;
  switch (pc[0] & ((1u << kBits) - 1)) {
    case kAnyOp: {
      const uint64_t* fired = view.fired()->data();
      for (uint32_t i = 1; i <= n; ++i) {
        if (fired[pc[i] >> 6] >> (pc[i] & 63) & 1) return true;
      }
      return false;
    }
    case kAndOp: {
      const uint32_t* c = pc + 2;
      for (uint32_t i = 0; i < n; ++i, c += SizeOf(c)) {
        if (!RunNode(c, view)) return false;
      }
      return true;
    }
    case kOrOp: {
      const uint32_t* c = pc + 2;
      for (uint32_t i = 0; i < n; ++i, c += SizeOf(c)) {
        if (RunNode(c, view)) return true;
      }
      return false;
    }
    case kAtLeastOp: {
      const uint32_t count = pc[2];
      uint32_t hits = 0;
      const uint32_t* c = pc + 3;
      for (uint32_t i = 0; i < n; ++i, c += SizeOf(c)) {
        if (RunNode(c, view) && ++hits >= count) return true;
        // Not enough children left to reach the count.
        if (hits + (n - i - 1) < count) return false;
      }
      return hits >= count;
    }
    case kNotOp:
      return !RunNode(pc + 2, view);
    case kCallOp:
      return calls_[n]->Evaluate(view);
    case kTrueOp:
      return true;
  }
  return false;
}

bool Program::Run(uint32_t at, const EventView& view) const { return RunNode(&code_[at], view); }

}  // namespace pantau::sigma
