#include "app/live_detection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "detect/sigma/builtin_rules.h"

namespace pantau {
namespace {

// The fields an alert shows of its first event, beside the rule's own `fields`.
constexpr const char* kKeyFields[] = {"host.name",      "user.name",    "source.ip",
                                      "destination.ip", "url.original", "process.command_line"};
constexpr size_t kMaxKeyFieldBytes = 1024;

std::string KeyFieldsJson(const Event& e, const sigma::Rule& rule) {
  std::string out = "{";
  std::vector<std::string_view> written;
  auto add = [&](std::string_view name) {
    const Value* v = e.fields.Find(name);
    if (v == nullptr || std::holds_alternative<std::monostate>(*v)) return;
    if (std::find(written.begin(), written.end(), name) != written.end()) return;
    if (!written.empty()) out += ',';
    written.push_back(name);
    AppendJsonString(out, name);
    out += ':';
    if (const auto* s = std::get_if<std::string>(v); s && s->size() > kMaxKeyFieldBytes) {
      AppendJsonString(out, std::string_view(*s).substr(0, kMaxKeyFieldBytes));
    } else {
      AppendJsonValue(out, *v);
    }
  };
  for (const char* f : kKeyFields) add(f);
  for (const std::string& f : rule.fields) add(f);
  return out + "}";
}

// The group, type and value of a correlation's match, as an alert's key fields.
std::string CorrelationFieldsJson(const correlate::CorrelationMatch& m) {
  std::string out = "{";
  for (const auto& [k, v] : m.group) {
    AppendJsonString(out, k);
    out += ':';
    AppendJsonString(out, v);
    out += ',';
  }
  out += R"("correlation.type":)";
  AppendJsonString(out, sigma::CorrelationTypeName(m.rule->type));
  out +=
      fmt::format(R"(,"correlation.value":{},"correlation.events":{}}})", m.value, m.events.size());
  return out;
}

// What the API shows of each rule and correlation of `set`: builtin rules by name, the others
// by the files read. Ordered built-in first, then by file and line.
RuleEntries CatalogOf(const sigma::RuleSet& set,
                      const std::map<std::string, std::string_view>& builtin,
                      const std::map<std::string, std::string>& files) {
  struct Placed {
    bool from_file;
    const sigma::RuleMeta* meta;
    RuleEntry entry;
  };
  std::vector<Placed> placed;
  auto add = [&](const sigma::RuleMeta& meta, std::string_view kind, bool standalone) {
    RuleEntry e;
    e.id = meta.id.empty() ? meta.title : meta.id;
    e.title = meta.title;
    e.kind = kind;
    e.level = sigma::LevelName(meta.level);
    e.status = meta.status;
    e.description = meta.description;
    e.tags = meta.tags;
    e.attack = sigma::AttackTechniques(meta.tags);
    e.standalone = standalone;
    std::string_view text;
    bool from_file = false;
    if (auto f = files.find(meta.file); f != files.end()) {
      e.source = meta.file;
      text = f->second;
      from_file = true;
    } else if (auto b = builtin.find(meta.file); b != builtin.end()) {
      e.source = "builtin";
      text = b->second;
    }
    e.text = sigma::DocumentAt(text, meta.line);
    placed.push_back({from_file, &meta, std::move(e)});
  };
  for (size_t i = 0; i < set.size(); ++i) {
    add(set.rule(i), "detection", set.rule(i).standalone);
  }
  for (const sigma::CorrelationRule& c : set.correlations()) add(c, "correlation", c.standalone);
  std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) {
    return std::tie(a.from_file, a.meta->file, a.meta->line) <
           std::tie(b.from_file, b.meta->file, b.meta->line);
  });
  RuleEntries out;
  out.reserve(placed.size());
  for (Placed& p : placed) out.push_back(std::move(p.entry));
  return out;
}

}  // namespace

// The hits of one batch, waiting for their events' ids.
class LiveDetection::Batch final : public EventHook::Pending {
 public:
  Batch(LiveDetection& owner, std::shared_ptr<Detector> detector)
      : owner_(owner), detector_(std::move(detector)) {}

  void Add(uint32_t index, AlertHit hit) {
    indexes_.push_back(index);
    hits_.push_back(std::move(hit));
  }
  bool empty() const { return hits_.empty(); }

  void Stored(std::span<const std::string> ids) override {
    for (size_t i = 0; i < hits_.size(); ++i) hits_[i].event_id = ids[indexes_[i]];
    if (Status s = owner_.alerts_.Record(hits_); !s.ok()) {
      owner_.alert_errors_->Add(hits_.size());
      spdlog::error("alerts: {} matches not recorded: {}", hits_.size(), s.ToString());
    }
  }

 private:
  LiveDetection& owner_;
  std::shared_ptr<Detector> detector_;  // keeps the rules the hits came from alive
  std::vector<uint32_t> indexes_;
  std::vector<AlertHit> hits_;
};

