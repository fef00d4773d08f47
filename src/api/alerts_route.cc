#include "api/alerts_route.h"

#include <nlohmann/json.hpp>

#include "api/request_input.h"
#include "core/time.h"
#include "query/time_argument.h"

namespace pantau {
namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;
constexpr size_t kDefaultStatsBuckets = 48;
constexpr size_t kMaxStatsBuckets = 1000;

// from= and to= as the alert list and the stats read them: RFC 3339 or relative to now.
struct TimeRange {
  std::optional<TimeNs> from, to;
};
Result<TimeRange> ParseRange(std::string_view from, std::string_view to, TimeNs now) {
  TimeRange r;
  if (!from.empty()) {
    ASSIGN_OR_RETURN(r.from, query::ParseTimeArgument(from, now, "from"));
  }
  if (!to.empty()) {
    ASSIGN_OR_RETURN(r.to, query::ParseTimeArgument(to, now, "to"));
  }
  return r;
}

std::string ItemsJson(const std::vector<Alert>& alerts) {
  std::string out = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    if (i > 0) out += ',';
    out += alerts[i].ToJson();
  }
  return out + "]";
}

// The change a PATCH or bulk body asks for; `ids` receives the bulk ids when wanted.
Result<AlertChange> ParseChange(std::string_view body, std::vector<std::string>* ids) {
  ASSIGN_OR_RETURN(const nlohmann::json j, ParseObject(body));
  AlertChange change;
  for (const auto& item : j.items()) {
    // Not a structured binding: clang 14 cannot capture those in the lambda below.
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    auto text = [&](std::optional<std::string>& out) -> Status {
      ASSIGN_OR_RETURN(out, TextMember(key, value, /*nullable=*/key == "assignee"));
      return Status::Ok();
    };
    if (key == "status") {
      RETURN_IF_ERROR(text(change.status));
    } else if (key == "assignee") {
      RETURN_IF_ERROR(text(change.assignee));
    } else if (key == "false_positive_reason") {
      RETURN_IF_ERROR(text(change.false_positive_reason));
    } else if (key == "false_positive") {
      if (!value.is_boolean()) return InvalidArgument("false_positive: expected true or false");
      change.false_positive = value.get<bool>();
    } else if (key == "ids" && ids != nullptr) {
      if (!value.is_array()) return InvalidArgument("ids: expected a list of alert ids");
      for (const auto& id : value) {
        if (!id.is_string()) return InvalidArgument("ids: expected a list of alert ids (strings)");
        ids->push_back(id.get<std::string>());
      }
    } else {
      return InvalidArgument("body: unknown key '" + key + "'");
    }
  }
  return change;
}

// Who changed an alert, as the audit trail names them: a person, or an API key.
std::string AuditActor(const Caller& caller) {
  return caller.person ? caller.name : "apikey:" + caller.name;
}

}  // namespace

Result<std::string> HandleAlertsList(const AlertsRequest& r, const ApiContext& ctx) {
  AlertQuery q;
  q.statuses = CommaList(r.status);
  q.levels = CommaList(r.level);
  q.rule = r.rule;
  q.host = r.host;
  q.cursor = r.cursor;
  ASSIGN_OR_RETURN(TimeRange range, ParseRange(r.from, r.to, ctx.clock.Now()));
  q.from = range.from;
  q.to = range.to;
  ASSIGN_OR_RETURN(q.limit, WholeNumber(r.limit, 1, kMaxLimit, kDefaultLimit, "limit"));
  ASSIGN_OR_RETURN(AlertPage page, ctx.alerts.List(q));
  std::string out = R"({"items":)" + ItemsJson(page.items) + R"(,"next_cursor":)";
  if (page.next_cursor.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, page.next_cursor);
  }
  return out + R"(,"total":)" + std::to_string(page.total) + "}";
}

Result<std::string> HandleAlertGet(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Alert a, ctx.alerts.Get(id));
  return a.ToJson();
}

Result<std::string> HandleAlertPatch(const Caller& caller, std::string_view id,
                                     std::string_view body, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(AlertChange change, ParseChange(body, nullptr));
  ASSIGN_OR_RETURN(Alert a, ctx.alerts.Update(id, change, AuditActor(caller)));
  return a.ToJson();
}

