#include "detect/correlate/correlation_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace pantau::correlate {
namespace {

using Type = sigma::CorrelationRule::Type;

constexpr TimeNs kNone = INT64_MIN;

std::string TextOf(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  return {};
}

std::optional<double> NumberOf(std::string_view text) {
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return d;
}

}  // namespace

CorrelationEngine::CorrelationEngine(std::shared_ptr<const sigma::RuleSet> rules)
    : rules_(std::move(rules)) {
  const auto& correlations = rules_->correlations();
  by_rule_.resize(rules_->size());
  by_correlation_.resize(correlations.size());
  states_.resize(correlations.size());
  for (uint32_t c = 0; c < correlations.size(); ++c) {
    const auto& refs = correlations[c].rules;
    for (uint32_t step = 0; step < refs.size(); ++step) {
      auto& list =
          refs[step].correlation ? by_correlation_[refs[step].index] : by_rule_[refs[step].index];
      list.emplace_back(c, step);
    }
  }
  // A match that could be two steps of one ordered correlation takes the later step first, so
  // that it does not complete both at once.
  auto later_first = [](auto& lists) {
    for (auto& list : lists) {
      std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second > b.second;
      });
    }
  };
  later_first(by_rule_);
  later_first(by_correlation_);
}

void CorrelationEngine::Group::Push(Entry e) {
  if (!e.value.empty()) ++counts[e.value];
  if (step_counts.size() <= e.step) step_counts.resize(e.step + 1, 0);
  ++step_counts[e.step];
  sum += e.number;
  window.push_back(std::move(e));
}

void CorrelationEngine::Group::PopFront() {
  const Entry& e = window.front();
  if (!e.value.empty()) {
    if (auto it = counts.find(e.value); it != counts.end() && --it->second == 0) counts.erase(it);
  }
  --step_counts[e.step];
  sum -= e.number;
  window.pop_front();
}

void CorrelationEngine::Group::Clear() {
  window.clear();
  counts.clear();
  step_counts.assign(step_counts.size(), 0);
  sum = 0;
  ordered_start.assign(ordered_start.size(), kNone);
}

void CorrelationEngine::OnRuleMatch(const sigma::Rule& rule, const Event& event,
                                    const std::function<void(const CorrelationMatch&)>& on_match) {
  const uint32_t index = rules_->IndexOf(rule);
  if (index >= by_rule_.size()) return;
  const Input in{event, rule.name.empty() ? std::string_view(rule.id) : std::string_view(rule.name),
                 nullptr};
  for (const auto& [c, step] : by_rule_[index]) Feed(c, step, in, on_match);
}

std::string CorrelationEngine::FieldText(const sigma::CorrelationRule& c, std::string_view name,
                                         const Input& in) const {
  std::string field(name);
  if (auto alias = c.aliases.find(field); alias != c.aliases.end()) {
    if (auto f = alias->second.find(std::string(in.rule_name)); f != alias->second.end()) {
      field = f->second;
    }
  }
  if (in.lower != nullptr) {
    for (const auto& [k, v] : in.lower->group) {
      if (k == field) return v;
    }
  }
  const Value* v = in.event.fields.Find(field);
  return v == nullptr ? std::string() : TextOf(*v);
}

