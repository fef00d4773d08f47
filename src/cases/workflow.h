// The case workflow: the SOP's steps 3 to 10 (DESIGN.md "Case workflow") as a table of
// {from, action, to, roles, requirements} rows, and pure functions that apply an action or a
// verdict to a snapshot of a case. Nothing here reads the clock, the database or the caller: the
// store hands in the snapshot, the person and the time, and writes back what comes out.
//
// Answers: PermissionDenied when the role appears in no row of the action (the role may never do
// it: HTTP 403); FailedPrecondition when the case is not in a state the action starts from, the
// role does not act in this state, the verdict does not fit, or the person may not (separation of
// duties: HTTP 409); InvalidArgument when a required comment or justification is missing (400).
// Every message says why and what would be allowed. docs/cases.md explains the choices.
//
// Thread-safety: pure functions over values; the table is immutable.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "core/clock.h"
#include "core/status.h"

namespace pantau {

enum class CaseState {
  kTriage,         // SOP step 3: the Security Log Analysis list
  kInvestigating,  // 4: the anomalous log in depth
  kAssessing,      // 5: vulnerability assessment and PoC
  kReporting,      // 6: incident report or work report (the verdict is set)
  kSubmitted,      // 7: sent to the coordinator
  kVerified,       // 8: verified by the coordinator
  kApproved,       // 9: approved (signed) by the head
  kNotified,       // 10: notification letter sent to the PSE
  kClosed,
};
inline constexpr int kCaseStateCount = 9;

enum class CaseAction {
  kInvestigate,
  kAssess,
  kReport,
  kSubmit,
  kVerify,
  kReturn,
  kApprove,
  kNotify,
  kClose,
};
inline constexpr int kCaseActionCount = 9;

enum class Verdict {
  kFalsePositive,
  kConfirmed,  // the SOP's "FALSE NEGATIVE": a real incident
};

std::string_view CaseStateName(CaseState state);
Result<CaseState> ParseCaseState(std::string_view name);
std::string_view CaseActionName(CaseAction action);
Result<CaseAction> ParseCaseAction(std::string_view name);
std::string_view VerdictName(Verdict verdict);  // false_positive, confirmed
Result<Verdict> ParseVerdict(std::string_view name);

// A set of roles as bits, so that a table row can name several.
using RoleSet = uint8_t;
constexpr RoleSet RoleBit(Role role) { return static_cast<RoleSet>(1u << static_cast<int>(role)); }

// What a row needs besides the state and the role; bits.
enum Requirement : uint8_t {
  kNeedsNothing = 0,
  kNeedsVerdict = 1,        // a verdict is set
  kNeedsConfirmed = 2,      // the verdict is a confirmed incident
  kNeedsFalsePositive = 4,  // the verdict is a false positive
  kNeedsComment = 8,        // the action carries a comment (a return says what to change)
  kNotByAuthor = 16,        // not by anyone who wrote or submitted the report
  kNotByVerifier = 32,      // not by whoever verified it
};

struct WorkflowRow {
  CaseState from;
  CaseAction action;
  CaseState to;
  RoleSet roles;
  uint8_t needs;  // Requirement bits
};

// Every allowed move; anything not here is forbidden.
std::span<const WorkflowRow> WorkflowTable();

// One stay in a state: who moved the case into it, with which action, when, and until when.
struct StateEntry {
  CaseState state = CaseState::kTriage;
  std::string actor;
  std::optional<CaseAction> action;  // none for the first entry (the case was opened)
  std::string comment;
  TimeNs entered_at = 0;
  std::optional<TimeNs> left_at;  // none while the case is in it
  // The time standard in force when the state was entered (0: none). Set by the store; the
  // workflow functions leave it 0.
  int64_t standard_minutes = 0;
};

// What the workflow needs to know of a case.
struct CaseSnapshot {
  CaseState state = CaseState::kTriage;
  std::optional<Verdict> verdict;
  std::string verdict_justification;
  std::string verdict_by;
  TimeNs verdict_at = 0;
  // Everyone who set the verdict, took the case into reporting or submitted the report: the
  // report's authors, who may neither verify nor approve it.
  std::vector<std::string> report_authors;
  std::string verified_by;  // of the current verification; cleared by a return
  std::string approved_by;
  std::vector<StateEntry> history;  // oldest first; the last one is the current state
};

struct Actor {
  std::string name;
  Role role = Role::kAnalyst;
};

// The case as it is when a person opens it at `now`: in triage, entered by them.
CaseSnapshot NewCaseSnapshot(const Actor& actor, TimeNs now);

// Applies `action` by `actor` at `now`: the new snapshot (state, history with the old state left
// and the new one entered, authors, verifier, approver), or why not.
Result<CaseSnapshot> ApplyAction(const CaseSnapshot& snapshot, CaseAction action,
                                 const Actor& actor, std::string_view comment, TimeNs now);

// Sets the verdict (SOP steps 5-6): analysts and coordinators, while investigating, assessing or
// reporting, with a justification. The actor becomes one of the report's authors.
Result<CaseSnapshot> SetVerdict(const CaseSnapshot& snapshot, Verdict verdict,
                                std::string_view justification, const Actor& actor, TimeNs now);

// The actions `actor` may take now (for the UI's buttons), in the order of CaseAction.
std::vector<CaseAction> AllowedActions(const CaseSnapshot& snapshot, const Actor& actor);

}  // namespace pantau
