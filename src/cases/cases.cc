#include "cases/cases.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "auth/audit.h"
#include "cases/alerts.h"
#include "cases/json_text.h"
#include "core/event.h"
#include "core/time.h"

namespace pantau {
namespace {

constexpr std::string_view kSources[] = {"detection", "complaint", "bssn_warning", "manual"};
constexpr std::string_view kIncidentTypes[] = {
    "web_defacement",      "gambling_injection", "malware",  "ddos",        "phishing",
    "unauthorized_access", "data_leak",          "webshell", "brute_force", "other"};
constexpr std::string_view kRiskLevels[] = {"very_low", "low", "medium", "high", "very_high"};
constexpr std::string_view kClassifications[] = {"B", "T", "R", "SR"};
constexpr std::string_view kObservableTypes[] = {"ip", "domain", "url", "hash", "account"};

constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxDescription = 20000;
constexpr size_t kMaxListItems = 100;
constexpr size_t kMaxAlerts = 1000;
constexpr size_t kMaxEvents = 1000;
constexpr size_t kMaxObservables = 500;

constexpr std::string_view kColumns =
    "id, number, title, description, source, incident_type, risk_level, classification, "
    "assignee, tags, techniques, system_ids, observables, state, state_since, due, verdict, "
    "verdict_justification, verdict_by, verdict_at, report_authors, verified_by, approved_by, "
    "created_by, created, updated, (SELECT json_group_array(a) FROM (SELECT CAST(alert_id AS "
    "TEXT) AS a FROM case_alerts WHERE case_id = cases.id ORDER BY alert_id)), reporting_due, "
    "(SELECT min(entered_at) FROM case_states WHERE case_id = cases.id AND state IN "
    "('notified', 'closed')), event_ids";

std::string OneOf(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

Status CheckName(std::string_view field, const std::optional<std::string>& value,
                 std::span<const std::string_view> names) {
  if (!value || std::find(names.begin(), names.end(), *value) != names.end()) {
    return Status::Ok();
  }
  return InvalidArgument(fmt::format("{}: '{}' is not one of {}", field, *value, OneOf(names)));
}

std::string Trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t';
  });
}

// Trimmed items, no empty ones, no duplicates, at most `max_items` of at most `max_length`.
Status CheckList(std::string_view field, std::vector<std::string>& items, size_t max_items,
                 size_t max_length) {
  std::vector<std::string> out;
  for (const std::string& raw : items) {
    std::string item = Trimmed(raw);
    if (item.empty()) return InvalidArgument(fmt::format("{}: an empty item", field));
    if (item.size() > max_length || HasControl(item)) {
      return InvalidArgument(
          fmt::format("{}: '{}' is not 1 to {} printable characters", field, item, max_length));
    }
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
  }
  if (out.size() > max_items) {
    return InvalidArgument(fmt::format("{}: at most {} items", field, max_items));
  }
  items = std::move(out);
  return Status::Ok();
}

// T1110 or T1110.001, upper-cased; false when it is not one.
bool NormaliseTechnique(std::string& t) {
  for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto digits = [&](size_t from, size_t n) {
    return t.size() >= from + n &&
           std::all_of(t.begin() + static_cast<ptrdiff_t>(from),
                       t.begin() + static_cast<ptrdiff_t>(from + n),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  };
  if (t.size() == 5) return t[0] == 'T' && digits(1, 4);
  if (t.size() == 9) return t[0] == 'T' && digits(1, 4) && t[5] == '.' && digits(6, 3);
  return false;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(c) != 0; });
}

Status CheckObservable(Observable& o) {
  o.type = Trimmed(o.type);
  o.value = Trimmed(o.value);
  if (std::find(std::begin(kObservableTypes), std::end(kObservableTypes), o.type) ==
      std::end(kObservableTypes)) {
    return InvalidArgument(
        fmt::format("observables: type '{}' is not one of {}", o.type, OneOf(kObservableTypes)));
  }
  auto bad = [&](std::string_view what) {
    return InvalidArgument(
        fmt::format("observables: '{}' is not {}", o.value.substr(0, 200), what));
  };
  if (o.value.empty()) return InvalidArgument("observables: a value is empty");
  if (HasControl(o.value) || o.value.find_first_of("\r\n\t") != std::string::npos) {
    return bad("one line of printable characters");
  }
  if (o.type == "ip") {
    unsigned char buf[16];
    if (inet_pton(AF_INET, o.value.c_str(), buf) != 1 &&
        inet_pton(AF_INET6, o.value.c_str(), buf) != 1) {
      return bad("an IPv4 or IPv6 address");
    }
  } else if (o.type == "hash") {
    const size_t n = o.value.size();
    if (!IsHex(o.value) || (n != 32 && n != 40 && n != 64 && n != 128)) {
      return bad("an MD5, SHA-1, SHA-256 or SHA-512 in hex");
    }
    for (char& c : o.value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  } else if (o.type == "domain") {
    const bool ok =
        o.value.size() <= 253 && std::all_of(o.value.begin(), o.value.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
        });
    if (!ok) return bad("a domain name");
    for (char& c : o.value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  } else if (o.value.size() > (o.type == "url" ? 2048u : 256u)) {
    return bad(o.type == "url" ? "a URL of at most 2048 characters"
                               : "an account of at most 256 characters");
  }
  return Status::Ok();
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, items[i]);
  }
  return out + "]";
}

std::string ObservablesJson(const std::vector<Observable>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"type":)";
    AppendJsonString(out, items[i].type);
    out += R"(,"value":)";
    AppendJsonString(out, items[i].value);
    out += "}";
  }
  return out + "]";
}

std::vector<Observable> ParseObservables(std::string_view json) {
  std::vector<Observable> out;
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_object() && v.value("type", nlohmann::json()).is_string() &&
        v.value("value", nlohmann::json()).is_string()) {
      out.push_back({v["type"].get<std::string>(), v["value"].get<std::string>()});
    }
  }
  return out;
}

