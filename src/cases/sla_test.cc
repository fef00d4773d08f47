#include "cases/sla.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace pantau {
namespace {

constexpr TimeNs kMinute = 60 * kNsPerSecond;
const TimeNs kT0 = *MakeTime(2026, 3, 1, 8, 0, 0);

StateEntry Entry(CaseState state, TimeNs entered, std::optional<TimeNs> left) {
  StateEntry e;
  e.state = state;
  e.entered_at = entered;
  e.left_at = left;
  e.standard_minutes = DefaultStandardMinutes(state);
  return e;
}

TEST(SlaTest, DefaultsAreTheSops) {
  EXPECT_EQ(DefaultStandardMinutes(CaseState::kTriage), 180);
  EXPECT_EQ(DefaultStandardMinutes(CaseState::kInvestigating), 1440);
  EXPECT_EQ(DefaultStandardMinutes(CaseState::kAssessing), 2880);
  EXPECT_EQ(DefaultStandardMinutes(CaseState::kReporting), 1440);
  EXPECT_EQ(DefaultStandardMinutes(CaseState::kSubmitted), 5);
  EXPECT_EQ(DefaultStandardMinutes(CaseState::kVerified), 5);
  EXPECT_EQ(DefaultStandardMinutes(CaseState::kApproved), 5);
  EXPECT_EQ(DefaultStandardMinutes(CaseState::kNotified), 10);
  EXPECT_EQ(DefaultStandardMinutes(CaseState::kClosed), 0);
}

TEST(SlaTest, TimeSpentAndLeftInTheCurrentStep) {
  ManualClock clock(kT0);
  const std::vector<StateEntry> history = {
      Entry(CaseState::kTriage, kT0, kT0 + 100 * kMinute),  // on time
      Entry(CaseState::kInvestigating, kT0 + 100 * kMinute, std::nullopt)};
  clock.Advance(160 * kMinute);  // 60 minutes into investigating
  CaseSla sla = ComputeSla(history, clock.Now());
  EXPECT_EQ(sla.state, CaseState::kInvestigating);
  EXPECT_EQ(sla.standard_minutes, 1440);
  EXPECT_EQ(sla.spent, 60 * kMinute);
  EXPECT_EQ(sla.due, kT0 + 100 * kMinute + 1440 * kMinute);
  EXPECT_EQ(sla.left, 1380 * kMinute);
  EXPECT_FALSE(sla.overdue);
  ASSERT_EQ(sla.steps.size(), 2u);
  EXPECT_EQ(sla.steps[0].on_time, true);
  EXPECT_EQ(sla.steps[0].spent, 100 * kMinute);
  EXPECT_EQ(sla.steps[1].on_time, std::nullopt);  // still running, not late yet
  EXPECT_EQ(sla.ToJson(true),
            R"({"state":"investigating","standard_minutes":1440,"spent_seconds":3600,)"
            R"("left_seconds":82800,"due":"2026-03-02T09:40:00Z","overdue":false,"reporting":null,)"
            R"("steps":[{"state":"triage","entered_at":"2026-03-01T08:00:00Z",)"
            R"("left_at":"2026-03-01T09:40:00Z","standard_minutes":180,"spent_seconds":6000,)"
            R"("on_time":true},{"state":"investigating","entered_at":"2026-03-01T09:40:00Z",)"
            R"("left_at":null,"standard_minutes":1440,"spent_seconds":3600,"on_time":null}]})");

  // A day and a minute into investigating: overdue, the time left negative.
  clock.Set(kT0 + 100 * kMinute + 1441 * kMinute);
  sla = ComputeSla(history, clock.Now());
  EXPECT_TRUE(sla.overdue);
  EXPECT_EQ(sla.left, -kMinute);
  EXPECT_EQ(sla.steps[1].on_time, false);
}

TEST(SlaTest, EachStepOnTimeOrNot) {
  // Verified took 6 minutes of its 5: late. Exactly on the standard is on time.
  const std::vector<StateEntry> history = {
      Entry(CaseState::kSubmitted, kT0, kT0 + 5 * kMinute),
      Entry(CaseState::kVerified, kT0 + 5 * kMinute, kT0 + 11 * kMinute),
      Entry(CaseState::kClosed, kT0 + 11 * kMinute, std::nullopt)};
  const CaseSla sla = ComputeSla(history, kT0 + 1000 * kMinute);
  EXPECT_EQ(sla.steps[0].on_time, true);
  EXPECT_EQ(sla.steps[1].on_time, false);
  EXPECT_EQ(sla.steps[2].on_time, std::nullopt);  // closed has no standard
  EXPECT_FALSE(sla.overdue);
  EXPECT_FALSE(sla.due.has_value());
  EXPECT_EQ(sla.ToJson(false),
            R"({"state":"closed","standard_minutes":null,"spent_seconds":59340,)"
            R"("left_seconds":null,"due":null,"overdue":false,"reporting":null})");
}

TEST(SlaTest, AStepIsMeasuredByTheStandardItBeganWith) {
  StateEntry e = Entry(CaseState::kTriage, kT0, std::nullopt);
  e.standard_minutes = 30;  // an admin had shortened it
  const CaseSla sla = ComputeSla(std::span(&e, 1), kT0 + 31 * kMinute);
  EXPECT_TRUE(sla.overdue);
  EXPECT_EQ(sla.standard_minutes, 30);
}

// Vital information infrastructure: reported within 24 hours of the opening, beside the steps'
// own standards.
TEST(SlaTest, TheReportingDeadlineOfVitalInfrastructure) {
  const TimeNs due = kT0 + kVitalReportingMinutes * kMinute;
  StateEntry e = Entry(CaseState::kInvestigating, kT0 + 60 * kMinute, std::nullopt);
  e.standard_minutes = 1440;
  CaseSla sla = ComputeSla(std::span(&e, 1), kT0 + 120 * kMinute, due);
  ASSERT_TRUE(sla.reporting.has_value());
  EXPECT_EQ(sla.reporting->left, (kVitalReportingMinutes - 120) * kMinute);
  EXPECT_FALSE(sla.overdue);
  EXPECT_EQ(sla.reporting->on_time, std::nullopt);
  EXPECT_NE(sla.ToJson(false).find(R"("reporting":{"standard_minutes":1440,)"
                                   R"("due":"2026-03-02T08:00:00Z","left_seconds":79200,)"
                                   R"("overdue":false,"reported_at":null,"on_time":null})"),
            std::string::npos)
      << sla.ToJson(false);

  // Past it, the case is late although its step is not.
  sla = ComputeSla(std::span(&e, 1), due + kMinute, due);
  EXPECT_TRUE(sla.overdue);
  EXPECT_TRUE(sla.reporting->overdue);
  EXPECT_EQ(sla.reporting->on_time, false);
  EXPECT_EQ(sla.left, 1440 * kMinute - (due + kMinute - e.entered_at));

  // Reported (notified) in time: the clock stops.
  sla = ComputeSla(std::span(&e, 1), due + kMinute, due, due - kMinute);
  EXPECT_FALSE(sla.overdue);
  EXPECT_EQ(sla.reporting->on_time, true);
  EXPECT_EQ(sla.reporting->left, std::nullopt);
  sla = ComputeSla(std::span(&e, 1), due + 2 * kMinute, due, due + kMinute);
  EXPECT_EQ(sla.reporting->on_time, false);
  EXPECT_FALSE(sla.reporting->overdue);
}

}  // namespace
}  // namespace pantau
