#include "app/anomaly_detection.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace pantau {
namespace {

// The alert title of an anomaly, Indonesian first (the desk's language) with English.
std::string TitleOf(const anomaly::Anomaly& a) {
  const std::string_view kind = a.kind;
  if (a.detector == "ratio") {
    if (a.key.find("http_5xx") != std::string::npos) {
      return "Lonjakan galat server (5xx) / Server error (5xx) share up";
    }
    if (a.key.find("http_4xx") != std::string::npos) {
      return "Lonjakan galat klien (4xx) / Client error (4xx) share up";
    }
    return "Lonjakan login gagal / Failed login share up";
  }
  if (a.detector == "volume" && kind == "spike") {
    if (a.key.find("|template=") != std::string::npos) {
      return "Lonjakan satu templat log / Log template volume spike";
    }
    if (a.key.ends_with("|outcome=failure")) {
      return "Lonjakan event gagal / Spike of failed events";
    }
    if (a.key.ends_with("|outcome=success")) {
      return "Lonjakan event berhasil / Spike of successful events";
    }
    if (a.key.ends_with("|outcome=unknown")) {
      return "Lonjakan event tanpa hasil jelas / Spike of events of unknown outcome";
    }
  }
  struct Title {
    std::string_view kind, text;
  };
  static constexpr Title kTitles[] = {
      {"new_template", "Templat log baru / New log template"},
      {"flood", "Banjir nilai baru / Flood of new values"},
      {"spike", "Lonjakan volume log / Log volume spike"},
      {"silence", "Sumber log berhenti mengirim / Log source went silent"},
      {"login_ip", "Login dari alamat IP baru / Login from a new IP address"},
      {"process", "Proses baru di host / New process on a host"},
      {"admin_user", "Akun admin baru / New administrator account"},
      {"admin_user_agent", "User agent baru di URL admin / New user agent on an admin URL"},
  };
  for (const Title& t : kTitles) {
    if (t.kind == kind) return std::string(t.text);
  }
  return "Anomali / Anomaly: " + std::string(kind);
}

}  // namespace

// The anomalies of one batch about single events, waiting for their events' ids.
class AnomalyDetection::Batch final : public EventHook::Pending {
 public:
  Batch(AnomalyDetection& owner, std::vector<anomaly::Anomaly> found)
      : owner_(owner), found_(std::move(found)) {}

  void Stored(std::span<const std::string> ids) override {
    std::vector<AlertHit> hits;
    hits.reserve(found_.size());
    for (const anomaly::Anomaly& a : found_) {
      AlertHit hit = owner_.HitOf(a);
      if (a.event_index && *a.event_index < ids.size()) hit.event_id = ids[*a.event_index];
      hits.push_back(std::move(hit));
    }
    owner_.Record(std::move(hits));
  }

 private:
  AnomalyDetection& owner_;
  std::vector<anomaly::Anomaly> found_;
};

Result<std::unique_ptr<AnomalyDetection>> AnomalyDetection::Open(
    const std::string& data_dir, anomaly::AnomalyConfig config, const Clock& clock,
    AlertStore& alerts, Metrics& metrics, const SystemRegistry* systems,
    anomaly::TemplateIndex* templates, AnomalyDetectionOptions options) {
  ASSIGN_OR_RETURN(anomaly::BaselineStore store,
                   anomaly::BaselineStore::Open(data_dir + "/anomaly.db"));
  std::unique_ptr<AnomalyDetection> d(new AnomalyDetection(
      std::move(config), std::move(store), clock, alerts, metrics, systems, templates, options));
  // Countries of logins are a bonus: without the database login_ip works by address alone.
  const auto& nv = d->engine_.config().new_value;
  if (nv.login_ip && !nv.geoip_dir.empty()) {
    auto countries = anomaly::CountryLookup::Open(nv.geoip_dir);
    if (countries.ok()) {
      d->engine_.SetCountryLookup(std::move(*countries));
    } else {
      spdlog::warn(
          "anomaly: logins from new countries are not detected: {} (anomaly.new_value.geoip_dir: "
          "\"\" turns this warning off)",
          countries.status().ToString());
    }
  }
  RETURN_IF_ERROR(anomaly::LoadBaselines(d->store_, d->engine_));
  return d;
}

AnomalyDetection::AnomalyDetection(anomaly::AnomalyConfig config, anomaly::BaselineStore store,
                                   const Clock& clock, AlertStore& alerts, Metrics& metrics,
                                   const SystemRegistry* systems, anomaly::TemplateIndex* templates,
                                   AnomalyDetectionOptions options)
    : engine_(std::move(config), clock),
      clock_(clock),
      alerts_(alerts),
      systems_(systems),
      templates_(templates),
      options_(options),
      found_(&metrics.GetCounter("pantau_anomalies_total", "")),
      alert_errors_(&metrics.GetCounter("pantau_anomaly_alert_errors_total", "")),
      store_(std::move(store)) {}

AnomalyDetection::~AnomalyDetection() { Stop(); }

std::unique_ptr<EventHook::Pending> AnomalyDetection::Inspect(std::span<const Event> events) {
  std::vector<anomaly::Anomaly> found = engine_.Observe(events);
  if (found.empty()) return nullptr;
  return std::make_unique<Batch>(*this, std::move(found));
}