Result<int64_t> ParseCaseId(std::string_view id) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || end != id.data() + id.size() || v <= 0) {
    return NotFound(fmt::format("no case '{}'", id));
  }
  return v;
}

// An alert's level as a case's risk level.
int RiskRankOfLevel(std::string_view level) {
  if (level == "informational") return 0;
  if (level == "low") return 1;
  if (level == "high") return 3;
  if (level == "critical") return 4;
  return 2;
}

// Key fields of an alert that name something worth watching for elsewhere.
constexpr std::pair<std::string_view, std::string_view> kObservableFields[] = {
    {"source.ip", "ip"},
    {"client.ip", "ip"},
    {"url.domain", "domain"},
    {"dns.question.name", "domain"},
    {"url.original", "url"},
    {"url.full", "url"},
    {"user.name", "account"},
    {"file.hash.md5", "hash"},
    {"file.hash.sha1", "hash"},
    {"file.hash.sha256", "hash"},
    {"process.hash.sha256", "hash"}};

// What linked alerts say about a new case, for the fields the person left unset.
void DefaultsFromAlerts(const std::vector<Alert>& alerts, CaseFields& f) {
  if (alerts.empty()) return;
  if (!f.title) f.title = alerts.front().rule_title.substr(0, kMaxTitle);
  if (!f.source) f.source = "detection";
  if (!f.risk_level) {
    int rank = 0;
    for (const Alert& a : alerts) rank = std::max(rank, RiskRankOfLevel(a.level));
    f.risk_level = std::string(kRiskLevels[rank]);
  }
  if (!f.system_ids) {
    std::vector<std::string> ids;
    for (const Alert& a : alerts) {
      if (!a.system_id.empty()) ids.push_back(a.system_id);
    }
    (void)CheckList("system_ids", ids, kMaxListItems, 100);
    f.system_ids = ids;
  }
  if (!f.techniques) {
    std::vector<std::string> techniques;
    for (const Alert& a : alerts) {
      for (std::string tag : StringsOfJson(a.tags_json)) {
        if (!tag.starts_with("attack.t")) continue;
        tag = tag.substr(7);
        if (NormaliseTechnique(tag) &&
            std::find(techniques.begin(), techniques.end(), tag) == techniques.end()) {
          techniques.push_back(tag);
        }
      }
    }
    if (techniques.size() > kMaxListItems) techniques.resize(kMaxListItems);
    f.techniques = techniques;
  }
  if (!f.observables) {
    std::vector<Observable> found;
    for (const Alert& a : alerts) {
      const nlohmann::json fields = nlohmann::json::parse(a.fields_json, nullptr, false);
      if (!fields.is_object()) continue;
      for (const auto& [name, type] : kObservableFields) {
        auto it = fields.find(std::string(name));
        if (it == fields.end() || !it->is_string()) continue;
        Observable o{std::string(type), it->get<std::string>()};
        if (CheckObservable(o).ok() && std::find(found.begin(), found.end(), o) == found.end() &&
            found.size() < kMaxObservables) {
          found.push_back(std::move(o));
        }
      }
    }
    f.observables = found;
  }
}

// The fields a person sets, as the audit trail records them.
nlohmann::json FieldsJson(const Case& c) {
  nlohmann::json observables = nlohmann::json::array();
  for (const Observable& o : c.observables) {
    observables.push_back({{"type", o.type}, {"value", o.value}});
  }
  return {{"title", c.title},           {"description", c.description},
          {"source", c.source},         {"incident_type", c.incident_type},
          {"risk_level", c.risk_level}, {"classification", c.classification},
          {"assignee", c.assignee},     {"tags", c.tags},
          {"techniques", c.techniques}, {"system_ids", c.system_ids},
          {"alert_ids", c.alert_ids},   {"event_ids", c.event_ids},
          {"observables", observables}};
}

std::string AuditObject(int64_t case_id) { return fmt::format("case:{}", case_id); }

}  // namespace

Result<CaseFields> NormaliseCaseFields(CaseFields f) {
  if (f.title) {
    *f.title = Trimmed(*f.title);
    if (f.title->empty() || f.title->size() > kMaxTitle || HasControl(*f.title)) {
      return InvalidArgument(
          fmt::format("title: 1 to {} printable characters on one line", kMaxTitle));
    }
  }
  if (f.description && (f.description->size() > kMaxDescription || HasControl(*f.description))) {
    return InvalidArgument(
        fmt::format("description: at most {} printable characters", kMaxDescription));
  }
  RETURN_IF_ERROR(CheckName("source", f.source, kSources));
  RETURN_IF_ERROR(CheckName("incident_type", f.incident_type, kIncidentTypes));
  RETURN_IF_ERROR(CheckName("risk_level", f.risk_level, kRiskLevels));
  RETURN_IF_ERROR(CheckName("classification", f.classification, kClassifications));
  if (f.assignee) {
    *f.assignee = Trimmed(*f.assignee);
    if (f.assignee->size() > 100) return InvalidArgument("assignee: at most 100 characters");
  }
  if (f.tags) RETURN_IF_ERROR(CheckList("tags", *f.tags, kMaxListItems, 100));
  if (f.system_ids) RETURN_IF_ERROR(CheckList("system_ids", *f.system_ids, kMaxListItems, 100));
  if (f.alert_ids) RETURN_IF_ERROR(CheckList("alert_ids", *f.alert_ids, kMaxAlerts, 20));
  if (f.event_ids) {
    RETURN_IF_ERROR(CheckList("event_ids", *f.event_ids, kMaxEvents, 40));
    for (const std::string& e : *f.event_ids) {
      // An event id is "<yyyymmdd>-<row>" (event_store.h); whether it exists is the caller's
      // question, since the event store is not the case store's.
      const size_t dash = e.find('-');
      const auto digits = [](std::string_view s) {
        return !s.empty() &&
               std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
      };
      if (dash != 8 || !digits(std::string_view(e).substr(0, 8)) ||
          !digits(std::string_view(e).substr(9))) {
        return InvalidArgument(
            fmt::format("event_ids: '{}' is not an event id (like 20261127-42)", e));
      }
    }
  }
  if (f.techniques) {
    RETURN_IF_ERROR(CheckList("techniques", *f.techniques, kMaxListItems, 20));
    std::vector<std::string> out;
    for (std::string t : *f.techniques) {
      if (!NormaliseTechnique(t)) {
        return InvalidArgument(fmt::format(
            "techniques: '{}' is not an ATT&CK technique id such as T1110 or T1110.001", t));
      }
      if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(std::move(t));
    }
    f.techniques = std::move(out);
  }
  if (f.observables) {
    if (f.observables->size() > kMaxObservables) {
      return InvalidArgument(fmt::format("observables: at most {}", kMaxObservables));
    }
    std::vector<Observable> out;
    for (Observable o : *f.observables) {
      RETURN_IF_ERROR(CheckObservable(o));
      if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(std::move(o));
    }
    f.observables = std::move(out);
  }
  return f;
}

