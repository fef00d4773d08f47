#include "detect/sigma/rule_set.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <map>

#include "core/files.h"
#include "detect/sigma/detection_compiler.h"

namespace pantau::sigma {
namespace {

Result<Placeholders> LoadPlaceholders(const std::string& path) {
  Placeholders out;
  if (path.empty()) return out;
  ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
  if (!root.IsMap())
    return InvalidArgument(fmt::format("{}: expected a map of name: [values]", path));
  for (const auto& kv : root) {
    std::vector<std::string>& values = out[kv.first.Scalar()];
    if (kv.second.IsSequence()) {
      for (const YAML::Node& v : kv.second) values.push_back(v.Scalar());
    } else if (kv.second.IsScalar()) {
      values.push_back(kv.second.Scalar());
    } else {
      return InvalidArgument(fmt::format("{}:{}: {}: expected a list of values", path,
                                         kv.second.Mark().line + 1, kv.first.Scalar()));
    }
  }
  return out;
}

// Compiles one rule document. `line` is set to where the problem is, when there is one.
Result<Rule> CompileRule(const YAML::Node& doc, const LogSourceMap& logsources,
                         const Placeholders& placeholders,
                         std::map<std::string, LogSourceMap::Selection>& selections, int& line) {
  auto error = [&](const YAML::Node& n, std::string why) {
    line = n.Mark().line >= 0 ? n.Mark().line + 1 : line;
    return InvalidArgument(std::move(why));
  };
  if (!doc.IsMap()) return error(doc, "a rule must be a YAML map");
  Rule r;
  RETURN_IF_ERROR(ReadRuleMeta(doc, r, line));

  const YAML::Node ls = doc["logsource"];
  if (!ls || !ls.IsMap()) return error(doc, "the rule has no logsource map");
  r.logsource = {Scalar(ls["product"]), Scalar(ls["category"]), Scalar(ls["service"])};
  const std::string key = r.logsource.Key();
  auto sel = selections.find(key);
  if (sel == selections.end()) {
    auto selected = logsources.Select(r.logsource);
    if (!selected.ok()) return error(ls, "logsource: " + selected.status().message());
    sel = selections.emplace(key, std::move(*selected)).first;
  }

  const YAML::Node detection = doc["detection"];
  if (!detection) return error(doc, "the rule has no detection");
  CompileContext ctx{&sel->second.renames, &placeholders, &line};
  line = detection.Mark().line + 1;
  RETURN_IF_ERROR(CompileDetection(detection, ctx, r.detection));
  return r;
}

}  // namespace

std::string RuleProblem::ToString() const {
  return line > 0 ? fmt::format("{}:{}: {}", file, line, reason)
                  : fmt::format("{}: {}", file, reason);
}

// Compiles rule texts into one RuleSet, grouping rules by log source.
class RuleSet::Builder {
 public:
  Builder(LogSourceMap logsources, Placeholders placeholders, bool compile)
      : logsources_(std::move(logsources)),
        placeholders_(std::move(placeholders)),
        compile_(compile) {}

  void AddText(const std::string& file, const std::string& text, std::vector<RuleProblem>& problems,
               size_t& documents) {
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
      ++documents;
      problems.push_back({file, e.mark.line + 1, e.msg});
      return;
    }
    for (const YAML::Node& doc : docs) {
      if (doc.IsNull()) continue;  // an empty document, as after a trailing ---
      ++documents;
      int line = doc.Mark().line + 1;
      Status s;
      if (doc.IsMap() && doc["correlation"]) {
        s = AddCorrelation(doc, file, line);
      } else if (doc.IsMap() && doc["filter"] && !doc["detection"]) {
        s = AddFilter(doc, file, line);
      } else {
        s = AddRule(doc, file, line);
      }
      if (!s.ok()) problems.push_back({file, line, s.message()});
    }
  }

  // Resolves what correlations and filters name, then compiles the rule set.
  Result<std::shared_ptr<const RuleSet>> Finish(std::vector<RuleProblem>& problems) {
    ResolveFilters(problems);
    ResolveCorrelations(problems);
    if (compile_) RETURN_IF_ERROR(set_->Finish());
    return std::shared_ptr<const RuleSet>(std::move(set_));
  }

