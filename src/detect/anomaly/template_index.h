// TemplateIndex: gives every ingested event with a message its log template id, as the field
// `log.template_id` (16 lower-case hex digits), and keeps the templates listable.
//
// Mining: one TemplateMiner (template_miner.h) per dataset, so that messages of different
// datasets never share a template (a FortiGate line and a Linux line that happen to read alike
// stay apart, and each dataset's tree fills with its own shapes only). Past `max_datasets`
// datasets (JSON ingest lets senders name theirs), the rest share one overflow miner. An event's
// id is its miner's template id XOR a hash of the dataset name: ids of two datasets cannot clash
// in the table, and within a dataset they stay exactly as stable as the miner's own.
//
// State: the miners are saved to DATA/templates.state (write then rename) by Maintain, which the
// pipeline calls every maintenance tick and at Stop, and loaded by Open, so ids survive restarts.
// Counts, first and last seen (event time) and an example message per template are tallied in
// memory and written to the table log_templates of DATA/pantau.db in one transaction by Flush
// (from Maintain, before List/Get, and when the tally grows past `max_pending`).
//
// Bounds: each miner has the caps of MinerOptions; the tally at most `max_pending` templates; the
// table at most `max_rows` rows (the least recently seen go first).
//
// Thread-safety: all methods may be called from any thread. Enrich holds the mining lock for one
// batch; Flush and Save hold it only to copy what they write, and do their I/O outside it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/event_enricher.h"
#include "core/status.h"
#include "detect/anomaly/template_miner.h"

namespace pantau::anomaly {

// The field every event with a message gets (the contract with the anomaly detectors).
inline constexpr std::string_view kTemplateIdField = "log.template_id";

struct TemplateIndexOptions {
  MinerOptions miner;        // the caps of each dataset's miner
  size_t max_datasets = 32;  // datasets with a miner of their own
  size_t max_pending = 100'000;
  size_t max_rows = 200'000;  // rows kept in log_templates
  size_t max_example_bytes = 512;
};

// A row of log_templates as the API shows it.
struct TemplateRow {
  std::string id;
  std::string dataset;
  std::string text;
  uint64_t count = 0;
  TimeNs first_seen = 0;
  TimeNs last_seen = 0;
  std::string example;
  // {"id", "dataset", "template", "count", "first_seen", "last_seen", "example", "query"}
  std::string ToJson() const;
};

struct TemplateQuery {
  std::string dataset;         // exact; empty: every dataset
  std::string text;            // substring of the template, case-insensitive (ASCII); empty: all
  std::string sort = "count";  // count, first_seen or last_seen; always descending
  size_t limit = 100;
  size_t offset = 0;
};

struct TemplatePage {
  std::vector<TemplateRow> items;
  uint64_t total = 0;  // rows matching the query, whatever the limit
};

class TemplateIndex final : public EventEnricher {
 public:
  // Loads DATA/templates.state when present. A state file that cannot be read is moved aside
  // (templates.state.bad) with an error in the log, and mining starts afresh: losing template
  // ids is better than refusing to ingest.
  static Result<std::unique_ptr<TemplateIndex>> Open(const std::string& data_dir,
                                                     TemplateIndexOptions options);
  ~TemplateIndex() override;

  void Enrich(std::span<Event> events) override;
  // Flush, then Save.
  Status Maintain() override;
  // Writes the tallied counts to log_templates.
  Status Flush();
  // Writes the miners' state to DATA/templates.state.
  Status Save();

  // The current text of the template `id` (as events carry it), while a miner knows it; for
  // explanations ("template T"). Cheap: no I/O, one lookup per dataset's miner.
  std::optional<std::string> Text(std::string_view id);

  // Flushes first, so that the answer includes every event enriched so far.
  Result<TemplatePage> List(const TemplateQuery& query);
  // NotFound when no template has `id`; InvalidArgument when `id` is not 16 hex digits.
  Result<TemplateRow> Get(std::string_view id);

 private:
  struct DatasetMiner {
    std::string dataset;  // as the table shows it
    uint64_t salt = 0;    // XORed into the miner's ids
    TemplateMiner miner;
  };
  struct Tally {
    const DatasetMiner* miner = nullptr;
    TemplateId miner_id = 0;
    uint64_t count = 0;
    TimeNs first_seen = 0, last_seen = 0;
    std::string example;
  };

  TemplateIndex(std::string data_dir, TemplateIndexOptions options);
  DatasetMiner& MinerFor(const std::string& dataset);  // REQUIRES: mu_ held
  std::string SerializeLocked() const;                 // REQUIRES: mu_ held
  Status Deserialize(std::string_view text);

  const std::string data_dir_;
  const std::string state_path_;
  const TemplateIndexOptions options_;

  std::mutex mu_;                                                             // mining and tallying
  std::map<std::string, std::unique_ptr<DatasetMiner>, std::less<>> miners_;  // GUARDED_BY(mu_)
  std::unique_ptr<DatasetMiner> overflow_;                                    // GUARDED_BY(mu_)
  std::unordered_map<TemplateId, Tally> pending_;                             // GUARDED_BY(mu_)

  std::mutex flush_mu_;  // one flush or save at a time, in order
};

}  // namespace pantau::anomaly
