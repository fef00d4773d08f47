#include "detect/sigma/detection_compiler.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include <charconv>
#include <set>

#include "detect/sigma/condition.h"

namespace pantau::sigma {
namespace {

Status ErrorAt(const CompileContext& ctx, const YAML::Node& node, std::string message) {
  if (ctx.error_line != nullptr && node.Mark().line >= 0) *ctx.error_line = node.Mark().line + 1;
  return InvalidArgument(std::move(message));
}

// The modifiers of one field key, as read from `Field|mod1|mod2`.
struct Modifiers {
  // String transformations, applied in the order written.
  enum class Transform {
    kContains,
    kStartsWith,
    kEndsWith,
    kBase64,
    kBase64Offset,
    kUtf16Le,
    kUtf16Be,
    kUtf16,
    kWindash
  };
  std::vector<Transform> transforms;
  bool all = false, cased = false, neq = false, expand = false;
  // At most one type: how the values are read.
  enum class Type { kString, kRegex, kCidr, kCompare, kExists, kFieldRef };
  Type type = Type::kString;
  std::string type_name;  // the modifier that set `type`, for messages
  ValueTest::Op op = ValueTest::Op::kEq;
  TimePart time_part = TimePart::kNone;
  std::string regex_flags;  // of i, m, s
};

Status ParseModifiers(const std::vector<std::string_view>& names, Modifiers& m) {
  using T = Modifiers::Transform;
  static const std::map<std::string_view, T, std::less<>> kTransforms = {
      {"contains", T::kContains}, {"startswith", T::kStartsWith},     {"endswith", T::kEndsWith},
      {"base64", T::kBase64},     {"base64offset", T::kBase64Offset}, {"utf16le", T::kUtf16Le},
      {"wide", T::kUtf16Le},      {"utf16be", T::kUtf16Be},           {"utf16", T::kUtf16},
      {"windash", T::kWindash}};
  static const std::map<std::string_view, ValueTest::Op, std::less<>> kCompares = {
      {"lt", ValueTest::Op::kLt},
      {"lte", ValueTest::Op::kLte},
      {"gt", ValueTest::Op::kGt},
      {"gte", ValueTest::Op::kGte}};
  static const std::map<std::string_view, TimePart, std::less<>> kTimeParts = {
      {"minute", TimePart::kMinute}, {"hour", TimePart::kHour},   {"day", TimePart::kDay},
      {"week", TimePart::kWeek},     {"month", TimePart::kMonth}, {"year", TimePart::kYear}};

  auto set_type = [&](Modifiers::Type t, std::string_view name) -> Status {
    if (m.type != Modifiers::Type::kString && m.type != t) {
      return InvalidArgument(
          fmt::format("modifier '{}' cannot be combined with '{}'", name, m.type_name));
    }
    m.type = t;
    m.type_name = std::string(name);
    return Status::Ok();
  };
  for (std::string_view name : names) {
    if (auto t = kTransforms.find(name); t != kTransforms.end()) {
      m.transforms.push_back(t->second);
    } else if (auto c = kCompares.find(name); c != kCompares.end()) {
      RETURN_IF_ERROR(set_type(Modifiers::Type::kCompare, name));
      m.op = c->second;
    } else if (auto p = kTimeParts.find(name); p != kTimeParts.end()) {
      if (m.type != Modifiers::Type::kCompare)
        RETURN_IF_ERROR(set_type(Modifiers::Type::kCompare, name));
      m.time_part = p->second;
    } else if (name == "all") {
      m.all = true;
    } else if (name == "cased") {
      m.cased = true;
    } else if (name == "neq") {
      m.neq = true;
    } else if (name == "expand") {
      m.expand = true;
    } else if (name == "re") {
      RETURN_IF_ERROR(set_type(Modifiers::Type::kRegex, name));
    } else if (name == "i" || name == "m" || name == "s") {
      if (m.type != Modifiers::Type::kRegex) {
        return InvalidArgument(fmt::format("modifier '{}' is only allowed after 're'", name));
      }
      m.regex_flags += name;
    } else if (name == "cidr") {
      RETURN_IF_ERROR(set_type(Modifiers::Type::kCidr, name));
    } else if (name == "exists") {
      RETURN_IF_ERROR(set_type(Modifiers::Type::kExists, name));
    } else if (name == "fieldref") {
      RETURN_IF_ERROR(set_type(Modifiers::Type::kFieldRef, name));
    } else {
      return InvalidArgument(fmt::format("unknown modifier '{}'", name));
    }
  }
  const bool string_type =
      m.type == Modifiers::Type::kString || m.type == Modifiers::Type::kFieldRef;
  if (!string_type && !m.transforms.empty()) {
    return InvalidArgument(
        fmt::format("string modifiers cannot be combined with '{}'", m.type_name));
  }
  return Status::Ok();
}

// A value as written: its text, and whether it was YAML null.
struct RawValue {
  std::string text;
  bool null = false;
  YAML::Node node;
};

Result<std::vector<RawValue>> RawValues(const YAML::Node& value, const CompileContext& ctx) {
  std::vector<RawValue> out;
  auto add = [&](const YAML::Node& n) -> Status {
    if (n.IsNull()) {
      out.push_back({"", true, n});
    } else if (n.IsScalar()) {
      out.push_back({n.Scalar(), false, n});
    } else {
      return ErrorAt(ctx, n, "a value must be a string, a number, a boolean or null");
    }
    return Status::Ok();
  };
  if (value.IsSequence()) {
    for (const YAML::Node& n : value) RETURN_IF_ERROR(add(n));
    if (out.empty()) return ErrorAt(ctx, value, "an empty list of values");
  } else {
    RETURN_IF_ERROR(add(value));
  }
  return out;
}

// Replaces the %name% placeholders of an expand value with every combination of their values.
Result<std::vector<std::string>> ExpandPlaceholders(std::string_view text,
                                                    const CompileContext& ctx,
                                                    const YAML::Node& node) {
  std::vector<std::string> out = {""};
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '%') {
      for (std::string& o : out) o += '%';
      i += 2;
      continue;
    }
    if (text[i] != '%') {
      for (std::string& o : out) o += text[i];
      ++i;
      continue;
    }
    const size_t end = text.find('%', i + 1);
    if (end == std::string_view::npos) {
      for (std::string& o : out) o += text.substr(i);
      break;
    }
    const std::string_view name = text.substr(i + 1, end - i - 1);
    const auto found =
        ctx.placeholders != nullptr ? ctx.placeholders->find(name) : Placeholders::const_iterator();
    if (ctx.placeholders == nullptr || found == ctx.placeholders->end() || found->second.empty()) {
      return ErrorAt(ctx, node,
                     fmt::format("placeholder %{}% has no values (give them in a placeholders "
                                 "file, --placeholders)",
                                 name));
    }
    std::vector<std::string> next;
    for (const std::string& o : out) {
      for (const std::string& v : found->second) next.push_back(o + v);
    }
    if (next.size() > 10'000) return ErrorAt(ctx, node, "placeholders expand to too many values");
    out = std::move(next);
    i = end + 1;
  }
  return out;
}

Result<std::vector<SigmaString>> Transform(SigmaString s, const Modifiers& m,
                                           const CompileContext& ctx, const YAML::Node& node) {
  using T = Modifiers::Transform;
  std::vector<SigmaString> alts = {std::move(s)};
  for (T t : m.transforms) {
    std::vector<SigmaString> next;
    for (SigmaString& a : alts) {
      switch (t) {
        case T::kContains:
          a.PrependStar();
          a.AppendStar();
          break;
        case T::kStartsWith:
          a.AppendStar();
          break;
        case T::kEndsWith:
          a.PrependStar();
          break;
        case T::kWindash:
          a.ReplaceDashes();
          break;
        case T::kUtf16Le:
          a.Encode(SigmaString::Encoding::kUtf16Le);
          break;
        case T::kUtf16Be:
          a.Encode(SigmaString::Encoding::kUtf16Be);
          break;
        case T::kUtf16:
          a.Encode(SigmaString::Encoding::kUtf16Bom);
          break;
        case T::kBase64:
        case T::kBase64Offset:
          if (a.HasWildcards()) {
            return ErrorAt(ctx, node,
                           "base64 and base64offset need a value without wildcards (put "
                           "'contains' after them)");
          }
          if (t == T::kBase64) {
            a = SigmaString::Literal(Base64(a.PlainText()));
          } else {
            for (std::string& b : Base64Offsets(a.PlainText())) {
              next.push_back(SigmaString::Literal(b));
            }
            continue;
          }
          break;
      }
      next.push_back(std::move(a));
    }
    alts = std::move(next);
  }
  return alts;
}

Result<double> NumberValue(const RawValue& v, const CompileContext& ctx) {
  double d = 0;
  const std::string& s = v.text;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (v.null || ec != std::errc() || end != s.data() + s.size()) {
    return ErrorAt(ctx, v.node, fmt::format("'{}' is not a number", s));
  }
  return d;
}

Result<ValueTest> StringTest(const RawValue& v, const Modifiers& m, const CompileContext& ctx,
                             bool keyword) {
  std::vector<std::string> texts = {v.text};
  if (m.expand) {
    ASSIGN_OR_RETURN(texts, ExpandPlaceholders(v.text, ctx, v.node));
  }
  ValueTest test;
  for (const std::string& text : texts) {
    SigmaString s = SigmaString::Parse(text);
    // Keywords are found anywhere in the text, as a full-text search finds them.
    if (keyword && m.transforms.empty()) {
      s.PrependStar();
      s.AppendStar();
    }
    ASSIGN_OR_RETURN(std::vector<SigmaString> alts, Transform(std::move(s), m, ctx, v.node));
    for (const SigmaString& a : alts) test.patterns.push_back(Pattern::Compile(a, m.cased));
  }
  return test;
}

Result<uint32_t> CompileField(std::string_view key, const YAML::Node& key_node,
                              const YAML::Node& value, const CompileContext& ctx, Matcher& out) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t bar = key.find('|', start);
    parts.push_back(key.substr(start, bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  std::string field(parts[0]);
  if (ctx.renames != nullptr) {
    if (auto r = ctx.renames->find(field); r != ctx.renames->end()) field = r->second;
  }
  Modifiers m;
  if (Status s = ParseModifiers({parts.begin() + 1, parts.end()}, m); !s.ok()) {
    return ErrorAt(ctx, key_node, fmt::format("{}: {}", key, s.message()));
  }
  auto fail = [&](const Status& s) {
    return InvalidArgument(fmt::format("{}: {}", key, s.message()));
  };
  const bool keyword = field.empty();
  Predicate p;
  p.field = field;
  p.kind = keyword ? Predicate::Kind::kKeywords : Predicate::Kind::kValues;
  p.all = m.all;
  p.negate = m.neq;
  p.time_part = m.time_part;

  auto raw = RawValues(value, ctx);
  if (!raw.ok()) return fail(raw.status());
  if (keyword && m.type != Modifiers::Type::kString && m.type != Modifiers::Type::kRegex) {
    return ErrorAt(ctx, key_node, fmt::format("{}: keywords take no '{}'", key, m.type_name));
  }
  if (m.type == Modifiers::Type::kExists) {
    const std::string& t = raw->front().text;
    if (raw->size() != 1 || (t != "true" && t != "false")) {
      return ErrorAt(ctx, value, fmt::format("{}: exists takes true or false", key));
    }
    p.kind = Predicate::Kind::kExists;
    p.negate = (t == "false") != m.neq;
    return out.AddPredicate(std::move(p));
  }
  for (const RawValue& v : *raw) {
    if (v.null) {
      if (raw->size() != 1) {
        return ErrorAt(ctx, v.node,
                       fmt::format("{}: null cannot be part of a list of values (give it a "
                                   "selection of its own)",
                                   key));
      }
      p.kind = Predicate::Kind::kNull;
      return out.AddPredicate(std::move(p));
    }
    ValueTest test;
    switch (m.type) {
      case Modifiers::Type::kString: {
        auto t = StringTest(v, m, ctx, keyword);
        if (!t.ok()) return fail(t.status());
        test = std::move(*t);
        break;
      }
      case Modifiers::Type::kRegex: {
        test.kind = ValueTest::Kind::kRegex;
        RE2::Options options;
        options.set_log_errors(false);
        options.set_case_sensitive(m.regex_flags.find('i') == std::string::npos);
        options.set_dot_nl(m.regex_flags.find('s') != std::string::npos);
        options.set_never_nl(false);
        std::string pattern = v.text;
        if (m.regex_flags.find('m') != std::string::npos) pattern = "(?m)" + pattern;
        auto re = std::make_shared<RE2>(pattern, options);
        if (!re->ok()) {
          return ErrorAt(ctx, v.node,
                         fmt::format("{}: regular expression cannot run in linear time (RE2): {}",
                                     key, re->error()));
        }
        test.regex = std::move(re);
        test.regex_source = v.text;
        test.regex_flags = m.regex_flags;
        break;
      }
      case Modifiers::Type::kCidr: {
        auto net = ParseNetwork(v.text);
        if (!net)
          return ErrorAt(ctx, v.node, fmt::format("{}: '{}' is not a CIDR network", key, v.text));
        test.kind = ValueTest::Kind::kNetwork;
        test.network = *net;
        break;
      }
      case Modifiers::Type::kCompare: {
        auto n = NumberValue(v, ctx);
        if (!n.ok()) return fail(n.status());
        test.kind = ValueTest::Kind::kCompare;
        test.op = m.op;
        test.number = *n;
        break;
      }
      case Modifiers::Type::kFieldRef: {
        test.kind = ValueTest::Kind::kFieldRef;
        test.field = v.text;
        if (ctx.renames != nullptr) {
          if (auto r = ctx.renames->find(test.field); r != ctx.renames->end())
            test.field = r->second;
        }
        test.cased = m.cased;
        for (auto t : m.transforms) {
          using T = Modifiers::Transform;
          if (t == T::kContains)
            test.ref_kind = Pattern::Kind::kContains;
          else if (t == T::kStartsWith)
            test.ref_kind = Pattern::Kind::kPrefix;
          else if (t == T::kEndsWith)
            test.ref_kind = Pattern::Kind::kSuffix;
          else
            return ErrorAt(
                ctx, key_node,
                fmt::format("{}: fieldref takes only contains, startswith or endswith", key));
        }
        break;
      }
      case Modifiers::Type::kExists:
        break;
    }
    p.tests.push_back(std::move(test));
  }
  return out.AddPredicate(std::move(p));
}

// A map: every entry must hold (AND).
Result<uint32_t> CompileMap(const YAML::Node& map, const CompileContext& ctx, Matcher& m) {
  Matcher::Node node;
  node.kind = Matcher::Node::Kind::kAnd;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) return ErrorAt(ctx, kv.first, "a field name must be a string");
    ASSIGN_OR_RETURN(uint32_t child, CompileField(kv.first.Scalar(), kv.first, kv.second, ctx, m));
    node.children.push_back(child);
  }
  if (node.children.empty()) return ErrorAt(ctx, map, "an empty map");
  if (node.children.size() == 1) return node.children[0];
  return m.AddNode(std::move(node));
}

}  // namespace

