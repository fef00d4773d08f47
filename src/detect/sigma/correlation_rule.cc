#include "detect/sigma/correlation_rule.h"

#include <fmt/format.h>

#include <charconv>

namespace pantau::sigma {
namespace {

struct TypeName {
  CorrelationRule::Type type;
  std::string_view name;
};
constexpr TypeName kTypes[] = {
    {CorrelationRule::Type::kEventCount, "event_count"},
    {CorrelationRule::Type::kValueCount, "value_count"},
    {CorrelationRule::Type::kTemporal, "temporal"},
    {CorrelationRule::Type::kTemporalOrdered, "temporal_ordered"},
    {CorrelationRule::Type::kValueSum, "value_sum"},
    {CorrelationRule::Type::kValueAvg, "value_avg"},
    {CorrelationRule::Type::kValuePercentile, "value_percentile"},
};

bool NeedsField(CorrelationRule::Type t) {
  return t == CorrelationRule::Type::kValueCount || t == CorrelationRule::Type::kValueSum ||
         t == CorrelationRule::Type::kValueAvg || t == CorrelationRule::Type::kValuePercentile;
}

bool IsTemporal(CorrelationRule::Type t) {
  return t == CorrelationRule::Type::kTemporal || t == CorrelationRule::Type::kTemporalOrdered;
}

}  // namespace

std::string_view CorrelationTypeName(CorrelationRule::Type type) {
  for (const TypeName& t : kTypes) {
    if (t.type == type) return t.name;
  }
  return "?";
}

bool CorrelationRule::ConditionHolds(double x) const {
  for (const Condition& c : conditions) {
    bool ok = false;
    switch (c.op) {
      case Condition::Op::kGt:
        ok = x > c.value;
        break;
      case Condition::Op::kGte:
        ok = x >= c.value;
        break;
      case Condition::Op::kLt:
        ok = x < c.value;
        break;
      case Condition::Op::kLte:
        ok = x <= c.value;
        break;
      case Condition::Op::kEq:
        ok = x == c.value;
        break;
      case Condition::Op::kNeq:
        ok = x != c.value;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

Result<TimeNs> ParseTimespan(std::string_view text) {
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  const size_t digits = static_cast<size_t>(end - text.data());
  if (ec != std::errc() || n <= 0 || digits + 1 != text.size()) {
    return InvalidArgument(
        fmt::format("timespan: '{}' is not a number and a unit (s, m, h, d), e.g. 90m", text));
  }
  constexpr TimeNs kSecond = 1'000'000'000;
  switch (text.back()) {
    case 's':
      return n * kSecond;
    case 'm':
      return n * 60 * kSecond;
    case 'h':
      return n * 3600 * kSecond;
    case 'd':
      return n * 86400 * kSecond;
    default:
      return InvalidArgument(
          fmt::format("timespan: '{}' is not a number and a unit (s, m, h, d), e.g. 90m", text));
  }
}

Result<CorrelationRule> ParseCorrelationRule(const YAML::Node& doc, int& line) {
  auto error = [&](const YAML::Node& n, std::string why) {
    if (n && n.Mark().line >= 0) line = n.Mark().line + 1;
    return InvalidArgument(std::move(why));
  };
  CorrelationRule r;
  RETURN_IF_ERROR(ReadRuleMeta(doc, r, line));
  const YAML::Node c = doc["correlation"];
  if (!c.IsMap()) return error(c, "correlation must be a map");
  for (const auto& kv : c) {
    static const char* const kKnown[] = {"type",     "rules",     "aliases", "group-by",
                                         "timespan", "condition", "generate"};
    const std::string key = kv.first.Scalar();
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
      return error(kv.first, fmt::format("correlation: unknown key '{}'", key));
    }
  }
  const std::string type = Scalar(c["type"]);
  bool known = false;
  for (const TypeName& t : kTypes) {
    if (t.name == type) {
      r.type = t.type;
      known = true;
    }
  }
  if (!known) {
    return error(c["type"] ? c["type"] : c,
                 fmt::format("correlation: type '{}' is not one of event_count, value_count, "
                             "temporal, temporal_ordered, value_sum, value_avg, value_percentile",
                             type));
  }
  r.rule_refs = StringList(c["rules"]);
  if (r.rule_refs.empty()) return error(c, "correlation: rules names no rule");
  if (IsTemporal(r.type) && r.rule_refs.size() < 2) {
    return error(c["rules"], "correlation: a temporal correlation needs at least two rules");
  }
  r.group_by = StringList(c["group-by"]);
  if (const YAML::Node ts = c["timespan"]) {
    auto parsed = ParseTimespan(Scalar(ts));
    if (!parsed.ok()) return error(ts, "correlation: " + parsed.status().message());
    r.timespan = *parsed;
  } else {
    return error(c, "correlation: no timespan");
  }
  if (const YAML::Node g = c["generate"]) {
    if (Scalar(g) != "true" && Scalar(g) != "false") {
      return error(g, "correlation: generate must be true or false");
    }
    r.generate = Scalar(g) == "true";
  }
  if (const YAML::Node aliases = c["aliases"]) {
    if (!aliases.IsMap()) return error(aliases, "correlation: aliases must be a map");
    for (const auto& a : aliases) {
      if (!a.second.IsMap()) {
        return error(a.second, "correlation: an alias maps rule names to field names");
      }
      for (const auto& m : a.second)
        r.aliases[a.first.Scalar()][m.first.Scalar()] = Scalar(m.second);
    }
  }
  const YAML::Node cond = c["condition"];
  if (cond) {
    if (!cond.IsMap()) return error(cond, "correlation: condition must be a map, e.g. {gte: 10}");
    for (const auto& kv : cond) {
      const std::string op = kv.first.Scalar();
      if (op == "field") {
        r.field = Scalar(kv.second);
        continue;
      }
      using Op = CorrelationRule::Condition::Op;
      static const std::map<std::string, Op> kOps = {{"gt", Op::kGt}, {"gte", Op::kGte},
                                                     {"lt", Op::kLt}, {"lte", Op::kLte},
                                                     {"eq", Op::kEq}, {"neq", Op::kNeq}};
      auto it = kOps.find(op);
      if (it == kOps.end()) {
        return error(kv.first, fmt::format("correlation: condition '{}' is not one of gt, gte, "
                                           "lt, lte, eq, neq, field",
                                           op));
      }
      double v = 0;
      const std::string text = Scalar(kv.second);
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return error(kv.second,
                     fmt::format("correlation: condition {}: '{}' is not a number", op, text));
      }
      r.conditions.push_back({it->second, v});
    }
  }
  if (!IsTemporal(r.type) && r.conditions.empty()) {
    return error(cond ? cond : c,
                 fmt::format("correlation: {} needs a condition, e.g. {{gte: 10}}", type));
  }
  if (NeedsField(r.type) && r.field.empty()) {
    return error(cond ? cond : c,
                 fmt::format("correlation: {} needs the field whose values count (condition: "
                             "field: ...)",
                             type));
  }
  return r;
}

}  // namespace pantau::sigma