std::string Case::ToJson(TimeNs now, bool detail) const {
  const CaseSnapshot& w = workflow;
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  AppendJsonMember(out, "number", number);
  AppendJsonMember(out, "title", title);
  AppendJsonMember(out, "description", description);
  AppendJsonMember(out, "source", source);
  AppendJsonMember(out, "incident_type", incident_type);
  AppendJsonMember(out, "risk_level", risk_level);
  AppendJsonMember(out, "classification", classification);
  AppendJsonMemberOrNull(out, "assignee", assignee);
  out += R"(,"tags":)" + JsonList(tags);
  out += R"(,"techniques":)" + JsonList(techniques);
  out += R"(,"system_ids":)" + JsonList(system_ids);
  out += R"(,"alert_ids":)" + JsonList(alert_ids);
  out += R"(,"event_ids":)" + JsonList(event_ids);
  out += R"(,"observables":)" + ObservablesJson(observables);
  AppendJsonMember(out, "state", CaseStateName(w.state));
  AppendJsonMember(out, "state_since",
                   FormatRfc3339(w.history.empty() ? created : w.history.back().entered_at));
  AppendJsonMemberOrNull(out, "verdict", w.verdict ? VerdictName(*w.verdict) : "");
  AppendJsonMemberOrNull(out, "verdict_justification", w.verdict ? w.verdict_justification : "");
  AppendJsonMemberOrNull(out, "verdict_by", w.verdict ? w.verdict_by : "");
  AppendJsonMemberOrNull(out, "verdict_at", w.verdict ? FormatRfc3339(w.verdict_at) : "");
  out += R"(,"report_authors":)" + JsonList(w.report_authors);
  AppendJsonMemberOrNull(out, "verified_by", w.verified_by);
  AppendJsonMemberOrNull(out, "approved_by", w.approved_by);
  AppendJsonMember(out, "created_by", created_by);
  AppendJsonMember(out, "created", FormatRfc3339(created));
  AppendJsonMember(out, "updated", FormatRfc3339(updated));
  if (!w.history.empty())
    out += R"(,"sla":)" + ComputeSla(w.history, now, reporting_due, reported_at).ToJson(detail);
  if (detail) {
    out += R"(,"history":[)";
    for (size_t i = 0; i < w.history.size(); ++i) {
      const StateEntry& e = w.history[i];
      if (i > 0) out += ',';
      out += R"({"state":)";
      AppendJsonString(out, CaseStateName(e.state));
      AppendJsonMemberOrNull(out, "action", e.action ? CaseActionName(*e.action) : "");
      AppendJsonMember(out, "actor", e.actor);
      AppendJsonMemberOrNull(out, "comment", e.comment);
      AppendJsonMember(out, "entered_at", FormatRfc3339(e.entered_at));
      AppendJsonMemberOrNull(out, "left_at", e.left_at ? FormatRfc3339(*e.left_at) : "");
      out += "}";
    }
    out += "]";
  }
  return out + "}";
}

namespace {

// A case's row (kColumns) without its history; the current state's stay is made up from
// state_since and due, which is all a list needs.
Result<Case> CaseOf(const sqlite::Stmt& s) {
  Case c;
  c.id = std::to_string(s.Int(0));
  c.number = s.Text(1);
  c.title = s.Text(2);
  c.description = s.Text(3);
  c.source = s.Text(4);
  c.incident_type = s.Text(5);
  c.risk_level = s.Text(6);
  c.classification = s.Text(7);
  c.assignee = s.Text(8);
  c.tags = StringsOfJson(s.Text(9));
  c.techniques = StringsOfJson(s.Text(10));
  c.system_ids = StringsOfJson(s.Text(11));
  c.observables = ParseObservables(s.Text(12));
  CaseSnapshot& w = c.workflow;
  ASSIGN_OR_RETURN(w.state, ParseCaseState(s.Text(13)));
  const TimeNs since = s.Int(14);
  const TimeNs due = s.Int(15);
  if (!s.Text(16).empty()) {
    ASSIGN_OR_RETURN(w.verdict, ParseVerdict(s.Text(16)));
    w.verdict_justification = s.Text(17);
    w.verdict_by = s.Text(18);
    w.verdict_at = s.Int(19);
  }
  w.report_authors = StringsOfJson(s.Text(20));
  w.verified_by = s.Text(21);
  w.approved_by = s.Text(22);
  c.created_by = s.Text(23);
  c.created = s.Int(24);
  c.updated = s.Int(25);
  c.alert_ids = StringsOfJson(s.Text(26));
  c.reporting_due = s.Int(27);
  c.reported_at = s.Int(28);
  c.event_ids = StringsOfJson(s.Text(29));
  StateEntry current;
  current.state = w.state;
  current.entered_at = since;
  current.standard_minutes = due > since ? (due - since) / (60 * kNsPerSecond) : 0;
  w.history.push_back(current);
  return c;
}

}  // namespace

Result<std::unique_ptr<CaseStore>> CaseStore::Open(const std::string& data_dir,
                                                   const Clock& clock) {
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<CaseStore>(new CaseStore(std::move(db), clock));
}

