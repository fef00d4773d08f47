// Alerts: what detection rules found, kept in DATA/pantau.db for triage in the Security Log
// Analysis list (SOP step 3). Repeats of one rule on one host and dataset within the grouping
// window make one alert with a count, first and last seen, and its first event ids, rather than
// a flood of copies.
//
// Thread-safety: all methods may be called from any thread (one connection behind a mutex).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/main_db.h"

namespace pantau {

// One rule's match on one stored event.
struct AlertHit {
  std::string rule_id;
  std::string rule_title;
  std::string level;  // informational, low, medium, high, critical
  std::vector<std::string> tags;
  std::string dataset;
  std::string host;
  TimeNs timestamp = 0;
  std::string event_id;
  std::string fields_json;  // {"name": value, ...}: the event's key fields
  std::string system_id;    // the registered system the event concerns; empty: none known
};

struct Alert {
  std::string id;
  std::string rule_id, rule_title, level, dataset, host;
  std::string status;  // new, acknowledged, closed
  std::string assignee;
  bool false_positive = false;
  std::string false_positive_reason;
  int64_t count = 0;
  TimeNs first_seen = 0, last_seen = 0;
  std::string event_ids_json;  // JSON array
  std::string tags_json;       // JSON array
  std::string fields_json;     // JSON object
  std::string system_id;
  TimeNs updated = 0;
  std::string case_id;  // the case working it (cases.h); empty: none
  // The API's form: {"id", "rule_id", "rule_title", "level", "dataset", "status", "assignee",
  // "count", "first_seen", "last_seen", "host", "event_ids", "tags", "system_id",
  // "false_positive", "false_positive_reason", "fields", "updated", "case_id"}.
  std::string ToJson() const;
};

struct AlertQuery {
  std::vector<std::string> statuses;  // any of; empty: all
  std::vector<std::string> levels;    // any of; empty: all
  std::string rule;                   // rule id or exact title
  std::string host;
  std::optional<TimeNs> from, to;  // last_seen in [from, to)
  size_t limit = 100;
  std::string cursor;  // from the page before
};

struct AlertPage {
  std::vector<Alert> items;
  std::string next_cursor;  // empty at the end
  int64_t total = 0;
};

// The dashboard's figures over alerts whose last_seen is in [from, to).
struct AlertStatsQuery {
  TimeNs from = 0, to = 0;
  size_t buckets = 48;  // at most this many; fewer when the range is under one second each
  size_t top = 10;      // rules and hosts
};

// Every figure sums the alerts' counts (the matches they stand for), not the number of alerts.
struct AlertStats {
  static constexpr size_t kLevelCount = 5;   // informational, low, medium, high, critical
  static constexpr size_t kStatusCount = 3;  // new, acknowledged, closed

  TimeNs from = 0, to = 0;
  int64_t interval_s = 0;  // each bucket's width; whole seconds
  struct Bucket {
    TimeNs start = 0;
    std::array<int64_t, kLevelCount> by_level{};  // in the order of LevelNames()
  };
  std::vector<Bucket> buckets;  // from `from`, every interval_s, covering [from, to)
  std::array<int64_t, kStatusCount> by_status{};  // in the order of StatusNames()
  struct RuleCount {
    std::string rule_id, rule_title, level;  // title and level of its latest alert
    int64_t count = 0;
  };
  std::vector<RuleCount> top_rules;                        // most first, then by rule id
  std::vector<std::pair<std::string, int64_t>> top_hosts;  // the same; alerts without host left out
  int64_t alerts = 0;                                      // how many alerts
  int64_t events = 0;                                      // their counts summed

  static std::span<const std::string_view> LevelNames();
  static std::span<const std::string_view> StatusNames();
};

// What a triage step changes; unset members stay as they are.
struct AlertChange {
  std::optional<std::string> status;
  std::optional<std::string> assignee;  // empty string: unassigned
  std::optional<bool> false_positive;
  std::optional<std::string> false_positive_reason;
};

class AlertStore {
 public:
  static constexpr size_t kMaxEventIds = 100;  // per alert; the count goes on

  static Result<std::unique_ptr<AlertStore>> Open(const std::string& data_dir, const Clock& clock,
                                                  std::chrono::seconds group_window);

  // Records hits, grouping each with an open alert of the same rule, host and dataset whose
  // last event is at most the window before it. An alert names the system of its first hit that
  // named one.
  Status Record(std::span<const AlertHit> hits);

  Result<AlertPage> List(const AlertQuery& query);
  // InvalidArgument unless from < to and 1 <= buckets <= 1000.
  Result<AlertStats> Stats(const AlertStatsQuery& query);
  Result<Alert> Get(std::string_view id);
  // Checks the change (known status, a reason for a false positive) before applying it; what
  // it changed goes into the audit trail (alert.update, each field from/to) as done by `actor`.
  Result<Alert> Update(std::string_view id, const AlertChange& change, std::string_view actor);
  // The same change to many alerts at once, all or none; NotFound names the first unknown id.
  Result<std::vector<Alert>> UpdateMany(std::span<const std::string> ids, const AlertChange& change,
                                        std::string_view actor);

 private:
  AlertStore(sqlite::Db db, const Clock& clock, std::chrono::seconds window)
      : db_(std::move(db)), clock_(clock), window_(window) {}
  Result<Alert> GetLocked(std::string_view id);
  // REQUIRES: inside a write transaction.
  Status UpdateLocked(std::string_view id, const AlertChange& change, std::string_view actor);

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
  const std::chrono::seconds window_;
};

// The alert `id` read on a connection the caller holds: the case store's, inside the transaction
// that links it to a case.
Result<Alert> ReadAlert(sqlite::Db& db, std::string_view id);

// Checks a change on its own: status is new/acknowledged/closed; marking a false positive needs
// a reason.
Status ValidateAlertChange(const AlertChange& change);

}  // namespace pantau
