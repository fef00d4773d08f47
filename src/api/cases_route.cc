#include "api/cases_route.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "api/assessments_route.h"
#include "api/list_json.h"
#include "api/request_input.h"
#include "cases/text.h"
#include "core/time.h"
#include "docs/case_documents.h"
#include "notify/notify_service.h"
#include "query/time_argument.h"

namespace pantau {
namespace {

constexpr size_t kDefaultLimit = 50;
constexpr size_t kMaxLimit = 500;

Result<CaseFields> ParseFields(std::string_view body) {
  ASSIGN_OR_RETURN(nlohmann::json j, ParseObject(body, false));
  CaseFields f;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    auto text = [&](std::optional<std::string>& out) -> Status {
      ASSIGN_OR_RETURN(out, TextMember(key, value, /*nullable=*/key == "assignee"));
      return Status::Ok();
    };
    auto list = [&](std::optional<std::vector<std::string>>& out) -> Status {
      ASSIGN_OR_RETURN(out, StringList(key, value));
      return Status::Ok();
    };
    if (key == "title") {
      RETURN_IF_ERROR(text(f.title));
    } else if (key == "description") {
      RETURN_IF_ERROR(text(f.description));
    } else if (key == "source") {
      RETURN_IF_ERROR(text(f.source));
    } else if (key == "incident_type") {
      RETURN_IF_ERROR(text(f.incident_type));
    } else if (key == "risk_level") {
      RETURN_IF_ERROR(text(f.risk_level));
    } else if (key == "classification") {
      RETURN_IF_ERROR(text(f.classification));
    } else if (key == "assignee") {
      RETURN_IF_ERROR(text(f.assignee));
    } else if (key == "tags") {
      RETURN_IF_ERROR(list(f.tags));
    } else if (key == "techniques") {
      RETURN_IF_ERROR(list(f.techniques));
    } else if (key == "system_ids") {
      RETURN_IF_ERROR(list(f.system_ids));
    } else if (key == "alert_ids") {
      RETURN_IF_ERROR(list(f.alert_ids));
    } else if (key == "event_ids") {
      RETURN_IF_ERROR(list(f.event_ids));
    } else if (key == "observables") {
      if (!value.is_array()) {
        return InvalidArgument("observables: expected a list of {\"type\", \"value\"}");
      }
      std::vector<Observable> out;
      for (const auto& o : value) {
        if (!o.is_object() || !o.contains("type") || !o["type"].is_string() ||
            !o.contains("value") || !o["value"].is_string() || o.size() != 2) {
          return InvalidArgument("observables: expected a list of {\"type\", \"value\"}");
        }
        out.push_back({o["type"].get<std::string>(), o["value"].get<std::string>()});
      }
      f.observables = std::move(out);
    } else {
      return InvalidArgument("body: unknown key '" + key + "'");
    }
  }
  return f;
}

// Events newly linked must be in the event store (the case store only checks their form);
// those linked before may since have gone with their day (retention).
Status CheckNewEvents(const CaseFields& f, const std::vector<std::string>& linked,
                      const ApiContext& ctx) {
  if (!f.event_ids) return Status::Ok();
  // The form of every field first, so that a bad id is named as such.
  RETURN_IF_ERROR(NormaliseCaseFields(f).status());
  for (const std::string& id : *f.event_ids) {
    if (std::find(linked.begin(), linked.end(), id) != linked.end()) continue;
    if (auto e = ctx.store.Get(id); !e.ok()) {
      const StatusCode code = e.status().code();
      if (code == StatusCode::kNotFound || code == StatusCode::kInvalidArgument) {
        return InvalidArgument("event_ids: no event '" + id + "'");
      }
      return e.status();
    }
  }
  return Status::Ok();
}

// The case in full, with the actions the caller may take now.
std::string DetailJson(const Case& c, const Actor& actor, const ApiContext& ctx) {
  std::string out = c.ToJson(ctx.clock.Now(), true);
  out.pop_back();
  out += R"(,"actions":[)";
  const std::vector<CaseAction> actions = AllowedActions(c.workflow, actor);
  for (size_t i = 0; i < actions.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, CaseActionName(actions[i]));
  }
  return out + "]}";
}

}  // namespace

Result<std::string> HandleCasesList(const CasesRequest& r, const ApiContext& ctx) {
  CaseQuery q;
  q.states = CommaList(r.state);
  q.assignee = r.assignee;
  q.cursor = r.cursor;
  if (r.overdue == "true") {
    q.overdue = true;
  } else if (r.overdue == "false") {
    q.overdue = false;
  } else if (!r.overdue.empty()) {
    return InvalidArgument("overdue: true or false");
  }
  q.limit = kDefaultLimit;
  if (!r.limit.empty()) {
    size_t n = 0;
    const auto [end, ec] = std::from_chars(r.limit.data(), r.limit.data() + r.limit.size(), n);
    if (ec != std::errc() || end != r.limit.data() + r.limit.size() || n < 1 || n > kMaxLimit) {
      return InvalidArgument("limit: a whole number from 1 to " + std::to_string(kMaxLimit));
    }
    q.limit = n;
  }
  ASSIGN_OR_RETURN(CasePage page, ctx.cases.List(q));
  const TimeNs now = ctx.clock.Now();
  std::string out = R"({"items":[)";
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) out += ',';
    out += page.items[i].ToJson(now, false);
  }
  out += R"(],"next_cursor":)";
  if (page.next_cursor.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, page.next_cursor);
  }
  return out + R"(,"total":)" + std::to_string(page.total) + "}";
}

