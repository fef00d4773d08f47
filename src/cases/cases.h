// Cases (tickets): anomalies worked through the SOP's steps 3 to 10, kept in DATA/pantau.db with
// a readable number per year (INS-2026-0042, no gaps), their fields, the alerts they link, and the
// state history the workflow (workflow.h) writes. Every change runs in one write transaction: the
// case, its history, the alerts it links (their case_id and status), on closing the alerts' end
// (closed; marked false positive when the verdict is), and its entry in the audit trail
// (audit.h): case.create, case.update (each field from/to), case.verdict, case.<action>; a change
// of the time standards is sla.update.
//
// Thread-safety: all methods may be called from any thread (one connection behind a mutex);
// several stores, or processes, on one file are serialised by SQLite's write lock
// (BEGIN IMMEDIATE), which is what keeps case numbers free of gaps and duplicates.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/audit.h"
#include "cases/sla.h"
#include "cases/workflow.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/main_db.h"

namespace pantau {

struct Observable {
  std::string type;  // ip, domain, url, hash, account
  std::string value;
  bool operator==(const Observable&) const = default;
};

// The fields a person sets when opening a case or later (PATCH); unset members stay as they are
// (or take their defaults on creation).
struct CaseFields {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> source;          // detection, complaint, bssn_warning, manual
  std::optional<std::string> incident_type;   // web_defacement, gambling_injection, ...
  std::optional<std::string> risk_level;      // very_low, low, medium, high, very_high
  std::optional<std::string> classification;  // B, T, R, SR
  std::optional<std::string> assignee;        // a user; empty: nobody
  std::optional<std::vector<std::string>> tags;
  std::optional<std::vector<std::string>> techniques;  // ATT&CK ids, T1110 or T1110.001
  std::optional<std::vector<std::string>> system_ids;  // electronic systems affected
  std::optional<std::vector<std::string>> alert_ids;   // the whole list of linked alerts
  std::optional<std::vector<std::string>> event_ids;   // the whole list of linked events
  std::optional<std::vector<Observable>> observables;
};

// Checks each field on its own (known names, lengths, observable values); techniques come back
// upper-cased and lists without duplicates.
Result<CaseFields> NormaliseCaseFields(CaseFields fields);

// The verdict the case's assessments suggested (assess/verdict_suggestion.h) when a person set
// the verdict, for the audit trail: what was suggested and whether the verdict followed it.
struct VerdictAdvice {
  std::string suggestion;        // likely_real, likely_false_positive, unknown; empty: none
  std::optional<bool> followed;  // unset when the suggestion points to no verdict (unknown)
};

struct Case {
  std::string id;
  std::string number;  // INS-2026-0042
  std::string title, description, source, incident_type, risk_level, classification, assignee;
  std::vector<std::string> tags, techniques, system_ids, alert_ids, event_ids;
  std::vector<Observable> observables;
  CaseSnapshot workflow;  // state, verdict, authors, signatures, history
  std::string created_by;
  TimeNs created = 0, updated = 0;
  // A case on vital information infrastructure must be reported by then (sla.h); 0: no such
  // deadline. reported_at: when it entered notified or closed, 0 before.
  TimeNs reporting_due = 0, reported_at = 0;

  // {"id", "number", "title", "description", "source", "incident_type", "risk_level",
  // "classification", "assignee"|null, "tags", "techniques", "system_ids", "alert_ids",
  // "event_ids", "observables": [{"type", "value"}], "state", "state_since", "verdict"|null,
  // "verdict_justification"|null, "verdict_by"|null, "verdict_at"|null, "report_authors",
  // "verified_by"|null, "approved_by"|null, "created_by", "created", "updated", "sla"} and, with
  // `detail`, "history": [{"state", "action"|null, "actor", "comment"|null, "entered_at",
  // "left_at"|null}] and the SLA's steps.
  std::string ToJson(TimeNs now, bool detail) const;
};

// The time standard of one state as an admin set it.
struct TimeStandard {
  CaseState state = CaseState::kTriage;
  int64_t minutes = 0;
  std::string updated_by;  // empty: the default
  TimeNs updated = 0;
};
// {"items": [{"state", "minutes", "default_minutes", "updated_by"|null, "updated"|null}],
//  "next_cursor": null, "total": N}
std::string TimeStandardsJson(std::span<const TimeStandard> standards);

// How the steps of one state kept their time standard: the SOP's own quality measure.
struct StepCompliance {
  CaseState state = CaseState::kTriage;
  int64_t steps = 0;         // steps with a standard that ended in the period
  int64_t on_time = 0;       // of those, within their standard
  TimeNs median_spent = 0;   // of those, the median time spent (0 when none)
  int64_t open_overdue = 0;  // steps running now that are already past their standard
};

struct CaseQuery {
  std::vector<std::string> states;  // any of; empty: all
  std::string assignee;             // exact; empty: anyone
  std::optional<bool> overdue;      // the current step past its time standard, or not
  size_t limit = 50;
  std::string cursor;  // from the page before
};

struct CasePage {
  std::vector<Case> items;  // newest first, without history
  std::string next_cursor;  // empty at the end
  int64_t total = 0;
};

class CaseStore {
 public:
  static Result<std::unique_ptr<CaseStore>> Open(const std::string& data_dir, const Clock& clock);

