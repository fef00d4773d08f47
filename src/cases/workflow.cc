#include "cases/workflow.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace pantau {
namespace {

constexpr std::array<std::string_view, kCaseStateCount> kStateNames = {
    "triage",   "investigating", "assessing", "reporting", "submitted",
    "verified", "approved",      "notified",  "closed"};
constexpr std::array<std::string_view, kCaseActionCount> kActionNames = {
    "investigate", "assess", "report", "submit", "verify", "return", "approve", "notify", "close"};

constexpr RoleSet kWorkers = RoleBit(Role::kAnalyst) | RoleBit(Role::kCoordinator);
constexpr RoleSet kCoordinators = RoleBit(Role::kCoordinator);
constexpr RoleSet kHeads = RoleBit(Role::kHead);

using S = CaseState;
using A = CaseAction;

// DESIGN.md "Case workflow". The analysts' steps are open to coordinators too, as triage of
// alerts is; verification is the coordinator's, approval the head's; a return goes back to
// reporting from whoever was to sign next. A false positive closes after verification; a
// confirmed incident needs the head's approval and the letter to the PSE first.
constexpr WorkflowRow kTable[] = {
    {S::kTriage, A::kInvestigate, S::kInvestigating, kWorkers, kNeedsNothing},
    {S::kInvestigating, A::kAssess, S::kAssessing, kWorkers, kNeedsNothing},
    {S::kAssessing, A::kReport, S::kReporting, kWorkers, kNeedsVerdict},
    {S::kReporting, A::kSubmit, S::kSubmitted, kWorkers, kNeedsVerdict},
    {S::kSubmitted, A::kVerify, S::kVerified, kCoordinators, kNotByAuthor},
    {S::kSubmitted, A::kReturn, S::kReporting, kCoordinators, kNeedsComment},
    {S::kVerified, A::kApprove, S::kApproved, kHeads,
     kNeedsConfirmed | kNotByAuthor | kNotByVerifier},
    {S::kVerified, A::kReturn, S::kReporting, kHeads, kNeedsComment},
    {S::kVerified, A::kClose, S::kClosed, kWorkers, kNeedsFalsePositive},
    {S::kApproved, A::kNotify, S::kNotified, kWorkers, kNeedsConfirmed},
    {S::kNotified, A::kClose, S::kClosed, kWorkers, kNeedsNothing},
};

// The verdict is decided by the work of steps 4 and 5 and written down in step 6.
constexpr CaseState kVerdictStates[] = {S::kInvestigating, S::kAssessing, S::kReporting};
constexpr RoleSet kVerdictRoles = kWorkers;

constexpr size_t kMaxComment = 4000;
constexpr size_t kMaxJustification = 20000;

std::string RolesText(RoleSet roles) {
  std::string out;
  for (Role r : {Role::kAnalyst, Role::kCoordinator, Role::kHead, Role::kAdmin}) {
    if ((roles & RoleBit(r)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += RoleName(r);
  }
  return out;
}

bool Blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

void AddAuthor(CaseSnapshot& c, const std::string& name) {
  if (std::find(c.report_authors.begin(), c.report_authors.end(), name) == c.report_authors.end()) {
    c.report_authors.push_back(name);
  }
}

Status CheckNeeds(const CaseSnapshot& c, const WorkflowRow& row, const Actor& actor,
                  std::string_view comment) {
  const std::string_view action = CaseActionName(row.action);
  if ((row.needs & kNeedsVerdict) && !c.verdict) {
    return FailedPrecondition(
        fmt::format("{} needs a verdict: set it first (false_positive or confirmed)", action));
  }
  if ((row.needs & kNeedsConfirmed) && c.verdict != Verdict::kConfirmed) {
    return FailedPrecondition(fmt::format(
        "{} is only for a confirmed incident; a false positive closes after verification, "
        "without approval or letter (close)",
        action));
  }
  if ((row.needs & kNeedsFalsePositive) && c.verdict != Verdict::kFalsePositive) {
    return FailedPrecondition(fmt::format(
        "a confirmed incident cannot {} yet: the head approves it and the PSE is notified first "
        "(approve, then notify)",
        action));
  }
  if ((row.needs & kNotByAuthor) && std::find(c.report_authors.begin(), c.report_authors.end(),
                                              actor.name) != c.report_authors.end()) {
    return FailedPrecondition(fmt::format(
        "'{}' wrote or submitted this report and may not {} it (separation of duties): another "
        "{} must",
        actor.name, action, RolesText(row.roles)));
  }
  if ((row.needs & kNotByVerifier) && c.verified_by == actor.name) {
    return FailedPrecondition(fmt::format(
        "'{}' verified this report and may not also {} it (separation of duties): another {} "
        "must",
        actor.name, action, RolesText(row.roles)));
  }
  if ((row.needs & kNeedsComment) && Blank(comment)) {
    return InvalidArgument(
        fmt::format("comment: say what must change in the report when you {} it", action));
  }
  return Status::Ok();
}

}  // namespace

std::string_view CaseStateName(CaseState state) { return kStateNames[static_cast<int>(state)]; }

Result<CaseState> ParseCaseState(std::string_view name) {
  for (size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == name) return static_cast<CaseState>(i);
  }
  return InvalidArgument(fmt::format(
      "state: '{}' is not one of triage, investigating, assessing, reporting, submitted, "
      "verified, approved, notified, closed",
      name));
}

std::string_view CaseActionName(CaseAction action) {
  return kActionNames[static_cast<int>(action)];
}

Result<CaseAction> ParseCaseAction(std::string_view name) {
  for (size_t i = 0; i < kActionNames.size(); ++i) {
    if (kActionNames[i] == name) return static_cast<CaseAction>(i);
  }
  return NotFound(fmt::format(
      "no case action '{}': one of investigate, assess, report, submit, verify, return, approve, "
      "notify, close",
      name));
}

std::string_view VerdictName(Verdict verdict) {
  return verdict == Verdict::kConfirmed ? "confirmed" : "false_positive";
}

Result<Verdict> ParseVerdict(std::string_view name) {
  if (name == "false_positive") return Verdict::kFalsePositive;
  if (name == "confirmed") return Verdict::kConfirmed;
  return InvalidArgument(
      fmt::format("verdict: '{}' is not one of false_positive, confirmed", name));
}

std::span<const WorkflowRow> WorkflowTable() { return kTable; }

CaseSnapshot NewCaseSnapshot(const Actor& actor, TimeNs now) {
  CaseSnapshot c;
  c.state = CaseState::kTriage;
  c.history.push_back({CaseState::kTriage, actor.name, std::nullopt, {}, now, std::nullopt, 0});
  return c;
}

Result<CaseSnapshot> ApplyAction(const CaseSnapshot& snapshot, CaseAction action,
                                 const Actor& actor, std::string_view comment, TimeNs now) {
  const std::string_view name = CaseActionName(action);
  const RoleSet me = RoleBit(actor.role);
  RoleSet ever = 0;
  std::string from_states;
  const WorkflowRow* row = nullptr;
  for (const WorkflowRow& r : kTable) {
    if (r.action != action) continue;
    ever |= r.roles;
    if (!from_states.empty()) from_states += " or ";
    from_states += CaseStateName(r.from);
    if (r.from == snapshot.state) row = &r;
  }
  if ((ever & me) == 0) {
    return PermissionDenied(fmt::format("the role '{}' may never {} a case: {} may",
                                        RoleName(actor.role), name, RolesText(ever)));
  }
  if (row == nullptr) {
    return FailedPrecondition(fmt::format("the case is in state '{}': {} is only possible from {}",
                                          CaseStateName(snapshot.state), name, from_states));
  }
  if ((row->roles & me) == 0) {
    return FailedPrecondition(fmt::format("the case is in state '{}': now only {} may {} it",
                                          CaseStateName(snapshot.state), RolesText(row->roles),
                                          name));
  }
  RETURN_IF_ERROR(CheckNeeds(snapshot, *row, actor, comment));
  if (comment.size() > kMaxComment) {
    return InvalidArgument(fmt::format("comment: at most {} characters", kMaxComment));
  }

  CaseSnapshot next = snapshot;
  next.state = row->to;
  if (!next.history.empty()) next.history.back().left_at = now;
  next.history.push_back({row->to, actor.name, action, std::string(comment), now, std::nullopt, 0});
  switch (action) {
    case CaseAction::kReport:
    case CaseAction::kSubmit:
      AddAuthor(next, actor.name);
      break;
    case CaseAction::kVerify:
      next.verified_by = actor.name;
      break;
    case CaseAction::kApprove:
      next.approved_by = actor.name;
      break;
    case CaseAction::kReturn:
      next.verified_by.clear();
      next.approved_by.clear();
      break;
    default:
      break;
  }
  return next;
}

Result<CaseSnapshot> SetVerdict(const CaseSnapshot& snapshot, Verdict verdict,
                                std::string_view justification, const Actor& actor, TimeNs now) {
  if ((kVerdictRoles & RoleBit(actor.role)) == 0) {
    return PermissionDenied(fmt::format("the role '{}' may never set a verdict: {} may",
                                        RoleName(actor.role), RolesText(kVerdictRoles)));
  }
  if (std::find(std::begin(kVerdictStates), std::end(kVerdictStates), snapshot.state) ==
      std::end(kVerdictStates)) {
    return FailedPrecondition(fmt::format(
        "the case is in state '{}': the verdict is set while investigating, assessing or "
        "reporting",
        CaseStateName(snapshot.state)));
  }
  if (Blank(justification)) {
    return InvalidArgument("justification: say what the verdict rests on");
  }
  if (justification.size() > kMaxJustification) {
    return InvalidArgument(fmt::format("justification: at most {} characters", kMaxJustification));
  }
  CaseSnapshot next = snapshot;
  next.verdict = verdict;
  next.verdict_justification = std::string(justification);
  next.verdict_by = actor.name;
  next.verdict_at = now;
  AddAuthor(next, actor.name);
  return next;
}

std::vector<CaseAction> AllowedActions(const CaseSnapshot& snapshot, const Actor& actor) {
  std::vector<CaseAction> out;
  const TimeNs at = snapshot.history.empty() ? 0 : snapshot.history.back().entered_at;
  for (int i = 0; i < kCaseActionCount; ++i) {
    const auto action = static_cast<CaseAction>(i);
    if (ApplyAction(snapshot, action, actor, "-", at).ok()) out.push_back(action);
  }
  return out;
}

}  // namespace pantau
