#include "detect/sigma/matcher.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <re2/re2.h>

#include <charconv>
#include <cstring>

#include "core/time.h"

namespace pantau::sigma {

const Value* EventView::Find(std::string_view field) const {
  const Value* v = event_.fields.Find(field);
  if (v != nullptr || field != "dataset") return v;
  return &Dataset();
}

const Value& EventView::Dataset() const {
  if (!dataset_) dataset_.emplace(event_.dataset);
  return *dataset_;
}

std::string_view EventView::ValueText(const Value& v) const {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  for (const Cached& c : numbers_) {
    if (c.key == &v) return c.text;
  }
  Cached c{&v, {}};
  if (const auto* i = std::get_if<int64_t>(&v)) {
    c.text = std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    c.text = fmt::format("{}", *d);
  } else if (const auto* b = std::get_if<bool>(&v)) {
    c.text = *b ? "true" : "false";
  }
  return numbers_.emplace_front(std::move(c)).text;
}

std::string_view EventView::Lowered(std::string_view text) const {
  if (text.empty()) return text;
  for (const Cached& c : lowered_) {
    if (c.key == text.data()) return c.text;
  }
  Cached c{text.data(), {}};
  LowerAscii(text, c.text);
  return lowered_.emplace_front(std::move(c)).text;
}

std::optional<Network> ParseNetwork(std::string_view text) {
  Network n;
  const size_t slash = text.find('/');
  const std::string address(text.substr(0, slash));
  if (inet_pton(AF_INET, address.c_str(), n.bytes) == 1) {
    n.family = 4;
    n.prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), n.bytes) == 1) {
    n.family = 6;
    n.prefix = 128;
  } else {
    return std::nullopt;
  }
  if (slash != std::string_view::npos) {
    const std::string_view bits = text.substr(slash + 1);
    int p = -1;
    const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), p);
    if (ec != std::errc() || end != bits.data() + bits.size() || p < 0 || p > n.prefix) {
      return std::nullopt;
    }
    n.prefix = p;
  }
  return n;
}

bool NetworkContains(const Network& net, std::string_view address) {
  if (address.size() > 64) return false;
  char buf[65];
  std::memcpy(buf, address.data(), address.size());
  buf[address.size()] = '\0';
  uint8_t bytes[16];
  if (inet_pton(net.family == 4 ? AF_INET : AF_INET6, buf, bytes) != 1) return false;
  const int full = net.prefix / 8;
  if (std::memcmp(bytes, net.bytes, full) != 0) return false;
  const int rest = net.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (bytes[full] & mask) == (net.bytes[full] & mask);
}

std::optional<int64_t> TimePartOf(std::string_view date, TimePart part) {
  // YYYY-MM-DD[T ]HH:MM, the prefix every date form of the sources shares.
  auto number = [&](size_t at, size_t len) -> std::optional<int> {
    if (at + len > date.size()) return std::nullopt;
    int v = 0;
    const auto [end, ec] = std::from_chars(date.data() + at, date.data() + at + len, v);
    if (ec != std::errc() || end != date.data() + at + len) return std::nullopt;
    return v;
  };
  const auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
  if (!year || !month || !day || date[4] != '-' || date[7] != '-') return std::nullopt;
  switch (part) {
    case TimePart::kYear:
      return *year;
    case TimePart::kMonth:
      return *month;
    case TimePart::kDay:
      return *day;
    case TimePart::kWeek: {
      // ISO 8601 week: the week of the year's Thursday.
      const int64_t days = DaysFromCivil(*year, *month, *day);
      const int64_t weekday = ((days % 7) + 10) % 7;  // Monday 0 (1970-01-01 was a Thursday)
      const int64_t thursday = days - weekday + 3;
      const CivilDate t = CivilFromDays(thursday);
      return (thursday - DaysFromCivil(t.year, 1, 1)) / 7 + 1;
    }
    case TimePart::kHour:
      return number(11, 2);
    case TimePart::kMinute:
      return number(14, 2);
    case TimePart::kNone:
      break;
  }
  return std::nullopt;
}

namespace {

// ASCII case-insensitive equality, as LowerAscii lowers.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<double> NumberOf(const Value& v, std::string_view text) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return d;
}

bool Compare(double a, ValueTest::Op op, double b) {
  switch (op) {
    case ValueTest::Op::kEq:
      return a == b;
    case ValueTest::Op::kLt:
      return a < b;
    case ValueTest::Op::kLte:
      return a <= b;
    case ValueTest::Op::kGt:
      return a > b;
    case ValueTest::Op::kGte:
      return a >= b;
  }
  return false;
}

}  // namespace

