// Live detection in `pantau serve`: every decoded event runs through the Sigma rule set on the
// pipeline's decoder thread, and each match through the correlation rules; the matches become
// alerts once their events are stored, so an alert never names an event that is not there. The
// rule set can be replaced while events flow (SIGHUP in serve): batches already inspected finish
// with the set that saw them, and correlation windows start empty with the new set.
//
// Beside the compiled rules it keeps what the API shows of them (api/rule_catalog.h), replaced
// together with them. Each match names the registered system its event concerns (the registry's
// current SystemMatcher, taken once per batch), which becomes the alert's system_id.
//
// Thread-safety: SetRules and Rules from any thread; Inspect/Stored as EventHook says.
#pragma once

#include <memory>
#include <mutex>

#include "api/rule_catalog.h"
#include "cases/alerts.h"
#include "core/config.h"
#include "core/metrics.h"
#include "detect/correlate/correlation_engine.h"
#include "detect/sigma/rule_set.h"
#include "ingest/event_hook.h"
#include "monitor/registry.h"

namespace pantau {

// The rules `pantau serve` runs, and what the API shows of them, made together.
struct ServeRules {
  std::shared_ptr<const sigma::RuleSet> set;
  std::shared_ptr<const RuleEntries> catalog;
};

class LiveDetection final : public EventHook, public RuleCatalog {
 public:
  // `systems` may be null: alerts then name no system.
  LiveDetection(AlertStore& alerts, Metrics& metrics, const SystemRegistry* systems = nullptr);

  void SetRules(ServeRules rules);

  std::unique_ptr<Pending> Inspect(std::span<const Event> events) override;
  std::shared_ptr<const RuleEntries> Rules() const override;

 private:
  class Batch;
  // A rule set and the correlation windows over its matches. Decoded batches come from the
  // decoder thread and from HTTP ingest threads, so the windows have a lock of their own.
  struct Detector {
    explicit Detector(std::shared_ptr<const sigma::RuleSet> r);
    std::shared_ptr<const sigma::RuleSet> rules;
    std::mutex mu;
    correlate::CorrelationEngine correlations;  // GUARDED_BY(mu)
    uint64_t fed = 0;                           // GUARDED_BY(mu)
  };
  std::shared_ptr<Detector> detector() const;

  AlertStore& alerts_;
  const SystemRegistry* systems_;
  Counter* matches_;
  Counter* alert_errors_;
  mutable std::mutex mu_;
  std::shared_ptr<Detector> detector_;          // GUARDED_BY(mu_)
  std::shared_ptr<const RuleEntries> catalog_;  // GUARDED_BY(mu_)
};

// The rules `pantau serve` runs: the built-in ones (unless turned off) and those the config
// names, with their catalog. Problems with single rules are logged and leave the others working.
Result<ServeRules> LoadServeRules(const Config::Detection& config);

}  // namespace pantau
