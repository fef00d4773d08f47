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

struct CaseSla {
  CaseState state = CaseState::kTriage;
  int64_t standard_minutes = 0;  // of the current step; 0: none
  TimeNs spent = 0;              // in the current step
  std::optional<TimeNs> due;     // when the current step's standard runs out
  std::optional<TimeNs> left;    // due - now; negative when overdue
  bool overdue = false;
  std::vector<StepSla> steps;  // oldest first, the current one last

  // {"state", "standard_minutes"|null, "spent_seconds", "left_seconds"|null, "due"|null,
  //  "overdue", "steps"?: [{"state", "entered_at", "left_at"|null, "standard_minutes"|null,
  //  "spent_seconds", "on_time"|null}]}
  std::string ToJson(bool with_steps) const;
};

// REQUIRES: `history` is not empty; its last entry is the current state.
CaseSla ComputeSla(std::span<const StateEntry> history, TimeNs now);

// When a step entered at `entered_at` with `standard_minutes` is due; none without a standard.
std::optional<TimeNs> DueAt(TimeNs entered_at, int64_t standard_minutes);

}  // namespace pantau