Result<std::string> HandleCaseCreate(const Caller& caller, std::string_view body,
                                     const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(CaseFields fields, ParseFields(body));
  RETURN_IF_ERROR(CheckNewEvents(fields, {}, ctx));
  ASSIGN_OR_RETURN(Case c, ctx.cases.Create(fields, actor));
  return DetailJson(c, actor, ctx);
}

Result<std::string> HandleCaseGet(const Caller& caller, std::string_view id,
                                  const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(Case c, ctx.cases.Get(id));
  return DetailJson(c, actor, ctx);
}

Result<std::string> HandleCasePatch(const Caller& caller, std::string_view id,
                                    std::string_view body, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(CaseFields fields, ParseFields(body));
  if (fields.event_ids) {
    ASSIGN_OR_RETURN(const Case before, ctx.cases.Get(id));
    RETURN_IF_ERROR(CheckNewEvents(fields, before.event_ids, ctx));
  }
  ASSIGN_OR_RETURN(Case c, ctx.cases.Update(id, fields, actor));
  return DetailJson(c, actor, ctx);
}

namespace {

// An override of the suggested verdict says why in at least this many characters: more than
// "no" or "salah".
constexpr size_t kMinOverrideJustification = 20;

// The suggestion the person saw, checked against the one the case's alerts and findings give now
// (a stale one is refused: the findings changed since), and an override justified: what the
// audit entry records.
Result<VerdictAdvice> CheckVerdictAgainstSuggestion(std::string_view id, std::string_view verdict,
                                                    std::string_view justification,
                                                    std::string_view suggestion,
                                                    const ApiContext& ctx) {
  if (!IsSuggestion(suggestion)) {
    return InvalidArgument(
        "suggestion: likely_real, likely_false_positive or unknown, as "
        "GET /cases/{id}/verdict-suggestion gave it");
  }
  ASSIGN_OR_RETURN(const VerdictSuggestion now, CaseVerdictSuggestion(id, ctx));
  if (now.suggestion != suggestion) {
    return FailedPrecondition(fmt::format(
        "suggestion: the case's findings now suggest {}, not {}: look at the suggestion again "
        "before setting the verdict",
        now.suggestion, suggestion));
  }
  VerdictAdvice advice;
  advice.suggestion = std::string(suggestion);
  const std::string_view suggested = VerdictOfSuggestion(suggestion);
  if (!suggested.empty()) advice.followed = suggested == verdict;
  if (advice.followed == false && TrimmedText(justification).size() < kMinOverrideJustification) {
    return InvalidArgument(fmt::format(
        "justification: the verdict {} differs from the suggestion ({}, that is {}): say why "
        "you override it, in at least {} characters",
        verdict, suggestion, suggested, kMinOverrideJustification));
  }
  return advice;
}

}  // namespace

Result<std::string> HandleCaseVerdict(const Caller& caller, std::string_view id,
                                      std::string_view body, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(nlohmann::json j, ParseObject(body, false));
  std::string verdict, justification, suggestion;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (key != "verdict" && key != "justification" && key != "suggestion") {
      return InvalidArgument("body: unknown key '" + key + "'");
    }
    if (!item.value().is_string()) return InvalidArgument(key + ": expected a string");
    (key == "verdict"         ? verdict
     : key == "justification" ? justification
                              : suggestion) = item.value().get<std::string>();
  }
  if (verdict.empty()) {
    return InvalidArgument("verdict: false_positive or confirmed (the SOP's FALSE NEGATIVE)");
  }
  ASSIGN_OR_RETURN(Verdict v, ParseVerdict(verdict));
  VerdictAdvice advice;
  if (!suggestion.empty()) {
    ASSIGN_OR_RETURN(advice,
                     CheckVerdictAgainstSuggestion(id, verdict, justification, suggestion, ctx));
  }
  ASSIGN_OR_RETURN(Case c, ctx.cases.SetVerdict(id, v, justification, actor, advice));
  return DetailJson(c, actor, ctx);
}