 private:
  struct PendingFilter {
    std::string file;
    int line;
    std::vector<std::string> rules;
    Matcher matcher;
  };

  Status AddRule(const YAML::Node& doc, const std::string& file, int& line) {
    ASSIGN_OR_RETURN(Rule rule, CompileRule(doc, logsources_, placeholders_, selections_, line));
    rule.file = file;
    const std::string key = rule.logsource.Key();
    auto [g, fresh] = group_of_.emplace(key, static_cast<uint32_t>(set_->groups_.size()));
    if (fresh) set_->groups_.push_back({selections_.at(key).where, {}});
    set_->groups_[g->second].rules.push_back(static_cast<uint32_t>(set_->rules_.size()));
    set_->group_of_rule_.push_back(g->second);
    set_->rules_.push_back(std::move(rule));
    return Status::Ok();
  }

  Status AddCorrelation(const YAML::Node& doc, const std::string& file, int& line) {
    ASSIGN_OR_RETURN(CorrelationRule c, ParseCorrelationRule(doc, line));
    c.file = file;
    set_->correlations_.push_back(std::move(c));
    return Status::Ok();
  }

  // A filter: its selection and condition, read like a detection with the filter's log source
  // renames; the rules it names are resolved at the end.
  Status AddFilter(const YAML::Node& doc, const std::string& file, int& line) {
    const YAML::Node f = doc["filter"];
    if (!f.IsMap()) {
      line = f.Mark().line + 1;
      return InvalidArgument("filter must be a map of rules, selections and a condition");
    }
    PendingFilter pf{file, doc.Mark().line + 1, {}, {}};
    YAML::Node detection(YAML::NodeType::Map);
    for (const auto& kv : f) {
      if (kv.first.Scalar() == "rules") {
        for (const YAML::Node& r : kv.second) pf.rules.push_back(r.Scalar());
        if (kv.second.IsScalar()) pf.rules.push_back(kv.second.Scalar());
      } else {
        detection[kv.first] = kv.second;
      }
    }
    if (pf.rules.empty()) {
      line = f.Mark().line + 1;
      return InvalidArgument("filter: rules names no rule");
    }
    const YAML::Node ls = doc["logsource"];
    if (!ls || !ls.IsMap()) {
      line = doc.Mark().line + 1;
      return InvalidArgument("the filter has no logsource map");
    }
    const LogSource logsource{Scalar(ls["product"]), Scalar(ls["category"]), Scalar(ls["service"])};
    ASSIGN_OR_RETURN(LogSourceMap::Selection sel, logsources_.Select(logsource));
    CompileContext ctx{&sel.renames, &placeholders_, &line};
    RETURN_IF_ERROR(CompileDetection(detection, ctx, pf.matcher));
    filters_.push_back(std::move(pf));
    return Status::Ok();
  }

  // Rules by id and by name.
  std::map<std::string, uint32_t> RuleIndex() const {
    std::map<std::string, uint32_t> index;
    for (uint32_t i = 0; i < set_->rules_.size(); ++i) {
      const Rule& r = set_->rules_[i];
      if (!r.id.empty()) index.emplace(r.id, i);
      if (!r.name.empty()) index.emplace(r.name, i);
    }
    return index;
  }

  void ResolveFilters(std::vector<RuleProblem>& problems) {
    const auto index = RuleIndex();
    for (PendingFilter& f : filters_) {
      std::vector<uint32_t> targets;
      std::string missing;
      for (const std::string& ref : f.rules) {
        auto it = index.find(ref);
        if (it == index.end()) {
          missing = ref;
          break;
        }
        targets.push_back(it->second);
      }
      if (!missing.empty()) {
        problems.push_back({f.file, f.line, fmt::format("filter: no rule '{}'", missing)});
        continue;
      }
      for (uint32_t t : targets) set_->rules_[t].filters.push_back(f.matcher);
      ++set_->filter_count_;
    }
  }

