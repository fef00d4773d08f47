// Sigma rules loaded from files into an immutable rule set, and matched against events.
//
// Loading never stops at a bad rule: each rule that cannot be used is reported with its file,
// line and reason, and the others load. Rules are grouped by their log source selection, which
// is evaluated once per event per group.
//
// Thread-safety: a RuleSet is immutable after Load and may be matched from many threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/status.h"
#include "detect/sigma/correlation_rule.h"
#include "detect/sigma/field_scanner.h"
#include "detect/sigma/level.h"
#include "detect/sigma/logsource_map.h"
#include "detect/sigma/matcher.h"
#include "detect/sigma/program.h"
#include "detect/sigma/rule_meta.h"

namespace pantau::sigma {

struct Rule : RuleMeta {
  LogSource logsource;
  Matcher detection;
  // Global filters (Sigma filter files) that name this rule: a match of any suppresses it.
  std::vector<Matcher> filters;
  // False when a correlation reads this rule and does not `generate` it: its matches feed the
  // correlation but are no alerts of their own.
  bool standalone = true;
};

struct RuleProblem {
  std::string file;
  int line = 0;  // 0 when the whole file is at fault
  std::string reason;
  std::string ToString() const;  // "file:line: reason"
};

struct LoadOptions {
  // Rule texts to load before the files: (name for messages, YAML).
  std::vector<std::pair<std::string, std::string>> texts;
  std::vector<std::string> logsource_files;  // added to the built-in map
  std::string placeholders_file;             // YAML: name -> list of values
  // Compile the Hyperscan databases (seconds for thousands of rules); off to only check rules,
  // after which Match must not be called.
  bool compile_scanner = true;
  // Called with each rule file's path and text as read, so that a caller can keep the rules as
  // written (pantau serve shows them) without reading the files a second time.
  std::function<void(const std::string& path, const std::string& text)> on_file;
};

class RuleSet {
 public:
  // Reads every .yml/.yaml file under `paths` (files or folders, recursively, in name order).
  // `problems` receives each rule document that cannot be used; `documents` counts all rule
  // documents seen. Fails only when a path or an option file cannot be read.
  static Result<std::shared_ptr<const RuleSet>> Load(const std::vector<std::string>& paths,
                                                     const LoadOptions& options,
                                                     std::vector<RuleProblem>& problems,
                                                     size_t& documents);

  // The rules of one YAML text (named "<text>" in problems), for tests and the API.
  static Result<std::shared_ptr<const RuleSet>> LoadText(const std::string& yaml,
                                                         const LoadOptions& options,
                                                         std::vector<RuleProblem>& problems);

  class Builder;

  size_t size() const { return rules_.size(); }
  const Rule& rule(size_t i) const { return rules_[i]; }
  // Correlation rules, with their references resolved; chained ones refer to others by index.
  const std::vector<CorrelationRule>& correlations() const { return correlations_; }
  size_t filter_count() const { return filter_count_; }
  // Every rule document that loaded: detection rules, correlations and filters.
  size_t loaded_documents() const { return rules_.size() + correlations_.size() + filter_count_; }
  // The index of a rule of this set, from a reference Match gave.
  uint32_t IndexOf(const Rule& rule) const { return static_cast<uint32_t>(&rule - rules_.data()); }

  // Calls `on_match` for each rule that matches `event`, in load order. Field values are
  // scanned once for all rules with Hyperscan, and a rule is evaluated only when a pattern it
  // cannot match without has fired (or when it has no such pattern).
  void Match(const Event& event, const std::function<void(const Rule&)>& on_match) const;
  // The same result the slow way: every rule of every matching log source, each pattern on its
  // own. The baseline of the benchmarks, and a cross-check in tests.
  void MatchNaive(const Event& event, const std::function<void(const Rule&)>& on_match) const;

  size_t pattern_count() const { return scanner_.pattern_count(); }
  // Rules evaluated for every event, having no necessary pattern (nor has their log source).
  size_t unfiltered_rule_count() const { return always_.size(); }

 private:
  struct Group {
    Matcher where;
    std::vector<uint32_t> rules;
    // Patterns one of which must fire for `where` to hold (empty: no such set), so that the
    // log sources of other products are ruled out by a few bits instead of their conditions.
    std::vector<uint32_t> needs;
  };
  // Compiles the Hyperscan databases and the prefilter index, once all rules are in.
  Status Finish();
  static bool Filtered(const Rule& rule, const EventView& view);
  // Whether group `g`'s log source selects the event; REQUIRES: the view has scan results.
  bool Selects(uint32_t g, const EventView& view) const;

  std::vector<Rule> rules_;
  std::vector<uint32_t> group_of_rule_;
  std::vector<Group> groups_;
  FieldScanner scanner_;
  // The detections and log-source conditions as one program, where each starts in it, and which
  // rules have filters: the few words a candidate rule needs, apart from the large Rule.
  Program program_;
  std::vector<uint32_t> rule_program_;
  std::vector<uint32_t> group_program_;
  std::vector<bool> has_filters_;
  // Pattern id -> rules that need it: rules_needing_[needing_from_[id] .. needing_from_[id + 1]).
  std::vector<uint32_t> needing_from_;
  std::vector<uint32_t> rules_needing_;
  std::vector<uint32_t> always_;          // rules without a necessary pattern
  std::vector<uint32_t> keyword_groups_;  // groups with keyword rules
  std::vector<CorrelationRule> correlations_;
  size_t filter_count_ = 0;
};

}  // namespace pantau::sigma
