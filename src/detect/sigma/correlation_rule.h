// Sigma correlation rules (specification v2.1): a meta-rule over the matches of other rules, by
// their id or name, counted per group of field values in a sliding time window. This is the
// rule as read; detect/correlate evaluates it.
//
// Thread-safety: plain values.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "detect/sigma/level.h"
#include "detect/sigma/rule_meta.h"

namespace pantau::sigma {

struct CorrelationRule : RuleMeta {
  enum class Type {
    kEventCount,
    kValueCount,
    kTemporal,
    kTemporalOrdered,
    kValueSum,
    kValueAvg,
    kValuePercentile
  };
  struct Condition {
    enum class Op { kGt, kGte, kLt, kLte, kEq, kNeq };
    Op op = Op::kGte;
    double value = 0;
  };
  // A rule the correlation reads: a detection rule or another correlation, by index.
  struct Ref {
    bool correlation = false;
    uint32_t index = 0;
  };

  Type type = Type::kEventCount;
  std::vector<std::string> rule_refs;  // as written: ids or names
  std::vector<Ref> rules;              // resolved, in the order written
  std::vector<std::string> group_by;
  // alias -> (rule name -> field of that rule's events)
  std::map<std::string, std::map<std::string, std::string>> aliases;
  TimeNs timespan = 0;
  std::vector<Condition> conditions;  // all must hold; empty for temporal means "all rules"
  std::string field;                  // value_* types: the field whose values count
  bool generate = false;              // the referenced rules also alert on their own
  // False when another correlation reads this one without `generate`: then it is a step of a
  // chain, and only the outermost correlation alerts.
  bool standalone = true;

  // True when `x` meets every condition.
  bool ConditionHolds(double x) const;
};

std::string_view CorrelationTypeName(CorrelationRule::Type type);

// Reads the `correlation` section and the rule's meta data; the references stay unresolved.
// `line` is set to where a problem is.
Result<CorrelationRule> ParseCorrelationRule(const YAML::Node& doc, int& line);

// "90m", "1h", "30s", "2d" in nanoseconds.
Result<TimeNs> ParseTimespan(std::string_view text);

}  // namespace pantau::sigma