Result<std::string> HandleAlertsBulk(const Caller& caller, std::string_view body,
                                     const ApiContext& ctx) {
  std::vector<std::string> ids;
  ASSIGN_OR_RETURN(AlertChange change, ParseChange(body, &ids));
  ASSIGN_OR_RETURN(std::vector<Alert> changed,
                   ctx.alerts.UpdateMany(ids, change, AuditActor(caller)));
  return R"({"items":)" + ItemsJson(changed) + "}";
}

Result<std::string> HandleAlertExpected(const Caller& caller, std::string_view id,
                                        std::string_view body, const ApiContext& ctx) {
  if (ctx.anomalies == nullptr) return Unavailable("anomaly detection is off (anomaly.enabled)");
  ASSIGN_OR_RETURN(const nlohmann::json j, ParseObject(body));
  std::string reason;
  for (const auto& item : j.items()) {
    if (item.key() != "reason") return InvalidArgument("body: unknown key '" + item.key() + "'");
    if (!item.value().is_string()) return InvalidArgument("reason: expected text");
    reason = item.value().get<std::string>();
  }
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgument("reason: say why this anomaly is expected");
  }
  ASSIGN_OR_RETURN(Alert a, ctx.anomalies->MarkExpected(id, reason, AuditActor(caller)));
  return a.ToJson();
}

Result<std::string> HandleAlertStats(std::string_view from, std::string_view to,
                                     std::string_view buckets, const ApiContext& ctx) {
  constexpr TimeNs kDay = 24LL * 3600 * 1'000'000'000;
  const TimeNs now = ctx.clock.Now();
  ASSIGN_OR_RETURN(TimeRange range, ParseRange(from, to, now));
  AlertStatsQuery q;
  q.to = range.to.value_or(now);
  q.from = range.from.value_or(q.to - kDay);
  ASSIGN_OR_RETURN(q.buckets,
                   WholeNumber(buckets, 1, kMaxStatsBuckets, kDefaultStatsBuckets, "buckets"));
  ASSIGN_OR_RETURN(AlertStats stats, ctx.alerts.Stats(q));

  std::string out = R"({"from":)";
  AppendJsonString(out, FormatRfc3339(stats.from));
  out += R"(,"to":)";
  AppendJsonString(out, FormatRfc3339(stats.to));
  out += R"(,"interval_s":)" + std::to_string(stats.interval_s) + R"(,"buckets":[)";
  const auto levels = AlertStats::LevelNames();
  for (size_t i = 0; i < stats.buckets.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"time":)";
    AppendJsonString(out, FormatRfc3339(stats.buckets[i].start));
    out += R"(,"counts":{)";
    for (size_t l = 0; l < levels.size(); ++l) {
      if (l > 0) out += ',';
      AppendJsonString(out, levels[l]);
      out += ':' + std::to_string(stats.buckets[i].by_level[l]);
    }
    out += "}}";
  }
  out += R"(],"by_status":{)";
  const auto statuses = AlertStats::StatusNames();
  for (size_t s = 0; s < statuses.size(); ++s) {
    if (s > 0) out += ',';
    AppendJsonString(out, statuses[s]);
    out += ':' + std::to_string(stats.by_status[s]);
  }
  out += R"(},"top_rules":[)";
  for (size_t i = 0; i < stats.top_rules.size(); ++i) {
    const AlertStats::RuleCount& r = stats.top_rules[i];
    if (i > 0) out += ',';
    out += R"({"rule_id":)";
    AppendJsonString(out, r.rule_id);
    out += R"(,"rule_title":)";
    AppendJsonString(out, r.rule_title);
    out += R"(,"level":)";
    AppendJsonString(out, r.level);
    out += R"(,"count":)" + std::to_string(r.count) + "}";
  }
  out += R"(],"top_hosts":[)";
  for (size_t i = 0; i < stats.top_hosts.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"host":)";
    AppendJsonString(out, stats.top_hosts[i].first);
    out += R"(,"count":)" + std::to_string(stats.top_hosts[i].second) + "}";
  }
  out += R"(],"alerts":)" + std::to_string(stats.alerts) + R"(,"events":)" +
         std::to_string(stats.events);
  return out + "}";
}

}  // namespace pantau
