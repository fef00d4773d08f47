#include "cases/sla.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/event.h"
#include "core/time.h"

namespace pantau {
namespace {

constexpr int64_t kNsPerMinute = 60 * kNsPerSecond;

void AppendOptionalTime(std::string& out, const std::optional<TimeNs>& t) {
  if (t) {
    AppendJsonString(out, FormatRfc3339(*t));
  } else {
    out += "null";
  }
}

void AppendMinutes(std::string& out, int64_t minutes) {
  out += minutes > 0 ? std::to_string(minutes) : "null";
}

}  // namespace

int64_t DefaultStandardMinutes(CaseState state) {
  switch (state) {
    case CaseState::kTriage:
      return 180;
    case CaseState::kInvestigating:
      return 24 * 60;
    case CaseState::kAssessing:
      return 2 * 24 * 60;
    case CaseState::kReporting:
      return 24 * 60;
    case CaseState::kSubmitted:
    case CaseState::kVerified:
    case CaseState::kApproved:
      return 5;
    case CaseState::kNotified:
      return 10;
    case CaseState::kClosed:
      return 0;
  }
  return 0;
}

std::optional<TimeNs> DueAt(TimeNs entered_at, int64_t standard_minutes) {
  if (standard_minutes <= 0) return std::nullopt;
  return entered_at + standard_minutes * kNsPerMinute;
}

CaseSla ComputeSla(std::span<const StateEntry> history, TimeNs now, TimeNs reporting_due,
                   TimeNs reported_at) {
  CaseSla sla;
  for (const StateEntry& e : history) {
    StepSla step;
    step.state = e.state;
    step.entered_at = e.entered_at;
    step.left_at = e.left_at;
    step.standard_minutes = e.standard_minutes;
    step.spent = std::max<TimeNs>(0, e.left_at.value_or(now) - e.entered_at);
    const std::optional<TimeNs> due = DueAt(e.entered_at, e.standard_minutes);
    if (due) {
      if (e.left_at) {
        step.on_time = *e.left_at <= *due;
      } else if (now > *due) {
        step.on_time = false;
      }
    }
    sla.steps.push_back(step);
  }
  if (history.empty()) return sla;
  const StateEntry& current = history.back();
  sla.state = current.state;
  sla.standard_minutes = current.standard_minutes;
  sla.spent = sla.steps.back().spent;
  sla.due = DueAt(current.entered_at, current.standard_minutes);
  if (sla.due) {
    sla.left = *sla.due - now;
    sla.overdue = now > *sla.due;
  }
  if (reporting_due > 0) {
    ReportingSla r;
    r.due = reporting_due;
    if (reported_at > 0) {
      r.reported_at = reported_at;
      r.on_time = reported_at <= reporting_due;
    } else {
      r.left = reporting_due - now;
      r.overdue = now > reporting_due;
      if (r.overdue) r.on_time = false;
    }
    sla.overdue = sla.overdue || r.overdue;
    sla.reporting = r;
  }
  return sla;
}

std::string CaseSla::ToJson(bool with_steps) const {
  std::string out = R"({"state":)";
  AppendJsonString(out, CaseStateName(state));
  out += R"(,"standard_minutes":)";
  AppendMinutes(out, standard_minutes);
  out += fmt::format(R"(,"spent_seconds":{},"left_seconds":)", spent / kNsPerSecond);
  out += left ? std::to_string(*left / kNsPerSecond) : "null";
  out += R"(,"due":)";
  AppendOptionalTime(out, due);
  out += fmt::format(R"(,"overdue":{})", overdue ? "true" : "false");
  out += R"(,"reporting":)";
  if (reporting) {
    const ReportingSla& r = *reporting;
    out += fmt::format(R"({{"standard_minutes":{},"due":)", kVitalReportingMinutes);
    AppendJsonString(out, FormatRfc3339(r.due));
    out += R"(,"left_seconds":)";
    out += r.left ? std::to_string(*r.left / kNsPerSecond) : "null";
    out += fmt::format(R"(,"overdue":{},"reported_at":)", r.overdue ? "true" : "false");
    AppendOptionalTime(out, r.reported_at);
    out += fmt::format(R"(,"on_time":{}}})", r.on_time ? (*r.on_time ? "true" : "false") : "null");
  } else {
    out += "null";
  }
  if (with_steps) {
    out += R"(,"steps":[)";
    for (size_t i = 0; i < steps.size(); ++i) {
      const StepSla& s = steps[i];
      if (i > 0) out += ',';
      out += R"({"state":)";
      AppendJsonString(out, CaseStateName(s.state));
      out += R"(,"entered_at":)";
      AppendJsonString(out, FormatRfc3339(s.entered_at));
      out += R"(,"left_at":)";
      AppendOptionalTime(out, s.left_at);
      out += R"(,"standard_minutes":)";
      AppendMinutes(out, s.standard_minutes);
      out += fmt::format(R"(,"spent_seconds":{},"on_time":{}}})", s.spent / kNsPerSecond,
                         s.on_time ? (*s.on_time ? "true" : "false") : "null");
    }
    out += "]";
  }
  return out + "}";
}

}  // namespace pantau