  // Resolves references by id or name; drops (and reports) correlations that name an unknown
  // rule or that depend on themselves.
  void ResolveCorrelations(std::vector<RuleProblem>& problems) {
    const auto rules = RuleIndex();
    std::vector<CorrelationRule>& all = set_->correlations_;
    std::map<std::string, uint32_t> correlations;
    for (uint32_t i = 0; i < all.size(); ++i) {
      if (!all[i].id.empty()) correlations.emplace(all[i].id, i);
      if (!all[i].name.empty()) correlations.emplace(all[i].name, i);
    }
    std::vector<bool> bad(all.size(), false);
    for (uint32_t i = 0; i < all.size(); ++i) {
      for (const std::string& ref : all[i].rule_refs) {
        if (auto r = rules.find(ref); r != rules.end()) {
          all[i].rules.push_back({false, r->second});
        } else if (auto c = correlations.find(ref); c != correlations.end()) {
          all[i].rules.push_back({true, c->second});
        } else {
          problems.push_back({all[i].file, all[i].line,
                              fmt::format("correlation: no rule or correlation '{}'", ref)});
          bad[i] = true;
          break;
        }
      }
    }
    // A correlation that reaches itself through the rules it names can never be decided.
    std::vector<int> state(all.size(), 0);  // 0 new, 1 on the path, 2 done
    std::function<bool(uint32_t)> cyclic = [&](uint32_t i) {
      if (state[i] == 1) return true;
      if (state[i] == 2) return false;
      state[i] = 1;
      for (const CorrelationRule::Ref& r : all[i].rules) {
        if (r.correlation && cyclic(r.index)) return true;
      }
      state[i] = 2;
      return false;
    };
    for (uint32_t i = 0; i < all.size(); ++i) {
      if (!bad[i] && cyclic(i)) {
        problems.push_back({all[i].file, all[i].line,
                            "correlation: it depends on itself through the rules it names"});
        bad[i] = true;
      }
      std::fill(state.begin(), state.end(), 0);
    }
    // A correlation that names a dropped one is dropped too.
    for (bool changed = true; changed;) {
      changed = false;
      for (uint32_t i = 0; i < all.size(); ++i) {
        if (bad[i]) continue;
        for (const CorrelationRule::Ref& r : all[i].rules) {
          if (r.correlation && bad[r.index]) {
            problems.push_back({all[i].file, all[i].line,
                                fmt::format("correlation: it names '{}', which cannot be used",
                                            all[r.index].title)});
            bad[i] = changed = true;
            break;
          }
        }
      }
    }
    // Keep the good ones, renumbering the references between them.
    std::vector<uint32_t> renumber(all.size(), 0);
    std::vector<CorrelationRule> kept;
    for (uint32_t i = 0; i < all.size(); ++i) {
      if (bad[i]) continue;
      renumber[i] = static_cast<uint32_t>(kept.size());
      kept.push_back(std::move(all[i]));
    }
    for (CorrelationRule& c : kept) {
      for (CorrelationRule::Ref& r : c.rules) {
        if (r.correlation) r.index = renumber[r.index];
      }
      // The rules a correlation reads alert on their own only when it says so.
    }
    for (const CorrelationRule& c : kept) {
      if (c.generate) continue;
      for (const CorrelationRule::Ref& r : c.rules) {
        if (r.correlation) {
          kept[r.index].standalone = false;
        } else {
          set_->rules_[r.index].standalone = false;
        }
      }
    }
    all = std::move(kept);
  }

  LogSourceMap logsources_;
  Placeholders placeholders_;
  bool compile_;
  std::shared_ptr<RuleSet> set_ = std::make_shared<RuleSet>();
  std::map<std::string, LogSourceMap::Selection> selections_;
  std::map<std::string, uint32_t> group_of_;  // log source key -> group
  std::vector<PendingFilter> filters_;
};