LiveDetection::LiveDetection(AlertStore& alerts, Metrics& metrics, const SystemRegistry* systems)
    : alerts_(alerts),
      systems_(systems),
      matches_(&metrics.GetCounter("pantau_detection_matches_total", "")),
      alert_errors_(&metrics.GetCounter("pantau_detection_alert_errors_total", "")),
      catalog_(std::make_shared<const RuleEntries>()) {}

LiveDetection::Detector::Detector(std::shared_ptr<const sigma::RuleSet> r)
    : rules(std::move(r)), correlations(rules) {}

void LiveDetection::SetRules(ServeRules rules) {
  auto detector = std::make_shared<Detector>(std::move(rules.set));
  if (!rules.catalog) rules.catalog = std::make_shared<const RuleEntries>();
  std::lock_guard lock(mu_);
  detector_ = std::move(detector);
  catalog_ = std::move(rules.catalog);
}

std::shared_ptr<const RuleEntries> LiveDetection::Rules() const {
  std::lock_guard lock(mu_);
  return catalog_;
}

std::shared_ptr<LiveDetection::Detector> LiveDetection::detector() const {
  std::lock_guard lock(mu_);
  return detector_;
}

std::unique_ptr<EventHook::Pending> LiveDetection::Inspect(std::span<const Event> events) {
  std::shared_ptr<Detector> d = detector();
  if (!d || d->rules->size() == 0) return nullptr;
  // How often idle correlation groups are forgotten, in events fed.
  constexpr uint64_t kExpireEvery = 10'000;
  auto batch = std::make_unique<Batch>(*this, d);
  const std::shared_ptr<const SystemMatcher> systems = systems_ ? systems_->Matcher() : nullptr;
  auto hit_of = [&systems](const Event& e, std::string_view id, std::string_view title,
                           sigma::Level level, const std::vector<std::string>& tags) {
    AlertHit hit;
    hit.rule_id = std::string(id.empty() ? title : id);
    hit.rule_title = std::string(title);
    hit.level = std::string(sigma::LevelName(level));
    hit.tags = tags;
    hit.dataset = e.dataset;
    // The host the alert is about: the one that logged, or for a network device (a FortiGate
    // names itself in observer.name) the device that saw it.
    std::string_view host = e.fields.GetString("host.name");
    if (host.empty()) host = e.fields.GetString("observer.name");
    hit.host = std::string(host);
    hit.timestamp = e.timestamp;
    if (systems) hit.system_id = systems->ForEvent(e.fields);
    return hit;
  };
  for (uint32_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    d->rules->Match(e, [&](const sigma::Rule& rule) {
      matches_->Add();
      if (rule.standalone) {
        AlertHit hit = hit_of(e, rule.id, rule.title, rule.level, rule.tags);
        hit.fields_json = KeyFieldsJson(e, rule);
        batch->Add(i, std::move(hit));
      }
      if (d->rules->correlations().empty()) return;
      std::lock_guard lock(d->mu);
      d->correlations.OnRuleMatch(rule, e, [&](const correlate::CorrelationMatch& m) {
        const sigma::CorrelationRule& c = *m.rule;
        if (!c.standalone) return;  // a step of a chain
        AlertHit hit = hit_of(e, c.id, c.title, c.level, c.tags);
        hit.timestamp = m.timestamp;
        hit.fields_json = CorrelationFieldsJson(m);
        batch->Add(i, std::move(hit));
      });
      if (++d->fed % kExpireEvery == 0) d->correlations.Expire(e.timestamp);
    });
  }
  if (batch->empty()) return nullptr;
  return batch;
}

Result<ServeRules> LoadServeRules(const Config::Detection& config) {
  sigma::LoadOptions options;
  std::map<std::string, std::string_view> builtin;
  if (config.builtin_rules) {
    for (const auto& [name, text] : sigma::BuiltinRules()) {
      options.texts.emplace_back(std::string(name), std::string(text));
      builtin.emplace(std::string(name), text);
    }
  }
  // Each file as it was read for compiling, so the texts shown are those that run.
  std::map<std::string, std::string> files;
  options.on_file = [&files](const std::string& path, const std::string& text) {
    files.emplace(path, text);
  };
  options.logsource_files = config.logsources;
  options.placeholders_file = config.placeholders;
  std::vector<sigma::RuleProblem> problems;
  size_t documents = 0;
  auto rules = sigma::RuleSet::Load(config.rules, options, problems, documents);
  if (!rules.ok()) return rules.status();
  for (const sigma::RuleProblem& p : problems) {
    spdlog::warn("rule not used: {}", p.ToString());
  }
  spdlog::info(
      "detection: {} of {} Sigma rules loaded ({} correlations, {} filters; {} distinct "
      "patterns)",
      (*rules)->loaded_documents(), documents, (*rules)->correlations().size(),
      (*rules)->filter_count(), (*rules)->pattern_count());
  auto catalog = std::make_shared<const RuleEntries>(CatalogOf(**rules, builtin, files));
  return ServeRules{std::move(*rules), std::move(catalog)};
}

}  // namespace pantau