Result<uint32_t> CompileSearch(const YAML::Node& value, const CompileContext& ctx, Matcher& m) {
  if (value.IsMap()) return CompileMap(value, ctx, m);
  if (value.IsScalar()) return CompileField("", value, value, ctx, m);
  if (!value.IsSequence() || value.size() == 0) {
    return ErrorAt(ctx, value, "a search identifier must be a map, a list or a keyword");
  }
  // A list: its maps, and its plain values as one keyword search, linked by OR.
  Matcher::Node node;
  node.kind = Matcher::Node::Kind::kOr;
  YAML::Node keywords(YAML::NodeType::Sequence);
  for (const YAML::Node& item : value) {
    if (item.IsMap()) {
      ASSIGN_OR_RETURN(uint32_t child, CompileMap(item, ctx, m));
      node.children.push_back(child);
    } else if (item.IsScalar()) {
      keywords.push_back(item);
    } else {
      return ErrorAt(ctx, item, "a list may hold maps and keywords only");
    }
  }
  if (keywords.size() > 0) {
    ASSIGN_OR_RETURN(uint32_t child, CompileField("", value, keywords, ctx, m));
    node.children.push_back(child);
  }
  if (node.children.size() == 1) return node.children[0];
  return m.AddNode(std::move(node));
}