Result<int64_t> CaseStore::IdOf(std::string_view id) {
  if (!id.starts_with("INS-")) return ParseCaseId(id);
  ASSIGN_OR_RETURN(sqlite::Stmt st, db_.Prepare("SELECT id FROM cases WHERE number = ?"));
  st.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no case '{}'", id));
  return st.Int(0);
}

Result<Case> CaseStore::GetLocked(int64_t id) {
  Case c;
  {
    ASSIGN_OR_RETURN(sqlite::Stmt st,
                     db_.Prepare(fmt::format("SELECT {} FROM cases WHERE id = ?", kColumns)));
    st.BindInt(1, id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound(fmt::format("no case '{}'", id));
    ASSIGN_OR_RETURN(c, CaseOf(st));
  }
  ASSIGN_OR_RETURN(sqlite::Stmt h,
                   db_.Prepare("SELECT state, action, actor, comment, entered_at, left_at, "
                               "standard_minutes FROM case_states WHERE case_id = ? ORDER BY seq"));
  h.BindInt(1, id);
  c.workflow.history.clear();
  while (true) {
    ASSIGN_OR_RETURN(bool row, h.Step());
    if (!row) break;
    StateEntry e;
    ASSIGN_OR_RETURN(e.state, ParseCaseState(h.Text(0)));
    if (!h.Text(1).empty()) {
      ASSIGN_OR_RETURN(e.action, ParseCaseAction(h.Text(1)));
    }
    e.actor = h.Text(2);
    e.comment = h.Text(3);
    e.entered_at = h.Int(4);
    if (h.Int(5) > 0) e.left_at = h.Int(5);
    e.standard_minutes = h.Int(6);
    c.workflow.history.push_back(std::move(e));
  }
  if (c.workflow.history.empty()) return Internal(fmt::format("case {} has no history", id));
  return c;
}

Result<Case> CaseStore::Get(std::string_view id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(int64_t n, IdOf(id));
  return GetLocked(n);
}

template <typename F>
Result<Case> CaseStore::Write(F&& work) {
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  Result<int64_t> id = work();
  Status s = id.ok() ? db_.Exec("COMMIT") : id.status();
  if (!s.ok()) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  return GetLocked(*id);
}

Status CaseStore::LinkAlertsLocked(int64_t case_id, const std::vector<std::string>& alert_ids,
                                   TimeNs now) {
  std::vector<int64_t> linked;
  {
    ASSIGN_OR_RETURN(sqlite::Stmt st,
                     db_.Prepare("SELECT alert_id FROM case_alerts WHERE case_id = ?"));
    st.BindInt(1, case_id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      linked.push_back(st.Int(0));
    }
  }
  std::vector<int64_t> wanted;
  for (const std::string& id : alert_ids) {
    auto alert = ReadAlert(db_, id);
    if (!alert.ok()) {
      return alert.status().code() == StatusCode::kNotFound
                 ? InvalidArgument("alert_ids: " + alert.status().message())
                 : alert.status();
    }
    const int64_t n = std::stoll(alert->id);
    wanted.push_back(n);
    if (std::find(linked.begin(), linked.end(), n) != linked.end()) continue;
    if (!alert->case_id.empty() && alert->case_id != std::to_string(case_id)) {
      ASSIGN_OR_RETURN(sqlite::Stmt other,
                       db_.Prepare("SELECT number, state FROM cases WHERE id = ?"));
      other.BindInt(1, std::stoll(alert->case_id));
      ASSIGN_OR_RETURN(bool row, other.Step());
      if (row && other.Text(1) != "closed") {
        return FailedPrecondition(fmt::format("alert_ids: alert {} is already in case {} ({})",
                                              alert->id, other.Text(0), other.Text(1)));
      }
    }
    ASSIGN_OR_RETURN(sqlite::Stmt add,
                     db_.Prepare("INSERT INTO case_alerts(case_id, alert_id) VALUES(?, ?)"));
    add.BindInt(1, case_id);
    add.BindInt(2, n);
    RETURN_IF_ERROR(add.Run());
    // Being worked in a case is what 'acknowledged' means in the alert queue.
    ASSIGN_OR_RETURN(
        sqlite::Stmt mark,
        db_.Prepare("UPDATE alerts SET case_id = ?, status = CASE status WHEN 'new' THEN "
                    "'acknowledged' ELSE status END, updated = ? WHERE id = ?"));
    mark.BindInt(1, case_id);
    mark.BindInt(2, now);
    mark.BindInt(3, n);
    RETURN_IF_ERROR(mark.Run());
  }
  for (int64_t n : linked) {
    if (std::find(wanted.begin(), wanted.end(), n) != wanted.end()) continue;
    ASSIGN_OR_RETURN(sqlite::Stmt del,
                     db_.Prepare("DELETE FROM case_alerts WHERE case_id = ? AND alert_id = ?"));
    del.BindInt(1, case_id);
    del.BindInt(2, n);
    RETURN_IF_ERROR(del.Run());
    ASSIGN_OR_RETURN(
        sqlite::Stmt unlink,
        db_.Prepare("UPDATE alerts SET case_id = NULL, updated = ? WHERE id = ? AND case_id = ?"));
    unlink.BindInt(1, now);
    unlink.BindInt(2, n);
    unlink.BindInt(3, case_id);
    RETURN_IF_ERROR(unlink.Run());
  }
  return Status::Ok();
}

namespace {

// Assigning a case to a name nobody logs in with would hide it from everyone.
Status CheckAssignee(sqlite::Db& db, const std::optional<std::string>& assignee) {
  if (!assignee || assignee->empty()) return Status::Ok();
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db.Prepare("SELECT 1 FROM users WHERE name = ? AND disabled = 0"));
  st.BindText(1, *assignee);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return InvalidArgument(fmt::format("assignee: no user '{}'", *assignee));
  return Status::Ok();
}

// Cases link systems of the registry (src/monitor/registry.h, in the same database) only. True
// in `vital` when any of them is vital information infrastructure.
Result<bool> CheckSystems(sqlite::Db& db, const std::vector<std::string>& ids) {
  bool vital = false;
  ASSIGN_OR_RETURN(sqlite::Stmt st, db.Prepare("SELECT criticality FROM systems WHERE id = ?"));
  for (const std::string& id : ids) {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
    bool row = false;
    if (ec == std::errc() && end == id.data() + id.size() && n > 0) {
      st.Reset();
      st.BindInt(1, n);
      ASSIGN_OR_RETURN(row, st.Step());
    }
    if (!row) return InvalidArgument(fmt::format("system_ids: no system '{}' in the registry", id));
    vital = vital || st.Text(0) == "vital";
  }
  return vital;
}

void BindNullable(sqlite::Stmt& st, int i, std::string_view v) {
  if (v.empty()) {
    st.BindNull(i);
  } else {
    st.BindText(i, v);
  }
}

}  // namespace

