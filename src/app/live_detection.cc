#include "app/live_detection.h"

#include <spdlog/spdlog.h>

#include "detect/sigma/builtin_rules.h"

namespace pantau {
namespace {

// The fields an alert shows of its first event, beside the rule's own `fields`.
constexpr const char* kKeyFields[] = {"host.name",      "user.name",    "source.ip",
                                      "destination.ip", "url.original", "process.command_line"};
constexpr size_t kMaxKeyFieldBytes = 1024;

std::string KeyFieldsJson(const Event& e, const sigma::Rule& rule) {
  std::string out = "{";
  bool first = true;
  auto add = [&](std::string_view name) {
    const Value* v = e.fields.Find(name);
    if (v == nullptr || std::holds_alternative<std::monostate>(*v)) return;
    if (out.find("\"" + std::string(name) + "\":") != std::string::npos) return;
    if (!first) out += ',';
    first = false;
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

}  // namespace

// The hits of one batch, waiting for their events' ids.
class LiveDetection::Batch final : public EventHook::Pending {
 public:
  Batch(LiveDetection& owner, std::shared_ptr<const sigma::RuleSet> rules)
      : owner_(owner), rules_(std::move(rules)) {}

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
  std::shared_ptr<const sigma::RuleSet> rules_;  // keeps the rules the hits point into alive
  std::vector<uint32_t> indexes_;
  std::vector<AlertHit> hits_;
};

LiveDetection::LiveDetection(AlertStore& alerts, Metrics& metrics)
    : alerts_(alerts),
      matches_(&metrics.GetCounter("pantau_detection_matches_total", "")),
      alert_errors_(&metrics.GetCounter("pantau_detection_alert_errors_total", "")) {}

void LiveDetection::SetRules(std::shared_ptr<const sigma::RuleSet> rules) {
  std::lock_guard lock(mu_);
  rules_ = std::move(rules);
}

std::shared_ptr<const sigma::RuleSet> LiveDetection::rules() const {
  std::lock_guard lock(mu_);
  return rules_;
}

std::unique_ptr<EventHook::Pending> LiveDetection::Inspect(std::span<const Event> events) {
  std::shared_ptr<const sigma::RuleSet> rules = this->rules();
  if (!rules || rules->size() == 0) return nullptr;
  auto batch = std::make_unique<Batch>(*this, rules);
  for (uint32_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    rules->Match(e, [&](const sigma::Rule& rule) {
      matches_->Add();
      AlertHit hit;
      hit.rule_id = rule.id.empty() ? rule.title : rule.id;
      hit.rule_title = rule.title;
      hit.level = std::string(sigma::LevelName(rule.level));
      hit.tags = rule.tags;
      hit.dataset = e.dataset;
      hit.host = std::string(e.fields.GetString("host.name"));
      hit.timestamp = e.timestamp;
      hit.fields_json = KeyFieldsJson(e, rule);
      batch->Add(i, std::move(hit));
    });
  }
  if (batch->empty()) return nullptr;
  return batch;
}

Result<std::shared_ptr<const sigma::RuleSet>> LoadServeRules(const Config::Detection& config) {
  sigma::LoadOptions options;
  if (config.builtin_rules) {
    for (const auto& [name, text] : sigma::BuiltinRules()) {
      options.texts.emplace_back(std::string(name), std::string(text));
    }
  }
  options.logsource_files = config.logsources;
  options.placeholders_file = config.placeholders;
  std::vector<sigma::RuleProblem> problems;
  size_t documents = 0;
  auto rules = sigma::RuleSet::Load(config.rules, options, problems, documents);
  if (!rules.ok()) return rules.status();
  for (const sigma::RuleProblem& p : problems) {
    spdlog::warn("rule not used: {}", p.ToString());
  }
  spdlog::info("detection: {} of {} Sigma rules loaded ({} distinct patterns)", (*rules)->size(),
               documents, (*rules)->pattern_count());
  return rules;
}

}  // namespace pantau
