// Anomaly detection in `pantau serve`: the detectors of detect/anomaly/anomaly_engine.h over every
// decoded event, beside live detection in the pipeline's hook chain. What they find becomes
// alerts of dataset `anomaly` in the same queue as the rules' (cases/alerts.h), one alert per
// anomaly key (repeats of the same series or value group into it), with the anomaly's
// explanation and series in the alert's fields ("anomaly.*") for the UI's chart. Anomalies about
// one event wait until it is stored, so their alert names it; those of series come from a
// ticker thread that also saves the baselines (DATA/anomaly.db) every `save_every` and at Stop.
// An analyst marks an anomaly alert as expected: the baseline learns it and the alert closes.
//
// Thread-safety: Inspect as EventHook says (decoder and HTTP ingest threads); the rest from any
// thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "api/anomaly_teacher.h"
#include "cases/alerts.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/status.h"
#include "detect/anomaly/anomaly_engine.h"
#include "detect/anomaly/baseline_store.h"
#include "detect/anomaly/template_index.h"
#include "ingest/event_hook.h"
#include "monitor/registry.h"

namespace pantau {

struct AnomalyDetectionOptions {
  // Often, since a tick is cheap when no bucket closes, and the anomalies of buckets that the
  // events closed wait for it.
  std::chrono::milliseconds tick{std::chrono::seconds(5)};
  std::chrono::milliseconds save_every{std::chrono::minutes(5)};
};

class AnomalyDetection final : public EventHook, public AnomalyTeacher {
 public:
  // Opens DATA/anomaly.db and restores the baselines saved there. `systems` may be null (alerts
  // name no system), and `templates` (alerts do not give a template's text).
  static Result<std::unique_ptr<AnomalyDetection>> Open(
      const std::string& data_dir, anomaly::AnomalyConfig config, const Clock& clock,
      AlertStore& alerts, Metrics& metrics, const SystemRegistry* systems,
      anomaly::TemplateIndex* templates, AnomalyDetectionOptions options = {});
  ~AnomalyDetection() override;  // Stop()

  std::unique_ptr<Pending> Inspect(std::span<const Event> events) override;

  // Starts the ticker thread; Stop ends it and saves the baselines.
  void Start();
  void Stop();
  // One tick now: the series anomalies found become alerts. For tests and the ticker.
  void TickNow();
  Status SaveNow();

  // Teaches the baseline the anomaly of `alert` (an alert of dataset "anomaly") and closes the
  // alert as expected, with `reason`, as done by `actor`. InvalidArgument for another alert.
  Result<Alert> MarkExpected(std::string_view alert_id, std::string_view reason,
                             std::string_view actor) override;

 private:
  class Batch;
  AnomalyDetection(anomaly::AnomalyConfig config, anomaly::BaselineStore store, const Clock& clock,
                   AlertStore& alerts, Metrics& metrics, const SystemRegistry* systems,
                   anomaly::TemplateIndex* templates, AnomalyDetectionOptions options);
  AlertHit HitOf(const anomaly::Anomaly& a) const;
  void Record(std::vector<AlertHit> hits);
  void Run();

  anomaly::AnomalyEngine engine_;
  const Clock& clock_;
  AlertStore& alerts_;
  const SystemRegistry* systems_;
  anomaly::TemplateIndex* templates_;  // may be null
  const AnomalyDetectionOptions options_;
  Counter* found_;
  Counter* alert_errors_;

  std::mutex store_mu_;
  anomaly::BaselineStore store_;  // GUARDED_BY(store_mu_)

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread ticker_;
};

}  // namespace pantau