Result<Case> CaseStore::Create(const CaseFields& input, const Actor& actor) {
  ASSIGN_OR_RETURN(CaseFields f, NormaliseCaseFields(input));
  std::lock_guard lock(mu_);
  return Write([&]() -> Result<int64_t> {
    const TimeNs now = clock_.Now();
    std::vector<Alert> alerts;
    for (const std::string& id : f.alert_ids.value_or(std::vector<std::string>{})) {
      auto a = ReadAlert(db_, id);
      if (!a.ok()) {
        return a.status().code() == StatusCode::kNotFound
                   ? InvalidArgument("alert_ids: " + a.status().message())
                   : a.status();
      }
      alerts.push_back(std::move(*a));
    }
    DefaultsFromAlerts(alerts, f);
    if (!f.title) return InvalidArgument("title: give a title, or alert_ids to take it from");
    RETURN_IF_ERROR(CheckAssignee(db_, f.assignee));
    ASSIGN_OR_RETURN(const bool vital,
                     CheckSystems(db_, f.system_ids.value_or(std::vector<std::string>{})));

    const int year = CivilFromDays(now / kNsPerDay).year;
    int64_t seq = 0;
    {
      ASSIGN_OR_RETURN(sqlite::Stmt next,
                       db_.Prepare("INSERT INTO case_numbers(year, last) VALUES(?, 1) "
                                   "ON CONFLICT(year) DO UPDATE SET last = last + 1 "
                                   "RETURNING last"));
      next.BindInt(1, year);
      ASSIGN_OR_RETURN(bool row, next.Step());
      if (!row) return Internal("no case number was given out");
      seq = next.Int(0);
      next.Reset();
    }
    const std::string number = fmt::format("INS-{}-{:04}", year, seq);
    const CaseSnapshot w = NewCaseSnapshot(actor, now);
    ASSIGN_OR_RETURN(const int64_t standard, StandardMinutesLocked(w.state));
    const std::optional<TimeNs> due = DueAt(now, standard);

    int64_t id = 0;
    {
      ASSIGN_OR_RETURN(
          sqlite::Stmt ins,
          db_.Prepare("INSERT INTO cases(number, title, description, source, incident_type, "
                      "risk_level, classification, assignee, tags, techniques, system_ids, "
                      "observables, state, state_since, due, created_by, created, updated, "
                      "reporting_due, event_ids) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                      "?, ?, ?, ?, ?, ?) RETURNING id"));
      ins.BindText(1, number);
      ins.BindText(2, *f.title);
      ins.BindText(3, f.description.value_or(""));
      ins.BindText(4, f.source.value_or("manual"));
      ins.BindText(5, f.incident_type.value_or("other"));
      ins.BindText(6, f.risk_level.value_or("medium"));
      ins.BindText(7, f.classification.value_or("T"));
      BindNullable(ins, 8, f.assignee.value_or(""));
      ins.BindText(9, JsonList(f.tags.value_or(std::vector<std::string>{})));
      ins.BindText(10, JsonList(f.techniques.value_or(std::vector<std::string>{})));
      ins.BindText(11, JsonList(f.system_ids.value_or(std::vector<std::string>{})));
      ins.BindText(12, ObservablesJson(f.observables.value_or(std::vector<Observable>{})));
      ins.BindText(13, CaseStateName(w.state));
      ins.BindInt(14, now);
      if (due) {
        ins.BindInt(15, *due);
      } else {
        ins.BindNull(15);
      }
      ins.BindText(16, actor.name);
      ins.BindInt(17, now);
      ins.BindInt(18, now);
      if (vital) {
        ins.BindInt(19, now + kVitalReportingMinutes * 60 * kNsPerSecond);
      } else {
        ins.BindNull(19);
      }
      ins.BindText(20, JsonList(f.event_ids.value_or(std::vector<std::string>{})));
      ASSIGN_OR_RETURN(bool row, ins.Step());
      if (!row) return Internal("the case was not stored");
      id = ins.Int(0);
      ins.Reset();
    }
    ASSIGN_OR_RETURN(
        sqlite::Stmt first,
        db_.Prepare("INSERT INTO case_states(case_id, seq, state, action, actor, comment, "
                    "entered_at, left_at, standard_minutes) VALUES(?, 0, ?, NULL, ?, '', ?, "
                    "NULL, ?)"));
    first.BindInt(1, id);
    first.BindText(2, CaseStateName(w.state));
    first.BindText(3, actor.name);
    first.BindInt(4, now);
    first.BindInt(5, standard);
    RETURN_IF_ERROR(first.Run());
    if (f.alert_ids) RETURN_IF_ERROR(LinkAlertsLocked(id, *f.alert_ids, now));
    ASSIGN_OR_RETURN(Case created, GetLocked(id));
    const nlohmann::json details = {
        {"number", number}, {"role", RoleName(actor.role)}, {"fields", FieldsJson(created)}};
    RETURN_IF_ERROR(
        AppendAudit(db_, now, actor.name, "case.create", AuditObject(id), JsonText(details))
            .status());
    return id;
  });
}

Result<CasePage> CaseStore::List(const CaseQuery& q) {
  for (const std::string& s : q.states) RETURN_IF_ERROR(ParseCaseState(s).status());
  std::string where = " WHERE 1";
  std::vector<std::pair<bool, std::string>> params;  // (is integer, value)
  if (!q.states.empty()) {
    where += " AND state IN (";
    for (size_t i = 0; i < q.states.size(); ++i) {
      where += i ? ",?" : "?";
      params.emplace_back(false, q.states[i]);
    }
    where += ")";
  }
  if (!q.assignee.empty()) {
    where += " AND assignee = ?";
    params.emplace_back(false, q.assignee);
  }
  const TimeNs now = clock_.Now();
  if (q.overdue) {
    // Late in the current step, or past the reporting deadline of vital infrastructure.
    const std::string late =
        "((due IS NOT NULL AND due < ?) OR (reporting_due IS NOT NULL AND reporting_due < ? AND "
        "state NOT IN ('notified', 'closed')))";
    where += *q.overdue ? " AND " + late : " AND NOT " + late;
    params.emplace_back(true, std::to_string(now));
    params.emplace_back(true, std::to_string(now));
  }
  auto bind = [&](sqlite::Stmt& st) {
    for (size_t i = 0; i < params.size(); ++i) {
      if (params[i].first) {
        st.BindInt(static_cast<int>(i + 1), std::stoll(params[i].second));
      } else {
        st.BindText(static_cast<int>(i + 1), params[i].second);
      }
    }
  };
  std::lock_guard lock(mu_);
  CasePage page;
  {
    ASSIGN_OR_RETURN(sqlite::Stmt count, db_.Prepare("SELECT count(*) FROM cases" + where));
    bind(count);
    ASSIGN_OR_RETURN(bool row, count.Step());
    if (row) page.total = count.Int(0);
  }
  if (!q.cursor.empty()) {
    int64_t before = 0;
    const auto [end, ec] =
        std::from_chars(q.cursor.data(), q.cursor.data() + q.cursor.size(), before);
    if (ec != std::errc() || end != q.cursor.data() + q.cursor.size()) {
      return InvalidArgument("cursor: not a cursor this server gave out");
    }
    where += " AND id < ?";
    params.emplace_back(true, std::to_string(before));
  }
  params.emplace_back(true, std::to_string(q.limit + 1));
  ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db_.Prepare(fmt::format("SELECT {} FROM cases{} ORDER BY id DESC LIMIT ?", kColumns, where)));
  bind(st);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(Case c, CaseOf(st));
    page.items.push_back(std::move(c));
  }
  if (page.items.size() > q.limit) {
    page.items.resize(q.limit);
    page.next_cursor = page.items.back().id;
  }
  return page;
}