void CorrelationEngine::Feed(uint32_t c, uint32_t step, const Input& in,
                             const std::function<void(const CorrelationMatch&)>& on_match) {
  const sigma::CorrelationRule& rule = rules_->correlations()[c];
  const TimeNs t = in.lower != nullptr ? in.lower->timestamp : in.event.timestamp;

  std::vector<std::pair<std::string, std::string>> group;
  std::string key;
  for (const std::string& g : rule.group_by) {
    group.emplace_back(g, FieldText(rule, g, in));
    key += group.back().second;
    key += '\x1f';
  }
  State& state = states_[c];
  if (state.groups.size() >= kMaxGroups && !state.groups.contains(key)) {
    Expire(t);
    if (state.groups.size() >= kMaxGroups) state.groups.erase(state.groups.begin());
  }
  Group& g = state.groups[key];
  if (g.last != 0 && t < g.last - rule.timespan) return;  // older than the window
  g.last = std::max(g.last, t);
  while (!g.window.empty() && g.window.front().t < t - rule.timespan) g.PopFront();

  double value = 0;
  bool holds = false;
  const size_t steps = rule.rules.size();
  switch (rule.type) {
    case Type::kEventCount:
      g.Push({t, step, {}, 0});
      value = static_cast<double>(g.window.size());
      holds = rule.ConditionHolds(value);
      break;
    case Type::kValueCount:
    case Type::kValuePercentile: {
      std::string v = FieldText(rule, rule.field, in);
      if (v.empty()) return;  // an event without the field says nothing about its values
      g.Push({t, step, v, 0});
      if (rule.type == Type::kValueCount) {
        value = static_cast<double>(g.counts.size());
      } else {
        value = 100.0 * static_cast<double>(g.counts[v]) / static_cast<double>(g.window.size());
      }
      holds = rule.ConditionHolds(value);
      break;
    }
    case Type::kValueSum:
    case Type::kValueAvg: {
      const auto n = NumberOf(FieldText(rule, rule.field, in));
      if (!n) return;
      g.Push({t, step, {}, *n});
      value = rule.type == Type::kValueSum ? g.sum : g.sum / static_cast<double>(g.window.size());
      holds = rule.ConditionHolds(value);
      break;
    }
    case Type::kTemporal: {
      g.Push({t, step, {}, 0});
      value = static_cast<double>(std::count_if(g.step_counts.begin(), g.step_counts.end(),
                                                [](uint32_t n) { return n > 0; }));
      holds = rule.conditions.empty() ? value == static_cast<double>(steps)
                                      : rule.ConditionHolds(value);
      break;
    }
    case Type::kTemporalOrdered: {
      // ordered_start[i]: start time of the latest in-order run through step i; the run's last
      // time is kept in the window's entry for step i.
      if (g.ordered_start.size() != steps) g.ordered_start.assign(steps, kNone);
      g.Push({t, step, {}, 0});
      if (step == 0) {
        g.ordered_start[0] = t;
      } else if (g.ordered_start[step - 1] != kNone &&
                 t - g.ordered_start[step - 1] <= rule.timespan) {
        g.ordered_start[step] = std::max(g.ordered_start[step], g.ordered_start[step - 1]);
      }
      value = 0;
      for (TimeNs s : g.ordered_start) value += s != kNone && t - s <= rule.timespan ? 1 : 0;
      holds =
          g.ordered_start[steps - 1] != kNone && t - g.ordered_start[steps - 1] <= rule.timespan;
      if (holds && !rule.conditions.empty()) holds = rule.ConditionHolds(value);
      break;
    }
  }
  if (!holds) return;

  CorrelationMatch m;
  m.rule = &rule;
  m.timestamp = t;
  m.group = std::move(group);
  m.value = value;
  for (const Entry& e : g.window) m.events.push_back(e.t);
  // The group starts afresh, so one burst is one match per condition's worth of events.
  g.Clear();
  on_match(m);
  const std::string name = rule.name.empty() ? rule.id : rule.name;
  const Input up{in.event, name, &m};
  for (const auto& [parent, parent_step] : by_correlation_[c]) {
    Feed(parent, parent_step, up, on_match);
  }
}

void CorrelationEngine::Expire(TimeNs now) {
  const auto& correlations = rules_->correlations();
  for (size_t c = 0; c < states_.size(); ++c) {
    const TimeNs horizon = now - correlations[c].timespan;
    std::erase_if(states_[c].groups, [&](const auto& kv) { return kv.second.last < horizon; });
  }
}

size_t CorrelationEngine::group_count() const {
  size_t n = 0;
  for (const State& s : states_) n += s.groups.size();
  return n;
}

}  // namespace pantau::correlate
