#include "api/alerts_route.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "query/time_argument.h"

namespace pantau {
namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;

std::vector<std::string> CommaList(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const size_t comma = s.find(',');
    if (comma != 0) out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
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
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return InvalidArgument("body: expected a JSON object");
  AlertChange change;
  for (const auto& item : j.items()) {
    // Not a structured binding: clang 14 cannot capture those in the lambda below.
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    auto text = [&](std::optional<std::string>& out) -> Status {
      if (value.is_null() && key == "assignee") {
        out = std::string();
        return Status::Ok();
      }
      if (!value.is_string()) return InvalidArgument(key + ": expected a string");
      out = value.get<std::string>();
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

}  // namespace

Result<std::string> HandleAlertsList(const AlertsRequest& r, const ApiContext& ctx) {
  AlertQuery q;
  q.statuses = CommaList(r.status);
  q.levels = CommaList(r.level);
  q.rule = r.rule;
  q.host = r.host;
  q.cursor = r.cursor;
  const TimeNs now = ctx.clock.Now();
  if (!r.from.empty()) {
    ASSIGN_OR_RETURN(q.from, query::ParseTimeArgument(r.from, now, "from"));
  }
  if (!r.to.empty()) {
    ASSIGN_OR_RETURN(q.to, query::ParseTimeArgument(r.to, now, "to"));
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

Result<std::string> HandleAlertPatch(std::string_view id, std::string_view body,
                                     const ApiContext& ctx) {
  ASSIGN_OR_RETURN(AlertChange change, ParseChange(body, nullptr));
  ASSIGN_OR_RETURN(Alert a, ctx.alerts.Update(id, change));
  return a.ToJson();
}

Result<std::string> HandleAlertsBulk(std::string_view body, const ApiContext& ctx) {
  std::vector<std::string> ids;
  ASSIGN_OR_RETURN(AlertChange change, ParseChange(body, &ids));
  ASSIGN_OR_RETURN(std::vector<Alert> changed, ctx.alerts.UpdateMany(ids, change));
  return R"({"items":)" + ItemsJson(changed) + "}";
}

}  // namespace pantau