Result<Case> CaseStore::Update(std::string_view id, const CaseFields& input, const Actor& actor) {
  ASSIGN_OR_RETURN(CaseFields f, NormaliseCaseFields(input));
  if (!f.title && !f.description && !f.source && !f.incident_type && !f.risk_level &&
      !f.classification && !f.assignee && !f.tags && !f.techniques && !f.system_ids &&
      !f.alert_ids && !f.event_ids && !f.observables) {
    return InvalidArgument("nothing to change: give at least one field");
  }
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(int64_t n, IdOf(id));
  return Write([&]() -> Result<int64_t> {
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(Case c, GetLocked(n));
    if (c.workflow.state == CaseState::kClosed) {
      return FailedPrecondition(fmt::format("case {} is closed and no longer changes", c.number));
    }
    RETURN_IF_ERROR(CheckAssignee(db_, f.assignee));
    std::string sets = "updated = ?";
    if (f.system_ids) {
      ASSIGN_OR_RETURN(const bool vital, CheckSystems(db_, *f.system_ids));
      // The deadline runs from the opening: linking a vital system later does not move it on.
      sets += vital ? fmt::format(", reporting_due = coalesce(reporting_due, created + {})",
                                  kVitalReportingMinutes * 60 * kNsPerSecond)
                    : std::string(", reporting_due = NULL");
    }
    std::vector<std::string> values;
    auto set = [&](std::string_view column, const std::optional<std::string>& v) {
      if (!v) return;
      sets += fmt::format(", {} = ?", column);
      values.push_back(*v);
    };
    set("title", f.title);
    set("description", f.description);
    set("source", f.source);
    set("incident_type", f.incident_type);
    set("risk_level", f.risk_level);
    set("classification", f.classification);
    if (f.tags) set("tags", JsonList(*f.tags));
    if (f.techniques) set("techniques", JsonList(*f.techniques));
    if (f.system_ids) set("system_ids", JsonList(*f.system_ids));
    if (f.event_ids) set("event_ids", JsonList(*f.event_ids));
    if (f.observables) set("observables", ObservablesJson(*f.observables));
    if (f.assignee) sets += ", assignee = ?";
    ASSIGN_OR_RETURN(sqlite::Stmt st, db_.Prepare("UPDATE cases SET " + sets + " WHERE id = ?"));
    int i = 1;
    st.BindInt(i++, now);
    for (const std::string& v : values) st.BindText(i++, v);
    if (f.assignee) BindNullable(st, i++, *f.assignee);
    st.BindInt(i, n);
    RETURN_IF_ERROR(st.Run());
    if (f.alert_ids) RETURN_IF_ERROR(LinkAlertsLocked(n, *f.alert_ids, now));
    ASSIGN_OR_RETURN(Case changed, GetLocked(n));
    const nlohmann::json from = FieldsJson(c), to = FieldsJson(changed);
    nlohmann::json changes = nlohmann::json::object();
    for (const auto& [key, value] : to.items()) {
      if (from[key] != value) changes[key] = {{"from", from[key]}, {"to", value}};
    }
    const nlohmann::json details = {
        {"number", c.number}, {"role", RoleName(actor.role)}, {"changes", changes}};
    RETURN_IF_ERROR(
        AppendAudit(db_, now, actor.name, "case.update", AuditObject(n), JsonText(details))
            .status());
    return n;
  });
}