namespace {

Result<RuleSet::Builder> MakeBuilder(const LoadOptions& options) {
  LogSourceMap logsources = LogSourceMap::Builtin();
  for (const std::string& f : options.logsource_files) {
    ASSIGN_OR_RETURN(std::string text, ReadFileText(f));
    RETURN_IF_ERROR(logsources.Add(text, f));
  }
  ASSIGN_OR_RETURN(Placeholders placeholders, LoadPlaceholders(options.placeholders_file));
  return RuleSet::Builder(std::move(logsources), std::move(placeholders), options.compile_scanner);
}

}  // namespace

Result<std::shared_ptr<const RuleSet>> RuleSet::Load(const std::vector<std::string>& paths,
                                                     const LoadOptions& options,
                                                     std::vector<RuleProblem>& problems,
                                                     size_t& documents) {
  ASSIGN_OR_RETURN(Builder builder, MakeBuilder(options));
  std::vector<std::string> files;
  RETURN_IF_ERROR(CollectFiles(
      paths, [](const std::string& f) { return f.ends_with(".yml") || f.ends_with(".yaml"); },
      files));
  documents = 0;
  for (const auto& [name, text] : options.texts) builder.AddText(name, text, problems, documents);
  for (const std::string& file : files) {
    auto text = ReadFileText(file);
    if (!text.ok()) {
      ++documents;
      problems.push_back({file, 0, text.status().message()});
      continue;
    }
    if (options.on_file) options.on_file(file, *text);
    builder.AddText(file, *text, problems, documents);
  }
  return builder.Finish(problems);
}

Result<std::shared_ptr<const RuleSet>> RuleSet::LoadText(const std::string& yaml,
                                                         const LoadOptions& options,
                                                         std::vector<RuleProblem>& problems) {
  ASSIGN_OR_RETURN(Builder builder, MakeBuilder(options));
  size_t documents = 0;
  builder.AddText("<text>", yaml, problems, documents);
  return builder.Finish(problems);
}