namespace {

Result<uint32_t> CompileCondition(const Condition& c,
                                  const std::map<std::string, uint32_t, std::less<>>& ids,
                                  Matcher& m) {
  Matcher::Node node;
  switch (c.kind) {
    case Condition::Kind::kIdentifier: {
      auto it = ids.find(c.name);
      if (it == ids.end()) {
        return InvalidArgument(fmt::format("condition: unknown search identifier '{}'", c.name));
      }
      return it->second;
    }
    case Condition::Kind::kOf: {
      const bool them = c.name == "them";
      for (const auto& [name, index] : ids) {
        if (them ? name.starts_with('_') : !IdentifierMatches(c.name, name)) continue;
        node.children.push_back(index);
      }
      if (node.children.empty()) {
        return InvalidArgument(fmt::format("condition: no search identifier matches '{}'", c.name));
      }
      node.kind = Matcher::Node::Kind::kAtLeast;
      node.count = c.count == 0 ? static_cast<uint32_t>(node.children.size())
                                : static_cast<uint32_t>(c.count);
      return m.AddNode(std::move(node));
    }
    case Condition::Kind::kNot:
    case Condition::Kind::kAnd:
    case Condition::Kind::kOr:
      node.kind = c.kind == Condition::Kind::kNot   ? Matcher::Node::Kind::kNot
                  : c.kind == Condition::Kind::kAnd ? Matcher::Node::Kind::kAnd
                                                    : Matcher::Node::Kind::kOr;
      for (const Condition& child : c.children) {
        ASSIGN_OR_RETURN(uint32_t index, CompileCondition(child, ids, m));
        node.children.push_back(index);
      }
      return m.AddNode(std::move(node));
  }
  return InvalidArgument("condition: unreadable");
}

}  // namespace

