// Evaluates Sigma correlation rules over the stream of rule matches: per correlation and per
// group of `group-by` values, a sliding window of `timespan` over event time, and a match when
// the condition holds. A correlation's match feeds the correlations that name it (chains).
//
// Semantics, where the specification leaves room:
// - A window is evaluated each time an event enters it; after a match the group starts afresh,
//   so a burst of 1,000 events with `gte: 100` makes 10 matches, not 901.
// - event_count counts events; value_count distinct values of `field`; value_sum and value_avg
//   the sum and mean of the numeric `field` (events without a number are left out);
//   value_percentile is the share (in percent) of the window's events that have the entering
//   event's value of `field` — `lte: 1` finds values rarer than 1% of the group's.
// - temporal matches when the rules seen in the window reach the condition (default: all of
//   them); temporal_ordered when they were seen in the order written, each after the last.
// - Events are taken in the order they come; one older than the window of its group is ignored.
//
// Thread-safety: one engine per thread (it holds the windows).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/event.h"
#include "detect/sigma/rule_set.h"

namespace pantau::correlate {

struct CorrelationMatch {
  const sigma::CorrelationRule* rule = nullptr;
  TimeNs timestamp = 0;  // of the event that completed it
  // The group: (group-by name, value), in the rule's order.
  std::vector<std::pair<std::string, std::string>> group;
  double value = 0;            // what the condition was tested on: count, distinct values, sum, ...
  std::vector<TimeNs> events;  // times of the events (or matches) in the window, oldest first
};

class CorrelationEngine {
 public:
  // At most this many groups per correlation; the least recently fed is dropped beyond it.
  static constexpr size_t kMaxGroups = 100'000;

  explicit CorrelationEngine(std::shared_ptr<const sigma::RuleSet> rules);

  // Feeds the match of `rule` (a rule of the set) on `event`; calls `on_match` for each
  // correlation that matches because of it, chained ones after the ones they read.
  void OnRuleMatch(const sigma::Rule& rule, const Event& event,
                   const std::function<void(const CorrelationMatch&)>& on_match);

  // Forgets groups whose newest event is older than their correlation's timespan before `now`
  // (event time): memory stays bounded by what is recent.
  void Expire(TimeNs now);

  size_t group_count() const;

 private:
  struct Entry {
    TimeNs t;
    uint32_t step;  // which of the correlation's rules (temporal); unused otherwise
    std::string value;
    double number;
  };
  struct Group {
    std::deque<Entry> window;
    // Kept as entries come and go, so each event costs O(1), not the window's size.
    std::unordered_map<std::string, uint32_t> counts;  // value -> entries (value_* types)
    std::vector<uint32_t> step_counts;                 // step -> entries (temporal)
    double sum = 0;
    std::vector<TimeNs> ordered_start;  // temporal_ordered: start of the run through step i
    TimeNs last = 0;

    void Push(Entry e);
    void PopFront();
    void Clear();
  };
  struct State {
    std::unordered_map<std::string, Group> groups;
  };
  // What fed a correlation: a detection rule's match on an event, or a lower correlation's.
  struct Input {
    const Event& event;
    std::string_view rule_name;  // name (or id) of the rule or correlation that matched
    const CorrelationMatch* lower = nullptr;
  };

  void Feed(uint32_t correlation, uint32_t step, const Input& in,
            const std::function<void(const CorrelationMatch&)>& on_match);
  std::string FieldText(const sigma::CorrelationRule& c, std::string_view name,
                        const Input& in) const;

  std::shared_ptr<const sigma::RuleSet> rules_;
  // Detection rule index -> (correlation, step) pairs that read it.
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> by_rule_;
  // Correlation index -> (correlation, step) pairs that read it.
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> by_correlation_;
  std::vector<State> states_;
};

}  // namespace pantau::correlate