Status CaseStore::SaveWorkflowLocked(int64_t case_id, const CaseSnapshot& before,
                                     const CaseSnapshot& after, TimeNs now) {
  const size_t old_size = before.history.size();
  int64_t standard = after.history.back().standard_minutes;
  if (after.history.size() > old_size) {
    ASSIGN_OR_RETURN(standard, StandardMinutesLocked(after.state));
  }
  const TimeNs since = after.history.back().entered_at;
  const std::optional<TimeNs> due = DueAt(since, standard);
  ASSIGN_OR_RETURN(
      sqlite::Stmt st,
      db_.Prepare("UPDATE cases SET state = ?, state_since = ?, due = ?, verdict = ?, "
                  "verdict_justification = ?, verdict_by = ?, verdict_at = ?, report_authors = ?, "
                  "verified_by = ?, approved_by = ?, updated = ? WHERE id = ?"));
  st.BindText(1, CaseStateName(after.state));
  st.BindInt(2, since);
  if (due) {
    st.BindInt(3, *due);
  } else {
    st.BindNull(3);
  }
  BindNullable(st, 4, after.verdict ? VerdictName(*after.verdict) : "");
  st.BindText(5, after.verdict_justification);
  st.BindText(6, after.verdict_by);
  st.BindInt(7, after.verdict_at);
  st.BindText(8, JsonList(after.report_authors));
  st.BindText(9, after.verified_by);
  st.BindText(10, after.approved_by);
  st.BindInt(11, now);
  st.BindInt(12, case_id);
  RETURN_IF_ERROR(st.Run());
  if (after.history.size() == old_size) return Status::Ok();

  ASSIGN_OR_RETURN(sqlite::Stmt left,
                   db_.Prepare("UPDATE case_states SET left_at = ? WHERE case_id = ? AND seq = ?"));
  left.BindInt(1, after.history[old_size - 1].left_at.value_or(now));
  left.BindInt(2, case_id);
  left.BindInt(3, static_cast<int64_t>(old_size - 1));
  RETURN_IF_ERROR(left.Run());
  ASSIGN_OR_RETURN(
      sqlite::Stmt add,
      db_.Prepare("INSERT INTO case_states(case_id, seq, state, action, actor, comment, "
                  "entered_at, left_at, standard_minutes) VALUES(?, ?, ?, ?, ?, ?, ?, NULL, ?)"));
  for (size_t i = old_size; i < after.history.size(); ++i) {
    const StateEntry& e = after.history[i];
    add.Reset();
    add.BindInt(1, case_id);
    add.BindInt(2, static_cast<int64_t>(i));
    add.BindText(3, CaseStateName(e.state));
    BindNullable(add, 4, e.action ? CaseActionName(*e.action) : "");
    add.BindText(5, e.actor);
    add.BindText(6, e.comment);
    add.BindInt(7, e.entered_at);
    add.BindInt(8, i + 1 == after.history.size() ? standard : 0);
    RETURN_IF_ERROR(add.Run());
  }
  return Status::Ok();
}

Result<Case> CaseStore::SetVerdict(std::string_view id, Verdict verdict,
                                   std::string_view justification, const Actor& actor,
                                   const VerdictAdvice& advice) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(int64_t n, IdOf(id));
  return Write([&]() -> Result<int64_t> {
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(Case c, GetLocked(n));
    ASSIGN_OR_RETURN(CaseSnapshot after,
                     ::pantau::SetVerdict(c.workflow, verdict, justification, actor, now));
    RETURN_IF_ERROR(SaveWorkflowLocked(n, c.workflow, after, now));
    nlohmann::json details = {
        {"number", c.number},
        {"role", RoleName(actor.role)},
        {"verdict", VerdictName(verdict)},
        {"justification", after.verdict_justification},
        {"previous",
         c.workflow.verdict ? nlohmann::json(VerdictName(*c.workflow.verdict)) : nlohmann::json()}};
    if (!advice.suggestion.empty()) {
      details["suggestion"] = advice.suggestion;
      details["suggestion_followed"] =
          advice.followed ? nlohmann::json(*advice.followed) : nlohmann::json();
    }
    RETURN_IF_ERROR(
        AppendAudit(db_, now, actor.name, "case.verdict", AuditObject(n), JsonText(details))
            .status());
    return n;
  });
}

Result<Case> CaseStore::Act(std::string_view id, CaseAction action, std::string_view comment,
                            const Actor& actor, const ActHook& hook) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(int64_t n, IdOf(id));
  return Write([&]() -> Result<int64_t> {
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(Case c, GetLocked(n));
    ASSIGN_OR_RETURN(CaseSnapshot after, ApplyAction(c.workflow, action, actor, comment, now));
    RETURN_IF_ERROR(SaveWorkflowLocked(n, c.workflow, after, now));
    const nlohmann::json details = {{"number", c.number},
                                    {"role", RoleName(actor.role)},
                                    {"from", CaseStateName(c.workflow.state)},
                                    {"to", CaseStateName(after.state)},
                                    {"comment", std::string(comment)}};
    RETURN_IF_ERROR(AppendAudit(db_, now, actor.name,
                                fmt::format("case.{}", CaseActionName(action)), AuditObject(n),
                                JsonText(details))
                        .status());
    if (after.state == CaseState::kClosed) {
      // The case's end is its alerts' end: closed, and a false positive in the alert queue too.
      const bool fp = after.verdict == Verdict::kFalsePositive;
      ASSIGN_OR_RETURN(sqlite::Stmt close,
                       db_.Prepare("UPDATE alerts SET status = 'closed', false_positive = ?, "
                                   "false_positive_reason = ?, updated = ? WHERE case_id = ?"));
      close.BindInt(1, fp ? 1 : 0);
      BindNullable(
          close, 2,
          fp ? fmt::format("{}: {}", c.number, after.verdict_justification).substr(0, 4000) : "");
      close.BindInt(3, now);
      close.BindInt(4, n);
      RETURN_IF_ERROR(close.Run());
    }
    if (hook) RETURN_IF_ERROR(hook(db_, c, after, now));
    return n;
  });
}