  // Opens a case in triage. system_ids must name systems of the registry (InvalidArgument names
  // the first that does not); when any of them is vital, the case must be reported within
  // kVitalReportingMinutes. The title is needed unless alerts are linked (then it defaults to
  // the first alert's rule title). Linked alerts also give defaults: source "detection", the risk
  // from their highest level, systems, ATT&CK techniques from their tags, and observables from
  // their key fields. An alert already in another open case is refused (FailedPrecondition).
  Result<Case> Create(const CaseFields& fields, const Actor& actor);
  Result<Case> Get(std::string_view id);
  Result<CasePage> List(const CaseQuery& query);
  // Changes fields; a closed case is not changed (FailedPrecondition). New system_ids are checked
  // as on Create and decide the reporting deadline again (kept from the opening when still vital).
  Result<Case> Update(std::string_view id, const CaseFields& fields, const Actor& actor);
  // `advice`, when it names a suggestion, goes into the case.verdict audit entry with whether
  // the verdict followed it.
  Result<Case> SetVerdict(std::string_view id, Verdict verdict, std::string_view justification,
                          const Actor& actor, const VerdictAdvice& advice = {});
  // Work done inside an action's write transaction, on this store's connection, after the
  // workflow change and before the commit: the documents a step makes (docs/case_documents.h).
  // Its failure undoes the whole action. `before` is the case as it was, `after` its new state.
  using ActHook = std::function<Status(sqlite::Db& db, const Case& before,
                                       const CaseSnapshot& after, TimeNs now)>;

  // One workflow action (workflow.h): the case after it, or why not.
  Result<Case> Act(std::string_view id, CaseAction action, std::string_view comment,
                   const Actor& actor, const ActHook& hook = {});

  // The audit trail's entries about the case, oldest first.
  Result<std::vector<AuditEntry>> History(std::string_view id);

  // Per state with a time standard, in workflow order: the steps that ended in [from, to) and
  // how many kept it, and the steps running now that are late.
  Result<std::vector<StepCompliance>> Compliance(TimeNs from, TimeNs to);

  // The time standards of every state that has one, in workflow order.
  Result<std::vector<TimeStandard>> TimeStandards();
  // Sets the minutes (1 .. kMaxStandardMinutes) of the states named, all or none; the others
  // keep theirs. A step is measured by the standard in force when it was entered, so a change
  // applies to steps entered from now on.
  Result<std::vector<TimeStandard>> SetTimeStandards(
      std::span<const std::pair<CaseState, int64_t>> minutes, const std::string& actor);

 private:
  CaseStore(sqlite::Db db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
  Result<Case> GetLocked(int64_t id);
  Result<int64_t> IdOf(std::string_view id);
  // Runs `work` in a write transaction; commits when it succeeds.
  template <typename F>
  Result<Case> Write(F&& work);
  Status LinkAlertsLocked(int64_t case_id, const std::vector<std::string>& alert_ids, TimeNs now);
  Result<int64_t> StandardMinutesLocked(CaseState state);
  Result<std::vector<TimeStandard>> TimeStandardsLocked();
  Status SaveWorkflowLocked(int64_t case_id, const CaseSnapshot& before, const CaseSnapshot& after,
                            TimeNs now);

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
};

}  // namespace pantau