Result<std::string> HandleCaseAction(const Caller& caller, std::string_view id,
                                     std::string_view action, std::string_view body,
                                     const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(CaseAction a, ParseCaseAction(action));
  ASSIGN_OR_RETURN(nlohmann::json j, ParseObject(body, true));
  std::string comment;
  for (const auto& item : j.items()) {
    if (item.key() != "comment") return InvalidArgument("body: unknown key '" + item.key() + "'");
    if (!item.value().is_string()) return InvalidArgument("comment: expected a string");
    comment = item.value().get<std::string>();
  }
  // The step's documents are made inside the same transaction (docs/case_documents.h).
  ASSIGN_OR_RETURN(CaseStore::ActHook documents, ctx.documents.Prepare(id, a, actor));
  // Notifying sends the signed letter by e-mail when e-mail is set up: the message is made
  // first, so that a letter that cannot go (no address) leaves the case as it is.
  std::optional<MailMessage> letter;
  if (a == CaseAction::kNotify && ctx.notify.smtp) {
    ASSIGN_OR_RETURN(letter, ctx.documents.LetterMail(id));
  }
  ASSIGN_OR_RETURN(Case c, ctx.cases.Act(id, a, comment, actor, documents));
  const int64_t case_n = std::stoll(c.id);
  if (a == CaseAction::kSubmit) {
    if (Status s = ctx.documents.RecordAttachedEvidence(c.id, actor); !s.ok()) {
      spdlog::error("custody of the evidence of {}: {}", c.number, s.message());
    }
  }
  if (letter) {
    auto sent = ctx.notify.dispatcher->EnqueueMail(case_n, *letter, actor.name);
    if (!sent.ok()) {
      return Internal("the case is notified, but its letter could not be queued for sending: " +
                      sent.status().message());
    }
  }
  Notification n{std::string(CaseActionName(a)),
                 c.number,
                 std::string(CaseStateName(c.workflow.state)),
                 c.title,
                 ctx.documents.CaseUrl(c.number),
                 {{"actor", actor.name}}};
  if (auto hooks = ctx.notify.dispatcher->EnqueueWebhooks(case_n, n, actor.name); !hooks.ok()) {
    spdlog::error("webhooks for {} {}: {}", c.number, n.event, hooks.status().message());
  }
  return DetailJson(c, actor, ctx);
}

Result<std::string> HandleCaseHistory(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(std::vector<AuditEntry> entries, ctx.cases.History(id));
  return WholeListJson(entries);
}

Result<std::string> HandleSlaGet(const ApiContext& ctx) {
  ASSIGN_OR_RETURN(std::vector<TimeStandard> standards, ctx.cases.TimeStandards());
  return TimeStandardsJson(standards);
}

Result<std::string> HandleSlaCompliance(std::string_view from, std::string_view to,
                                        const ApiContext& ctx) {
  const TimeNs now = ctx.clock.Now();
  TimeNs start = now - 30 * kNsPerDay;
  TimeNs end = now;
  if (!from.empty()) {
    ASSIGN_OR_RETURN(start, query::ParseTimeArgument(from, now, "from"));
  }
  if (!to.empty()) {
    ASSIGN_OR_RETURN(end, query::ParseTimeArgument(to, now, "to"));
  }
  if (start >= end) return InvalidArgument("from: must be before to");
  ASSIGN_OR_RETURN(std::vector<StepCompliance> steps, ctx.cases.Compliance(start, end));
  std::string out = R"({"from":)";
  AppendJsonString(out, FormatRfc3339(start));
  out += R"(,"to":)";
  AppendJsonString(out, FormatRfc3339(end));
  out += R"(,"items":[)";
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepCompliance& c = steps[i];
    if (i > 0) out += ',';
    out += R"({"state":)";
    AppendJsonString(out, CaseStateName(c.state));
    out += fmt::format(
        R"(,"steps":{},"on_time":{},"share_on_time":{},"median_seconds":{},)"
        R"("open_overdue":{}}})",
        c.steps, c.on_time,
        c.steps == 0
            ? "null"
            : fmt::format("{:.4f}", static_cast<double>(c.on_time) / static_cast<double>(c.steps)),
        c.steps == 0 ? "null" : std::to_string(c.median_spent / kNsPerSecond), c.open_overdue);
  }
  return out + "]}";
}

Result<std::string> HandleSlaPut(const Caller& caller, std::string_view body,
                                 const ApiContext& ctx) {
  ASSIGN_OR_RETURN(nlohmann::json j, ParseObject(body, false));
  std::vector<std::pair<CaseState, int64_t>> minutes;
  for (const auto& item : j.items()) {
    auto state = ParseCaseState(item.key());
    if (!state.ok()) return InvalidArgument("body: " + state.status().message());
    if (!item.value().is_number_integer()) {
      return InvalidArgument(item.key() + ": expected whole minutes");
    }
    minutes.emplace_back(*state, item.value().get<int64_t>());
  }
  ASSIGN_OR_RETURN(std::vector<TimeStandard> standards,
                   ctx.cases.SetTimeStandards(minutes, caller.name));
  return TimeStandardsJson(standards);
}

Result<Actor> ActorOf(const Caller& caller) {
  if (!caller.person || !caller.role) {
    return PermissionDenied("cases are worked by people: log in (API keys may not)");
  }
  return Actor{caller.name, *caller.role};
}

}  // namespace pantau