Result<std::vector<AuditEntry>> CaseStore::History(std::string_view id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(int64_t n, IdOf(id));
  RETURN_IF_ERROR(GetLocked(n).status());
  return ReadAuditOf(db_, AuditObject(n));
}

Result<int64_t> CaseStore::StandardMinutesLocked(CaseState state) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT minutes FROM time_standards WHERE state = ?"));
  st.BindText(1, CaseStateName(state));
  ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : int64_t{0};
}

Result<std::vector<TimeStandard>> CaseStore::TimeStandardsLocked() {
  std::vector<TimeStandard> out;
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT state, minutes, updated_by, updated FROM time_standards"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    auto state = ParseCaseState(st.Text(0));
    if (!state.ok()) continue;  // a state this version no longer has
    out.push_back({*state, st.Int(1), std::string(st.Text(2)), st.Int(3)});
  }
  std::sort(out.begin(), out.end(),
            [](const TimeStandard& a, const TimeStandard& b) { return a.state < b.state; });
  return out;
}

Result<std::vector<StepCompliance>> CaseStore::Compliance(TimeNs from, TimeNs to) {
  std::lock_guard lock(mu_);
  const TimeNs now = clock_.Now();
  std::map<CaseState, std::vector<TimeNs>> spent;
  std::map<CaseState, StepCompliance> out;
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT state, entered_at, left_at, standard_minutes FROM "
                               "case_states WHERE standard_minutes > 0 AND ((left_at >= ? AND "
                               "left_at < ?) OR left_at IS NULL)"));
  st.BindInt(1, from);
  st.BindInt(2, to);
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    auto state = ParseCaseState(st.Text(0));
    if (!state.ok()) continue;
    StepCompliance& c = out[*state];
    c.state = *state;
    const TimeNs entered = st.Int(1);
    const TimeNs standard = st.Int(3) * 60 * kNsPerSecond;
    if (st.Int(2) <= 0) {  // NULL: the step runs
      if (now - entered > standard) ++c.open_overdue;
      continue;
    }
    const TimeNs took = st.Int(2) - entered;
    ++c.steps;
    if (took <= standard) ++c.on_time;
    spent[*state].push_back(took);
  }
  std::vector<StepCompliance> list;
  ASSIGN_OR_RETURN(std::vector<TimeStandard> standards, TimeStandardsLocked());
  for (const TimeStandard& ts : standards) {
    StepCompliance c = out.count(ts.state) ? out[ts.state] : StepCompliance{ts.state};
    auto& times = spent[ts.state];
    if (!times.empty()) {
      auto mid = times.begin() + static_cast<ptrdiff_t>(times.size() / 2);
      std::nth_element(times.begin(), mid, times.end());
      c.median_spent = *mid;
    }
    list.push_back(c);
  }
  return list;
}

Result<std::vector<TimeStandard>> CaseStore::TimeStandards() {
  std::lock_guard lock(mu_);
  return TimeStandardsLocked();
}

Result<std::vector<TimeStandard>> CaseStore::SetTimeStandards(
    std::span<const std::pair<CaseState, int64_t>> minutes, const std::string& actor) {
  if (minutes.empty()) return InvalidArgument("name at least one state and its minutes");
  for (const auto& [state, m] : minutes) {
    if (state == CaseState::kClosed) {
      return InvalidArgument("closed: a closed case has no time standard");
    }
    if (m < 1 || m > kMaxStandardMinutes) {
      return InvalidArgument(fmt::format("{}: minutes from 1 to {} (a year)", CaseStateName(state),
                                         kMaxStandardMinutes));
    }
  }
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  auto work = [&]() -> Status {
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(std::vector<TimeStandard> before, TimeStandardsLocked());
    nlohmann::json changes = nlohmann::json::object();
    for (const auto& [state, m] : minutes) {
      nlohmann::json from;
      for (const TimeStandard& t : before) {
        if (t.state == state) from = t.minutes;
      }
      changes[std::string(CaseStateName(state))] = {{"from", from}, {"to", m}};
    }
    RETURN_IF_ERROR(AppendAudit(db_, now, actor, "sla.update", "time_standards",
                                JsonText({{"changes", changes}}))
                        .status());
    ASSIGN_OR_RETURN(sqlite::Stmt st,
                     db_.Prepare("INSERT INTO time_standards(state, minutes, updated_by, updated) "
                                 "VALUES(?, ?, ?, ?) ON CONFLICT(state) DO UPDATE SET minutes = "
                                 "excluded.minutes, updated_by = excluded.updated_by, updated = "
                                 "excluded.updated"));
    for (const auto& [state, m] : minutes) {
      st.Reset();
      st.BindText(1, CaseStateName(state));
      st.BindInt(2, m);
      st.BindText(3, actor);
      st.BindInt(4, now);
      RETURN_IF_ERROR(st.Run());
    }
    return Status::Ok();
  };
  Status s = work();
  if (s.ok()) s = db_.Exec("COMMIT");
  if (!s.ok()) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  return TimeStandardsLocked();
}

std::string TimeStandardsJson(std::span<const TimeStandard> standards) {
  std::string out = R"({"items":[)";
  for (size_t i = 0; i < standards.size(); ++i) {
    const TimeStandard& t = standards[i];
    if (i > 0) out += ',';
    out += R"({"state":)";
    AppendJsonString(out, CaseStateName(t.state));
    out += fmt::format(R"(,"minutes":{},"default_minutes":{})", t.minutes,
                       DefaultStandardMinutes(t.state));
    AppendJsonMemberOrNull(out, "updated_by", t.updated_by);
    AppendJsonMemberOrNull(out, "updated", t.updated > 0 ? FormatRfc3339(t.updated) : "");
    out += "}";
  }
  return out + fmt::format(R"(],"next_cursor":null,"total":{}}})", standards.size());
}

}  // namespace pantau
