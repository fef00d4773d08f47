#include "cases/workflow.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace pantau {
namespace {

constexpr TimeNs kT0 = 1'790'000'000'000'000'000;
constexpr TimeNs kMinute = 60 * kNsPerSecond;

using S = CaseState;
using A = CaseAction;

constexpr Role kRoles[] = {Role::kAnalyst, Role::kCoordinator, Role::kHead, Role::kAdmin};

// A case in `state` with a verdict, written by "author" and verified by "verifier", so that the
// person acting ("actor") is neither.
CaseSnapshot InState(CaseState state, std::optional<Verdict> verdict = Verdict::kConfirmed) {
  CaseSnapshot c = NewCaseSnapshot({"opener", Role::kAnalyst}, kT0);
  c.state = state;
  c.history.back().state = state;
  c.verdict = verdict;
  if (verdict) c.verdict_justification = "because";
  c.report_authors = {"author"};
  c.verified_by = "verifier";
  return c;
}

Actor As(Role role, std::string name = "actor") { return {std::move(name), role}; }

// Written out by hand from DESIGN.md, independently of the table in workflow.cc: what each role
// may do in each state. Everything else is forbidden.
std::set<A> Expected(S state, std::optional<Verdict> verdict, Role role) {
  const bool worker = role == Role::kAnalyst || role == Role::kCoordinator;
  const bool coordinator = role == Role::kCoordinator;
  const bool head = role == Role::kHead;
  switch (state) {
    case S::kTriage:
      return worker ? std::set<A>{A::kInvestigate} : std::set<A>{};
    case S::kInvestigating:
      return worker ? std::set<A>{A::kAssess} : std::set<A>{};
    case S::kAssessing:
      return worker && verdict ? std::set<A>{A::kReport} : std::set<A>{};
    case S::kReporting:
      return worker && verdict ? std::set<A>{A::kSubmit} : std::set<A>{};
    case S::kSubmitted:
      return coordinator ? std::set<A>{A::kVerify, A::kReturn} : std::set<A>{};
    case S::kVerified:
      if (head) {
        return verdict == Verdict::kConfirmed ? std::set<A>{A::kApprove, A::kReturn}
                                              : std::set<A>{A::kReturn};
      }
      return worker && verdict == Verdict::kFalsePositive ? std::set<A>{A::kClose} : std::set<A>{};
    case S::kApproved:
      return worker && verdict == Verdict::kConfirmed ? std::set<A>{A::kNotify} : std::set<A>{};
    case S::kNotified:
      return worker ? std::set<A>{A::kClose} : std::set<A>{};
    case S::kClosed:
      return {};
  }
  return {};
}

// The actions a role may take in some state (else the answer is 403, never 409).
std::set<A> Ever(Role role) {
  switch (role) {
    case Role::kAnalyst:
      return {A::kInvestigate, A::kAssess, A::kReport, A::kSubmit, A::kNotify, A::kClose};
    case Role::kCoordinator:
      return {A::kInvestigate, A::kAssess, A::kReport, A::kSubmit,
              A::kVerify,      A::kReturn, A::kNotify, A::kClose};
    case Role::kHead:
      return {A::kApprove, A::kReturn};
    case Role::kAdmin:
      return {};
  }
  return {};
}

TEST(WorkflowTest, NamesRoundTrip) {
  for (int i = 0; i < kCaseStateCount; ++i) {
    const auto s = static_cast<CaseState>(i);
    auto parsed = ParseCaseState(CaseStateName(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
  for (int i = 0; i < kCaseActionCount; ++i) {
    const auto a = static_cast<CaseAction>(i);
    auto parsed = ParseCaseAction(CaseActionName(a));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, a);
  }
  EXPECT_EQ(ParseCaseState("open").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCaseAction("reopen").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*ParseVerdict("confirmed"), Verdict::kConfirmed);
  EXPECT_EQ(*ParseVerdict("false_positive"), Verdict::kFalsePositive);
  EXPECT_FALSE(ParseVerdict("false_negative").ok());
}

// Every row of the table, by every role it names: the state moves and the history records who,
// how and when.
TEST(WorkflowTest, EveryRowByEveryRoleItNames) {
  int rows = 0;
  for (const WorkflowRow& row : WorkflowTable()) {
    ++rows;
    std::optional<Verdict> verdict = Verdict::kConfirmed;
    if (row.needs & kNeedsFalsePositive) verdict = Verdict::kFalsePositive;
    for (Role role : kRoles) {
      if ((row.roles & RoleBit(role)) == 0) continue;
      SCOPED_TRACE(std::string(CaseStateName(row.from)) + " --" +
                   std::string(CaseActionName(row.action)) + "--> by " +
                   std::string(RoleName(role)));
      const CaseSnapshot before = InState(row.from, verdict);
      auto after = ApplyAction(before, row.action, As(role), "a comment", kT0 + kMinute);
      ASSERT_TRUE(after.ok()) << after.status().ToString();
      EXPECT_EQ(after->state, row.to);
      ASSERT_EQ(after->history.size(), before.history.size() + 1);
      EXPECT_EQ(after->history[0].left_at, kT0 + kMinute);
      const StateEntry& entered = after->history.back();
      EXPECT_EQ(entered.state, row.to);
      EXPECT_EQ(entered.actor, "actor");
      EXPECT_EQ(entered.action, row.action);
      EXPECT_EQ(entered.comment, "a comment");
      EXPECT_EQ(entered.entered_at, kT0 + kMinute);
      EXPECT_FALSE(entered.left_at.has_value());
    }
  }
  EXPECT_EQ(rows, 11);
}

// Every (state, action, role) for both verdicts: allowed exactly when the hand-written list says
// so; otherwise 403 when the role may never take the action, 409 when not in this state.
TEST(WorkflowTest, EveryForbiddenMoveAnswersWhy) {
  int allowed = 0, denied = 0, wrong_state = 0;
  for (Verdict verdict : {Verdict::kConfirmed, Verdict::kFalsePositive}) {
    for (int s = 0; s < kCaseStateCount; ++s) {
      for (int a = 0; a < kCaseActionCount; ++a) {
        for (Role role : kRoles) {
          const auto state = static_cast<CaseState>(s);
          const auto action = static_cast<CaseAction>(a);
          SCOPED_TRACE(std::string(CaseStateName(state)) + " " +
                       std::string(CaseActionName(action)) + " by " + std::string(RoleName(role)) +
                       " verdict " + std::string(VerdictName(verdict)));
          auto out = ApplyAction(InState(state, verdict), action, As(role), "a comment", kT0);
          if (Expected(state, verdict, role).count(action)) {
            EXPECT_TRUE(out.ok()) << out.status().ToString();
            ++allowed;
          } else if (!Ever(role).count(action)) {
            EXPECT_EQ(out.status().code(), StatusCode::kPermissionDenied);
            EXPECT_NE(out.status().message().find("may never"), std::string::npos);
            ++denied;
          } else {
            EXPECT_EQ(out.status().code(), StatusCode::kFailedPrecondition);
            EXPECT_FALSE(out.status().message().empty());
            ++wrong_state;
          }
        }
      }
    }
  }
  EXPECT_EQ(allowed + denied + wrong_state, 2 * 9 * 9 * 4);
  EXPECT_GT(allowed, 0);
}

TEST(WorkflowTest, ReportAndSubmitNeedAVerdict) {
  auto out =
      ApplyAction(InState(S::kAssessing, std::nullopt), A::kReport, As(Role::kAnalyst), "", kT0);
  EXPECT_EQ(out.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(out.status().message(),
            "report needs a verdict: set it first (false_positive or confirmed)");
  out = ApplyAction(InState(S::kReporting, std::nullopt), A::kSubmit, As(Role::kAnalyst), "", kT0);
  EXPECT_EQ(out.status().code(), StatusCode::kFailedPrecondition);
}

TEST(WorkflowTest, AuthorsMayNeitherVerifyNorApprove) {
  // A coordinator who submitted the report (coordinators may do the analysts' steps).
  auto submitted =
      ApplyAction(InState(S::kReporting), A::kSubmit, As(Role::kCoordinator, "siti"), "", kT0);
  ASSERT_TRUE(submitted.ok());
  EXPECT_EQ(submitted->report_authors, (std::vector<std::string>{"author", "siti"}));
  auto self = ApplyAction(*submitted, A::kVerify, As(Role::kCoordinator, "siti"), "", kT0);
  EXPECT_EQ(self.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(self.status().message(),
            "'siti' wrote or submitted this report and may not verify it (separation of duties): "
            "another coordinator must");
  // Another coordinator verifies.
  auto verified = ApplyAction(*submitted, A::kVerify, As(Role::kCoordinator, "rina"), "", kT0);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->verified_by, "rina");

  // An author who has since become a head may not approve; nor may the verifier, whatever role.
  auto by_author = ApplyAction(*verified, A::kApprove, As(Role::kHead, "author"), "", kT0);
  EXPECT_EQ(by_author.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(by_author.status().message().find("separation of duties"), std::string::npos);
  auto by_verifier = ApplyAction(*verified, A::kApprove, As(Role::kHead, "rina"), "", kT0);
  EXPECT_EQ(by_verifier.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(by_verifier.status().message(),
            "'rina' verified this report and may not also approve it (separation of duties): "
            "another head must");
  auto approved = ApplyAction(*verified, A::kApprove, As(Role::kHead, "kadis"), "", kT0);
  ASSERT_TRUE(approved.ok());
  EXPECT_EQ(approved->approved_by, "kadis");

  // The one who set the verdict is an author too.
  auto judged = SetVerdict(InState(S::kAssessing), Verdict::kConfirmed, "defaced page found",
                           As(Role::kCoordinator, "joko"), kT0);
  ASSERT_TRUE(judged.ok());
  auto reported = ApplyAction(*judged, A::kReport, As(Role::kAnalyst, "budi"), "", kT0);
  ASSERT_TRUE(reported.ok());
  auto sent = ApplyAction(*reported, A::kSubmit, As(Role::kAnalyst, "budi"), "", kT0);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(ApplyAction(*sent, A::kVerify, As(Role::kCoordinator, "joko"), "", kT0).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(WorkflowTest, ReturnNeedsACommentAndClearsTheSignatures) {
  auto bare = ApplyAction(InState(S::kSubmitted), A::kReturn, As(Role::kCoordinator), " \n", kT0);
  EXPECT_EQ(bare.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bare.status().message(),
            "comment: say what must change in the report when you return it");
  auto back = ApplyAction(InState(S::kVerified), A::kReturn, As(Role::kHead, "kadis"),
                          "the timeline lacks the first access", kT0 + kMinute);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->state, S::kReporting);
  EXPECT_EQ(back->verified_by, "");
  EXPECT_EQ(back->history.back().comment, "the timeline lacks the first access");
  EXPECT_EQ(back->report_authors, (std::vector<std::string>{"author"}));
  // In 'verified' only a head returns; a coordinator's return is for 'submitted'.
  auto coordinator =
      ApplyAction(InState(S::kVerified), A::kReturn, As(Role::kCoordinator), "again", kT0);
  EXPECT_EQ(coordinator.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(coordinator.status().message(),
            "the case is in state 'verified': now only head may return it");
  std::string long_comment(4001, 'x');
  EXPECT_EQ(
      ApplyAction(InState(S::kSubmitted), A::kReturn, As(Role::kCoordinator), long_comment, kT0)
          .status()
          .code(),
      StatusCode::kInvalidArgument);
}

TEST(WorkflowTest, VerdictDecidesTheEnd) {
  auto approve_fp = ApplyAction(InState(S::kVerified, Verdict::kFalsePositive), A::kApprove,
                                As(Role::kHead), "", kT0);
  EXPECT_EQ(approve_fp.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(approve_fp.status().message(),
            "approve is only for a confirmed incident; a false positive closes after "
            "verification, without approval or letter (close)");
  auto close_confirmed = ApplyAction(InState(S::kVerified, Verdict::kConfirmed), A::kClose,
                                     As(Role::kAnalyst), "", kT0);
  EXPECT_EQ(close_confirmed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(close_confirmed.status().message(),
            "a confirmed incident cannot close yet: the head approves it and the PSE is notified "
            "first (approve, then notify)");
  auto wrong_state = ApplyAction(InState(S::kTriage), A::kVerify, As(Role::kCoordinator), "", kT0);
  EXPECT_EQ(wrong_state.status().message(),
            "the case is in state 'triage': verify is only possible from submitted");
  auto never = ApplyAction(InState(S::kSubmitted), A::kVerify, As(Role::kAnalyst), "", kT0);
  EXPECT_EQ(never.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(never.status().message(),
            "the role 'analyst' may never verify a case: coordinator may");
  auto admin = ApplyAction(InState(S::kTriage), A::kInvestigate, As(Role::kAdmin), "", kT0);
  EXPECT_EQ(admin.status().message(),
            "the role 'admin' may never investigate a case: analyst, coordinator may");
}

TEST(WorkflowTest, SetVerdictByWhomAndWhen) {
  auto v = SetVerdict(InState(S::kInvestigating, std::nullopt), Verdict::kFalsePositive,
                      "scanner of our own VA team", As(Role::kAnalyst, "budi"), kT0 + kMinute);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->verdict, Verdict::kFalsePositive);
  EXPECT_EQ(v->verdict_by, "budi");
  EXPECT_EQ(v->verdict_at, kT0 + kMinute);
  EXPECT_EQ(v->verdict_justification, "scanner of our own VA team");
  EXPECT_EQ(v->report_authors, (std::vector<std::string>{"author", "budi"}));

  EXPECT_EQ(SetVerdict(InState(S::kAssessing), Verdict::kConfirmed, "x", As(Role::kHead), kT0)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(SetVerdict(InState(S::kAssessing), Verdict::kConfirmed, "x", As(Role::kAdmin), kT0)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  for (S s : {S::kTriage, S::kSubmitted, S::kVerified, S::kApproved, S::kNotified, S::kClosed}) {
    auto out = SetVerdict(InState(s), Verdict::kConfirmed, "x", As(Role::kAnalyst), kT0);
    EXPECT_EQ(out.status().code(), StatusCode::kFailedPrecondition) << CaseStateName(s);
  }
  for (S s : {S::kInvestigating, S::kAssessing, S::kReporting}) {
    EXPECT_TRUE(SetVerdict(InState(s), Verdict::kConfirmed, "x", As(Role::kAnalyst), kT0).ok());
  }
  EXPECT_EQ(SetVerdict(InState(S::kAssessing), Verdict::kConfirmed, "  ", As(Role::kAnalyst), kT0)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(WorkflowTest, AllowedActionsAreTheButtons) {
  EXPECT_EQ(AllowedActions(InState(S::kSubmitted), As(Role::kCoordinator)),
            (std::vector<A>{A::kVerify, A::kReturn}));
  EXPECT_EQ(AllowedActions(InState(S::kSubmitted), As(Role::kCoordinator, "author")),
            (std::vector<A>{A::kReturn}));
  EXPECT_EQ(AllowedActions(InState(S::kVerified), As(Role::kHead)),
            (std::vector<A>{A::kReturn, A::kApprove}));
  EXPECT_TRUE(AllowedActions(InState(S::kSubmitted), As(Role::kAnalyst)).empty());
  EXPECT_TRUE(AllowedActions(InState(S::kClosed), As(Role::kCoordinator)).empty());
}

// The two ends of the SOP, one move at a time, each state recording who and when.
TEST(WorkflowTest, BothVerdictPathsFromTriageToClosed) {
  struct Step {
    A action;
    Actor actor;
    S to;
  };
  const Actor budi{"budi", Role::kAnalyst}, siti{"siti", Role::kCoordinator},
      kadis{"kadis", Role::kHead};
  const std::map<Verdict, std::vector<Step>> paths = {
      {Verdict::kConfirmed,
       {{A::kInvestigate, budi, S::kInvestigating},
        {A::kAssess, budi, S::kAssessing},
        {A::kReport, budi, S::kReporting},
        {A::kSubmit, budi, S::kSubmitted},
        {A::kVerify, siti, S::kVerified},
        {A::kApprove, kadis, S::kApproved},
        {A::kNotify, budi, S::kNotified},
        {A::kClose, budi, S::kClosed}}},
      {Verdict::kFalsePositive,
       {{A::kInvestigate, budi, S::kInvestigating},
        {A::kAssess, budi, S::kAssessing},
        {A::kReport, budi, S::kReporting},
        {A::kSubmit, budi, S::kSubmitted},
        {A::kVerify, siti, S::kVerified},
        {A::kClose, siti, S::kClosed}}},
  };
  for (const auto& [verdict, steps] : paths) {
    CaseSnapshot c = NewCaseSnapshot(budi, kT0);
    TimeNs t = kT0;
    for (const Step& step : steps) {
      if (step.action == A::kReport) {
        auto judged = SetVerdict(c, verdict, "PoC collected", budi, t);
        ASSERT_TRUE(judged.ok()) << judged.status().ToString();
        c = std::move(*judged);
      }
      t += kMinute;
      auto next = ApplyAction(c, step.action, step.actor, "", t);
      ASSERT_TRUE(next.ok()) << CaseActionName(step.action) << ": " << next.status().ToString();
      c = std::move(*next);
      EXPECT_EQ(c.state, step.to);
    }
    ASSERT_EQ(c.history.size(), steps.size() + 1);
    for (size_t i = 0; i + 1 < c.history.size(); ++i) {
      EXPECT_EQ(c.history[i].left_at, c.history[i + 1].entered_at);
    }
    EXPECT_EQ(c.history.back().state, S::kClosed);
    EXPECT_TRUE(AllowedActions(c, budi).empty());
  }
}

}  // namespace
}  // namespace pantau
