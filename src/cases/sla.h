// Time standards (the SOP's "mutu baku" per step): how long a case may stay in each state, and
// what a case's history says about them: time spent and left in the current step, whether it is
// overdue, and for every step taken whether it was on time. Calendar time, not working hours.
//
// A step is measured against the standard in force when it was entered (StateEntry's
// standard_minutes, which the case store sets from the editable table), so that an admin's change
// does not rewrite the past.
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cases/workflow.h"
#include "core/clock.h"

namespace pantau {

// DESIGN.md's defaults: triage 180 min, investigating 1 day, assessing 2 days, reporting 1 day,
// submitted, verified and approved 5 min, notified 10 min; closed has none (0).
int64_t DefaultStandardMinutes(CaseState state);

// A case that affects vital information infrastructure (a linked system of the registry with
// criticality "vital") must be reported within this long of its opening: from triage to the
// letter to the PSE (notified), or to its end when it closes as a false positive. It runs beside
// the steps' own standards, which add up to more.
inline constexpr int64_t kVitalReportingMinutes = 24 * 60;

// At most a year: a longer "standard" is a typo.
inline constexpr int64_t kMaxStandardMinutes = 366 * 24 * 60;

struct StepSla {
  CaseState state = CaseState::kTriage;
  TimeNs entered_at = 0;
  std::optional<TimeNs> left_at;  // none for the current step
  int64_t standard_minutes = 0;   // 0: no standard
  TimeNs spent = 0;               // until it was left, or until now
  // Finished steps: spent within the standard. The current step: false once overdue, none until
  // then. None for a step without a standard.
  std::optional<bool> on_time;
};

// The reporting deadline of a case on vital information infrastructure.
struct ReportingSla {
  TimeNs due = 0;
  std::optional<TimeNs> reported_at;  // when the case entered notified (or closed); none yet
  std::optional<TimeNs> left;         // due - now while it runs; none once reported
  bool overdue = false;               // runs and is past due
  std::optional<bool> on_time;        // reported by the due time; false once late; none until
};

struct CaseSla {
  CaseState state = CaseState::kTriage;
  int64_t standard_minutes = 0;  // of the current step; 0: none
  TimeNs spent = 0;              // in the current step
  std::optional<TimeNs> due;     // when the current step's standard runs out
  std::optional<TimeNs> left;    // due - now; negative when overdue
  bool overdue = false;          // the current step is late, or the reporting deadline has passed
  std::vector<StepSla> steps;    // oldest first, the current one last
  std::optional<ReportingSla> reporting;  // vital information infrastructure only

  // {"state", "standard_minutes"|null, "spent_seconds", "left_seconds"|null, "due"|null,
  //  "overdue", "reporting": null|{"standard_minutes", "due", "left_seconds"|null, "overdue",
  //  "reported_at"|null, "on_time"|null}, "steps"?: [{"state", "entered_at", "left_at"|null,
  //  "standard_minutes"|null, "spent_seconds", "on_time"|null}]}
  std::string ToJson(bool with_steps) const;
};

// REQUIRES: `history` is not empty; its last entry is the current state. `reporting_due` (0:
// none) is the case's reporting deadline and `reported_at` (0: not yet) when it was met.
CaseSla ComputeSla(std::span<const StateEntry> history, TimeNs now, TimeNs reporting_due = 0,
                   TimeNs reported_at = 0);

// When a step entered at `entered_at` with `standard_minutes` is due; none without a standard.
std::optional<TimeNs> DueAt(TimeNs entered_at, int64_t standard_minutes);

}  // namespace pantau