Status CompileDetection(const YAML::Node& detection, const CompileContext& ctx, Matcher& m) {
  if (!detection.IsMap()) return ErrorAt(ctx, detection, "detection must be a map");
  std::map<std::string, uint32_t, std::less<>> ids;
  YAML::Node condition;
  for (const auto& kv : detection) {
    const std::string name = kv.first.Scalar();
    if (name == "condition") {
      condition = kv.second;
      continue;
    }
    if (name == "timeframe") continue;  // Sigma 1.0; correlation rules carry time windows now
    ASSIGN_OR_RETURN(uint32_t node, CompileSearch(kv.second, ctx, m));
    ids[name] = node;
  }
  if (!condition) return ErrorAt(ctx, detection, "detection has no condition");
  std::vector<YAML::Node> conditions;
  if (condition.IsSequence()) {
    for (const YAML::Node& c : condition) conditions.push_back(c);
  } else {
    conditions.push_back(condition);
  }
  Matcher::Node any;
  any.kind = Matcher::Node::Kind::kOr;
  for (const YAML::Node& c : conditions) {
    if (!c.IsScalar()) return ErrorAt(ctx, c, "condition must be a string or a list of strings");
    auto parsed = ParseCondition(c.Scalar());
    if (!parsed.ok()) return ErrorAt(ctx, c, parsed.status().message());
    auto root = CompileCondition(*parsed, ids, m);
    if (!root.ok()) return ErrorAt(ctx, c, root.status().message());
    any.children.push_back(*root);
  }
  m.SetRoot(any.children.size() == 1 ? any.children[0] : m.AddNode(std::move(any)));
  return Status::Ok();
}

}  // namespace pantau::sigma