namespace {

// Pattern ids one of which must fire for a node to hold, and how often that is likely to happen.
struct Needed {
  std::vector<uint32_t> ids;
  double weight = 0;  // sum of the patterns' guessed chances to fire on an event
};
using PatternSet = std::optional<Needed>;

// A guess at how often a pattern fires: any value always; a short literal or a small number
// (event ids, status codes) often; a long literal seldom. The prefilter keys each rule on the
// set of patterns least likely to fire, so that few rules are evaluated per event.
double Weight(const Pattern& p) {
  if (p.kind() == Pattern::Kind::kAny) return 1.0;
  const std::string& lit = p.literal();
  const bool digits = !lit.empty() && std::all_of(lit.begin(), lit.end(),
                                                  [](char c) { return c >= '0' && c <= '9'; });
  if (digits) return 0.5;
  const size_t len = p.kind() == Pattern::Kind::kGlob ? 4 : lit.size();
  return 1.0 / (1.0 + static_cast<double>(len));
}

// The patterns one of which must fire for `node` to hold, or nullopt when no such set exists
// (negations, regular expressions, numbers, unscanned keywords).
PatternSet Necessary(const Matcher& m, uint32_t node) {
  const Matcher::Node& n = m.nodes()[node];
  auto least_likely = [&]() -> PatternSet {
    PatternSet best;
    for (uint32_t c : n.children) {
      PatternSet s = Necessary(m, c);
      if (s && (!best || s->weight < best->weight)) best = std::move(s);
    }
    return best;
  };
  auto all_of_them = [&]() -> PatternSet {
    Needed out;
    for (uint32_t c : n.children) {
      PatternSet s = Necessary(m, c);
      if (!s) return std::nullopt;
      out.ids.insert(out.ids.end(), s->ids.begin(), s->ids.end());
      out.weight += s->weight;
    }
    return out;
  };
  switch (n.kind) {
    case Matcher::Node::Kind::kPredicate: {
      const Predicate& p = m.predicates()[n.predicate];
      const bool values =
          p.kind == Predicate::Kind::kValues || p.kind == Predicate::Kind::kKeywords;
      if (!values || p.negate || !p.scanned) return std::nullopt;
      auto of_test = [](const ValueTest& t) {
        Needed out;
        if (t.kind == ValueTest::Kind::kRegex) {
          out.ids.push_back(t.regex_id);
          out.weight = 0.2;  // a guess: most rules' expressions are specific
          return out;
        }
        for (const Pattern& pat : t.patterns) {
          out.ids.push_back(pat.id);
          out.weight += Weight(pat);
        }
        return out;
      };
      Needed out;
      bool first = true;
      for (const ValueTest& t : p.tests) {
        Needed one = of_test(t);
        if (p.all) {
          // Every test must pass: any one of them is necessary; take the least likely.
          if (first || one.weight < out.weight) out = std::move(one);
        } else {
          out.ids.insert(out.ids.end(), one.ids.begin(), one.ids.end());
          out.weight += one.weight;
        }
        first = false;
      }
      return out;
    }
    case Matcher::Node::Kind::kAnd:
      return least_likely();
    case Matcher::Node::Kind::kOr:
      return all_of_them();
    case Matcher::Node::Kind::kAtLeast:
      return n.count >= n.children.size() ? least_likely() : all_of_them();
    case Matcher::Node::Kind::kNot:
    case Matcher::Node::Kind::kTrue:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Status RuleSet::Finish() {
  // One keyword database per log source: the keywords of a rule go into its group's.
  std::vector<Matcher*> matchers;
  std::vector<uint32_t> keyword_sets;
  for (uint32_t i = 0; i < rules_.size(); ++i) {
    matchers.push_back(&rules_[i].detection);
    keyword_sets.push_back(group_of_rule_[i]);
  }
  for (uint32_t g = 0; g < groups_.size(); ++g) {
    matchers.push_back(&groups_[g].where);
    keyword_sets.push_back(g);
  }
  RETURN_IF_ERROR(scanner_.Build(matchers, keyword_sets));
  for (uint32_t g = 0; g < groups_.size(); ++g) {
    const bool has_keywords =
        std::any_of(groups_[g].rules.begin(), groups_[g].rules.end(), [&](uint32_t r) {
          const auto& preds = rules_[r].detection.predicates();
          return std::any_of(preds.begin(), preds.end(), [](const Predicate& p) {
            return p.kind == Predicate::Kind::kKeywords;
          });
        });
    if (has_keywords) keyword_groups_.push_back(g);
  }
  std::vector<std::vector<uint32_t>> rules_by_pattern(scanner_.pattern_count());
  auto necessary = [](const Matcher& m) -> PatternSet {
    return m.nodes().empty() ? std::nullopt : Necessary(m, m.root());
  };
  for (Group& g : groups_) {
    if (PatternSet need = necessary(g.where)) {
      g.needs = std::move(need->ids);
      std::sort(g.needs.begin(), g.needs.end());
      g.needs.erase(std::unique(g.needs.begin(), g.needs.end()), g.needs.end());
    }
  }
  for (uint32_t i = 0; i < rules_.size(); ++i) {
    // A pattern the rule needs, or else one its log source needs.
    PatternSet need = necessary(rules_[i].detection);
    if (!need || need->ids.empty()) need = necessary(groups_[group_of_rule_[i]].where);
    if (!need || need->ids.empty()) {
      always_.push_back(i);
      continue;
    }
    std::vector<uint32_t>& ids = need->ids;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (uint32_t id : ids) rules_by_pattern[id].push_back(i);
  }
  needing_from_.reserve(rules_by_pattern.size() + 1);
  for (const std::vector<uint32_t>& rules : rules_by_pattern) {
    needing_from_.push_back(static_cast<uint32_t>(rules_needing_.size()));
    rules_needing_.insert(rules_needing_.end(), rules.begin(), rules.end());
  }
  needing_from_.push_back(static_cast<uint32_t>(rules_needing_.size()));
  for (const Rule& r : rules_) {
    rule_program_.push_back(program_.Add(r.detection));
    has_filters_.push_back(!r.filters.empty());
  }
  for (const Group& g : groups_) group_program_.push_back(program_.Add(g.where));
  return Status::Ok();
}

void RuleSet::Match(const Event& event, const std::function<void(const Rule&)>& on_match) const {
  // Per-thread buffers, reused from event to event and resized when the rule set changes.
  struct State {
    uint64_t generation = 0;
    FieldScanner::Scratch scratch;
    std::vector<uint64_t> fired;
    std::vector<uint32_t> hits;
    std::vector<const Value*> slots;
    std::vector<uint64_t> candidate;  // bit per rule
    std::vector<uint32_t> candidates;
    std::vector<int8_t> group;  // -1 unknown, 0 no, 1 yes
    std::vector<uint32_t> keyword_sets;
  };
  thread_local State st;
  if (st.generation != scanner_.generation()) {
    st.generation = scanner_.generation();
    st.fired.assign((scanner_.pattern_count() + 63) / 64, 0);
    st.candidate.assign((rules_.size() + 63) / 64, 0);
    st.group.assign(groups_.size(), -1);
  }
  EventView view(event);
  st.hits.clear();
  std::fill(st.group.begin(), st.group.end(), int8_t{-1});
  scanner_.Scan(view, st.scratch, st.fired, st.hits, st.slots);
  view.SetFired(&st.fired);
  view.SetSlots(&st.slots);
  // The keyword pass reads the whole event; it is needed only when a group with keyword rules
  // applies. Those guards are decided now, from the field pass, and remembered.
  st.keyword_sets.clear();
  for (uint32_t g : keyword_groups_) {
    st.group[g] = Selects(g, view) ? 1 : 0;
    if (st.group[g] == 1) st.keyword_sets.push_back(g);
  }
  if (!st.keyword_sets.empty()) {
    scanner_.ScanKeywords(view, st.scratch, st.keyword_sets, st.fired, st.hits);
  }

  st.candidates.clear();
  auto add = [&](uint32_t r) {
    uint64_t& word = st.candidate[r >> 6];
    const uint64_t bit = uint64_t{1} << (r & 63);
    if ((word & bit) == 0) {
      word |= bit;
      st.candidates.push_back(r);
    }
  };
  for (uint32_t id : st.hits) {
    for (uint32_t i = needing_from_[id]; i < needing_from_[id + 1]; ++i) add(rules_needing_[i]);
  }
  for (uint32_t r : always_) add(r);
  std::sort(st.candidates.begin(), st.candidates.end());
  for (uint32_t r : st.candidates) {
    int8_t& g = st.group[group_of_rule_[r]];
    if (g < 0) g = Selects(group_of_rule_[r], view) ? 1 : 0;
    if (g == 1 && program_.Run(rule_program_[r], view) &&
        !(has_filters_[r] && Filtered(rules_[r], view))) {
      on_match(rules_[r]);
    }
  }
  // Leave the buffers zeroed for the next event.
  for (uint32_t id : st.hits) st.fired[id >> 6] = 0;
  for (uint32_t r : st.candidates) st.candidate[r >> 6] = 0;
}

bool RuleSet::Selects(uint32_t g, const EventView& view) const {
  const Group& group = groups_[g];
  if (!group.needs.empty()) {
    const std::vector<uint64_t>& fired = *view.fired();
    if (std::none_of(group.needs.begin(), group.needs.end(),
                     [&](uint32_t id) { return (fired[id >> 6] >> (id & 63) & 1) != 0; })) {
      return false;
    }
  }
  return program_.Run(group_program_[g], view);
}

bool RuleSet::Filtered(const Rule& rule, const EventView& view) {
  for (const Matcher& f : rule.filters) {
    if (f.Matches(view)) return true;
  }
  return false;
}

void RuleSet::MatchNaive(const Event& event,
                         const std::function<void(const Rule&)>& on_match) const {
  const EventView view(event);
  for (const Group& g : groups_) {
    if (!g.where.Matches(view)) continue;
    for (uint32_t i : g.rules) {
      if (rules_[i].detection.Matches(view) && !Filtered(rules_[i], view)) on_match(rules_[i]);
    }
  }
}

}  // namespace pantau::sigma