AlertHit AnomalyDetection::HitOf(const anomaly::Anomaly& a) const {
  AlertHit hit;
  // One alert per key: a spike that lasts several buckets, or a value seen again, adds to it.
  hit.rule_id = "anomaly:" + a.key;
  hit.rule_title = TitleOf(a);
  hit.level = std::string(anomaly::SeverityName(a.severity));
  hit.tags = {"pantau.anomaly", "anomaly." + a.detector};
  hit.dataset = "anomaly";
  hit.host = a.source;
  hit.timestamp = a.time;
  if (systems_ != nullptr && !a.source.starts_with("dataset:")) {
    if (auto matcher = systems_->Matcher()) hit.system_id = matcher->ForHost(a.source);
  }
  nlohmann::json series = nlohmann::json::array();
  // NaN (still learning) is not JSON: null.
  auto number = [](double v) { return std::isnan(v) ? nlohmann::json() : nlohmann::json(v); };
  for (const anomaly::SeriesPoint& p : a.series) {
    series.push_back({{"time", p.time / 1'000'000},
                      {"value", number(p.value)},
                      {"low", number(p.low)},
                      {"high", number(p.high)}});
  }
  nlohmann::json fields = {{"anomaly.detector", a.detector},
                           {"anomaly.kind", a.kind},
                           {"anomaly.key", a.key},
                           {"anomaly.source", a.source},
                           {"anomaly.value", a.value},
                           {"anomaly.time", a.time},
                           {"anomaly.score", number(a.score)},
                           {"anomaly.explanation.id", a.explanation_id},
                           {"anomaly.explanation.en", a.explanation_en},
                           {"anomaly.series", series}};
  // The template it is about, in words: a new template's, or a template's volume series'.
  std::string_view template_id;
  if (a.kind == "new_template") {
    template_id = a.value;
  } else if (const size_t at = a.key.find("|template="); at != std::string::npos) {
    template_id = std::string_view(a.key).substr(at + 10);
  }
  if (templates_ != nullptr && !template_id.empty()) {
    if (auto text = templates_->Text(template_id)) fields["anomaly.template"] = *text;
  }
  // On the alert only: the stored event keeps the fields it came with.
  if (!a.country.empty()) fields["source.geo.country_iso_code"] = a.country;
  hit.fields_json = fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return hit;
}

void AnomalyDetection::Record(std::vector<AlertHit> hits) {
  if (hits.empty()) return;
  found_->Add(hits.size());
  if (Status s = alerts_.Record(hits); !s.ok()) {
    alert_errors_->Add(hits.size());
    spdlog::error("anomaly: {} alerts not recorded: {}", hits.size(), s.ToString());
  }
}

void AnomalyDetection::TickNow() {
  std::vector<AlertHit> hits;
  for (const anomaly::Anomaly& a : engine_.Tick(clock_.Now())) hits.push_back(HitOf(a));
  Record(std::move(hits));
}

Status AnomalyDetection::SaveNow() {
  std::lock_guard lock(store_mu_);
  return anomaly::SaveBaselines(engine_, store_, clock_.Now());
}

void AnomalyDetection::Start() {
  std::lock_guard lock(mu_);
  if (ticker_.joinable()) return;
  stopping_ = false;
  ticker_ = std::thread([this] { Run(); });
}

void AnomalyDetection::Stop() {
  {
    std::lock_guard lock(mu_);
    if (!ticker_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  ticker_.join();
  if (Status s = SaveNow(); !s.ok())
    spdlog::error("anomaly: baselines not saved: {}", s.ToString());
}

void AnomalyDetection::Run() {
  auto last_save = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!wake_.wait_for(lock, options_.tick, [this] { return stopping_; })) {
    lock.unlock();
    TickNow();
    if (std::chrono::steady_clock::now() - last_save >= options_.save_every) {
      if (Status s = SaveNow(); !s.ok()) {
        spdlog::error("anomaly: baselines not saved: {}", s.ToString());
      }
      last_save = std::chrono::steady_clock::now();
    }
    lock.lock();
  }
}

Result<Alert> AnomalyDetection::MarkExpected(std::string_view alert_id, std::string_view reason,
                                             std::string_view actor) {
  ASSIGN_OR_RETURN(const Alert alert, alerts_.Get(alert_id));
  if (alert.dataset != "anomaly") {
    return InvalidArgument("alert " + alert.id + " is not an anomaly (dataset " + alert.dataset +
                           ")");
  }
  const nlohmann::json fields = nlohmann::json::parse(alert.fields_json, nullptr, false);
  if (!fields.is_object() || !fields.contains("anomaly.key")) {
    return InvalidArgument("alert " + alert.id + " does not name its anomaly");
  }
  RETURN_IF_ERROR(engine_.MarkExpected(fields.value("anomaly.key", ""),
                                       fields.value("anomaly.value", ""),
                                       fields.value("anomaly.time", TimeNs{0})));
  RETURN_IF_ERROR(SaveNow());
  AlertChange change;
  change.status = "closed";
  change.false_positive = true;
  change.false_positive_reason = "Diharapkan / expected: " + std::string(reason);
  return alerts_.Update(alert.id, change, actor);
}

}  // namespace pantau