bool Predicate::TestOne(const EventView& view, const ValueTest& t, std::string_view text,
                        const Value& v) const {
  switch (t.kind) {
    case ValueTest::Kind::kPatterns: {
      const std::vector<uint64_t>* fired = view.fired();
      for (const Pattern& p : t.patterns) {
        if (fired != nullptr && p.id != Pattern::kNoId) {
          if ((*fired)[p.id >> 6] >> (p.id & 63) & 1) return true;
        } else if (p.Matches(text, p.cased() ? text : view.Lowered(text))) {
          return true;
        }
      }
      return false;
    }
    case ValueTest::Kind::kRegex:
      if (view.fired() != nullptr && t.regex_id != Pattern::kNoId) {
        return (*view.fired())[t.regex_id >> 6] >> (t.regex_id & 63) & 1;
      }
      return RE2::PartialMatch(text, *t.regex);
    case ValueTest::Kind::kNetwork:
      return NetworkContains(t.network, text);
    case ValueTest::Kind::kCompare: {
      std::optional<double> n;
      if (time_part != TimePart::kNone) {
        if (auto part = TimePartOf(text, time_part)) n = static_cast<double>(*part);
      } else {
        n = NumberOf(v, text);
      }
      return n && Compare(*n, t.op, t.number);
    }
    case ValueTest::Kind::kFieldRef: {
      const Value* other = view.FindField(t.field, t.field_slot);
      if (other == nullptr || std::holds_alternative<std::monostate>(*other)) return false;
      const std::string_view o = view.ValueText(*other);
      // Equal, prefix and suffix compare in place; only `contains` needs lowercase copies.
      auto same = [&](std::string_view a) { return t.cased ? a == o : EqualsIgnoreCase(a, o); };
      switch (t.ref_kind) {
        case Pattern::Kind::kPrefix:
          return o.size() <= text.size() && same(text.substr(0, o.size()));
        case Pattern::Kind::kSuffix:
          return o.size() <= text.size() && same(text.substr(text.size() - o.size()));
        case Pattern::Kind::kContains: {
          const std::string_view a = t.cased ? text : view.Lowered(text);
          const std::string_view b = t.cased ? o : view.Lowered(o);
          return a.find(b) != std::string_view::npos;
        }
        default:
          return same(text);
      }
    }
  }
  return false;
}

bool Predicate::HitsOf(const std::vector<uint64_t>& fired) const {
  if (!all && !any_ids.empty()) {
    for (uint32_t id : any_ids) {
      if (fired[id >> 6] >> (id & 63) & 1) return true;
    }
    return false;
  }
  auto hit = [&](const ValueTest& t) {
    if (t.kind == ValueTest::Kind::kRegex)
      return (fired[t.regex_id >> 6] >> (t.regex_id & 63) & 1) != 0;
    for (const Pattern& p : t.patterns) {
      if (fired[p.id >> 6] >> (p.id & 63) & 1) return true;
    }
    return false;
  };
  for (const ValueTest& t : tests) {
    if (hit(t) != all) return !all;
  }
  return all;
}

bool Predicate::TestValue(const EventView& view, const Value& v) const {
  // With scan results, a test of scanned patterns reads only bits.
  if (const std::vector<uint64_t>* fired = view.fired(); fired != nullptr && scanned) {
    return HitsOf(*fired);
  }
  const std::string_view text = view.ValueText(v);
  if (all) {
    for (const ValueTest& t : tests) {
      if (!TestOne(view, t, text, v)) return false;
    }
    return true;
  }
  for (const ValueTest& t : tests) {
    if (TestOne(view, t, text, v)) return true;
  }
  return false;
}

bool Predicate::Evaluate(const EventView& view) const {
  switch (kind) {
    case Kind::kExists:
      return (view.FindField(field, slot) != nullptr) != negate;
    case Kind::kNull: {
      const Value* v = view.FindField(field, slot);
      return (v == nullptr || std::holds_alternative<std::monostate>(*v)) != negate;
    }
    case Kind::kKeywords: {
      // Each keyword may be found in the message or in any text field; with `all`, every keyword
      // somewhere.
      const Event& e = view.event();
      if (const std::vector<uint64_t>* fired = view.fired(); fired != nullptr && scanned) {
        return HitsOf(*fired) != negate;
      }
      auto found = [&](const ValueTest& t) {
        if (!e.message.empty() && (e.flags & kMessageFromFields) == 0) {
          if (TestOne(view, t, e.message, Value{})) return true;
        }
        for (const Field& f : e.fields.items()) {
          if (std::holds_alternative<std::string>(f.value) &&
              TestOne(view, t, std::get<std::string>(f.value), f.value)) {
            return true;
          }
        }
        return false;
      };
      bool result = all;
      for (const ValueTest& t : tests) {
        if (found(t) != all) {
          result = !all;
          break;
        }
      }
      return result != negate;
    }
    case Kind::kValues: {
      const Value* v = view.FindField(field, slot);
      if (v == nullptr || std::holds_alternative<std::monostate>(*v)) return negate;
      return TestValue(view, *v) != negate;
    }
  }
  return false;
}

uint32_t Matcher::AddPredicate(Predicate p) {
  predicates_.push_back(std::move(p));
  Node n;
  n.kind = Node::Kind::kPredicate;
  n.predicate = static_cast<uint32_t>(predicates_.size() - 1);
  return AddNode(std::move(n));
}

uint32_t Matcher::AddNode(Node n) {
  nodes_.push_back(std::move(n));
  return static_cast<uint32_t>(nodes_.size() - 1);
}

bool Matcher::Evaluate(const EventView& view, uint32_t index) const {
  const Node& n = nodes_[index];
  switch (n.kind) {
    case Node::Kind::kTrue:
      return true;
    case Node::Kind::kPredicate:
      return predicates_[n.predicate].Evaluate(view);
    case Node::Kind::kNot:
      return !Evaluate(view, n.children[0]);
    case Node::Kind::kAnd:
      for (uint32_t c : n.children) {
        if (!Evaluate(view, c)) return false;
      }
      return true;
    case Node::Kind::kOr:
      for (uint32_t c : n.children) {
        if (Evaluate(view, c)) return true;
      }
      return false;
    case Node::Kind::kAtLeast: {
      uint32_t hits = 0;
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (Evaluate(view, n.children[i]) && ++hits >= n.count) return true;
        // Not enough children left to reach the count.
        if (hits + (n.children.size() - i - 1) < n.count) return false;
      }
      return hits >= n.count;
    }
  }
  return false;
}

}  // namespace pantau::sigma
