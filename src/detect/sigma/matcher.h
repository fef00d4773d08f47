// The compiled form of a Sigma detection: field predicates and a boolean tree over them.
//
// A Predicate tests one field (or, for keywords, the message and every text field) against a
// list of value tests linked by OR, or by AND under the `all` modifier; `neq` negates it. A
// Matcher is a flat tree of nodes (and, or, not, at-least-N, predicate) evaluated with
// short-circuit against an EventView, which caches each field's text form and lowercase form for
// the one event, since many predicates of many rules read the same fields.
//
// Thread-safety: a compiled Matcher is immutable and may be shared; an EventView belongs to one
// thread and one event.
#pragma once

#include <cstdint>
#include <forward_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.h"
#include "detect/sigma/sigma_string.h"

namespace re2 {
class RE2;
}

namespace pantau::sigma {

// The view of one event that predicates read. Field texts are made once per event.
class EventView {
 public:
  explicit EventView(const Event& event) : event_(event) {}
  const Event& event() const { return event_; }
  // A field of the event; `dataset` is the event's dataset, unless the event has such a field.
  const Value* Find(std::string_view field) const;
  // The event's dataset as a value, for an event known to have no field named `dataset`.
  const Value& Dataset() const;

  // The text of a field's value: strings in place, numbers written once per event.
  // REQUIRES: `v` is not null (monostate) and lives as long as the event.
  std::string_view ValueText(const Value& v) const;
  // `text` (a value's text or the message) in ASCII lowercase, made once per event.
  std::string_view Lowered(std::string_view text) const;

  // Results of a Hyperscan pass over the event: bit i is set when pattern id i matched. Without
  // them, patterns are matched one by one.
  void SetFired(const std::vector<uint64_t>* fired) { fired_ = fired; }
  const std::vector<uint64_t>* fired() const { return fired_; }
  // The same pass found each field a predicate names: slot i holds the value of field slot i,
  // or null when the event lacks it.
  void SetSlots(const std::vector<const Value*>* slots) { slots_ = slots; }
  // The value of a predicate's field, by its slot when there are slots.
  const Value* FindField(std::string_view field, int32_t slot) const {
    return slots_ != nullptr && slot >= 0 ? (*slots_)[slot] : Find(field);
  }

 private:
  struct Cached {
    const void* key;  // the Value, or the text's first byte
    std::string text;
  };
  const Event& event_;
  mutable std::optional<Value> dataset_;  // made when a predicate first reads it
  const std::vector<uint64_t>* fired_ = nullptr;
  const std::vector<const Value*>* slots_ = nullptr;
  // Lists: views into earlier entries stay valid as entries are added, and an empty list
  // allocates nothing (a deque allocates on construction, for every event).
  mutable std::forward_list<Cached> numbers_;
  mutable std::forward_list<Cached> lowered_;
};

// An IPv4 or IPv6 network of the cidr modifier.
struct Network {
  uint8_t bytes[16] = {};
  int family = 0;  // 4 or 6
  int prefix = 0;
};
std::optional<Network> ParseNetwork(std::string_view text);
bool NetworkContains(const Network& net, std::string_view address);

enum class TimePart : uint8_t { kNone, kMinute, kHour, kDay, kWeek, kMonth, kYear };
// The part of a date value ("2025-11-27 07:40:10.132" or RFC 3339), or nullopt.
std::optional<int64_t> TimePartOf(std::string_view date, TimePart part);

// One value of a predicate's list.
struct ValueTest {
  enum class Kind : uint8_t { kPatterns, kRegex, kNetwork, kCompare, kFieldRef };
  Kind kind = Kind::kPatterns;
  std::vector<Pattern> patterns;  // kPatterns: alternatives, any may match
  std::shared_ptr<const re2::RE2> regex;
  std::string regex_source;  // kRegex: the expression and its flags (of i, m, s), as written
  std::string regex_flags;
  uint32_t regex_id = Pattern::kNoId;  // kRegex: its id when a Hyperscan pass scans it
  Network network;
  enum class Op : uint8_t { kEq, kLt, kLte, kGt, kGte } op = Op::kEq;  // kCompare
  double number = 0;
  std::string field;        // kFieldRef: the other field, compared as its kind says
  int32_t field_slot = -1;  // kFieldRef: the other field's slot in a rule set's scan
  Pattern::Kind ref_kind = Pattern::Kind::kExact;
  bool cased = false;  // kFieldRef
};

struct Predicate {
  enum class Kind : uint8_t { kValues, kKeywords, kExists, kNull };
  Kind kind = Kind::kValues;
  std::string field;  // empty for kKeywords
  int32_t slot = -1;  // the field's slot in a rule set's scan, when it has one
  std::vector<ValueTest> tests;
  bool all = false;     // every test must pass (the `all` modifier)
  bool negate = false;  // `neq`, or `exists: false`
  TimePart time_part = TimePart::kNone;
  // Every test is of patterns that a Hyperscan pass scans (set by the rule set).
  bool scanned = false;
  // When scanned and not `all`: the ids of all its patterns, one of which firing decides it, in
  // one array rather than spread over its tests' patterns.
  std::vector<uint32_t> any_ids;

  bool Evaluate(const EventView& view) const;

 private:
  bool TestValue(const EventView& view, const Value& v) const;
  // The tests decided by scan results alone; REQUIRES: scanned.
  bool HitsOf(const std::vector<uint64_t>& fired) const;
  bool TestOne(const EventView& view, const ValueTest& t, std::string_view text,
               const Value& v) const;
};

class Matcher {
 public:
  struct Node {
    enum class Kind : uint8_t { kAnd, kOr, kNot, kAtLeast, kPredicate, kTrue };
    Kind kind = Kind::kTrue;
    uint32_t count = 0;              // kAtLeast
    uint32_t predicate = 0;          // kPredicate
    std::vector<uint32_t> children;  // node indices
  };

  bool Matches(const EventView& view) const { return nodes_.empty() || Evaluate(view, root_); }

  // Building, used by the compiler and by the rule set's Hyperscan pass.
  uint32_t AddPredicate(Predicate p);
  uint32_t AddNode(Node n);
  void SetRoot(uint32_t root) { root_ = root; }
  const std::vector<Predicate>& predicates() const { return predicates_; }
  std::vector<Predicate>& mutable_predicates() { return predicates_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  uint32_t root() const { return root_; }

 private:
  bool Evaluate(const EventView& view, uint32_t node) const;

  std::vector<Predicate> predicates_;
  std::vector<Node> nodes_;
  uint32_t root_ = 0;
};

}  // namespace pantau::sigma
