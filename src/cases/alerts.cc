#include "cases/alerts.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "auth/audit.h"
#include "cases/json_text.h"
#include "core/event.h"
#include "core/time.h"

namespace pantau {
namespace {

constexpr std::string_view kLevels[] = {"informational", "low", "medium", "high", "critical"};
constexpr std::string_view kStatuses[] = {"new", "acknowledged", "closed"};

int LevelRank(std::string_view level) {
  for (size_t i = 0; i < std::size(kLevels); ++i) {
    if (kLevels[i] == level) return static_cast<int>(i);
  }
  return 2;
}

bool Known(std::span<const std::string_view> names, std::string_view v) {
  return std::find(names.begin(), names.end(), v) != names.end();
}

constexpr std::string_view kColumns =
    "id, rule_id, rule_title, level, dataset, host, status, assignee, false_positive, "
    "false_positive_reason, count, first_seen, last_seen, event_ids, tags, fields, system_id, "
    "updated, case_id";

Alert AlertOf(const sqlite::Stmt& s) {
  Alert a;
  a.id = std::to_string(s.Int(0));
  a.rule_id = s.Text(1);
  a.rule_title = s.Text(2);
  a.level = s.Text(3);
  a.dataset = s.Text(4);
  a.host = s.Text(5);
  a.status = s.Text(6);
  a.assignee = s.Text(7);
  a.false_positive = s.Int(8) != 0;
  a.false_positive_reason = s.Text(9);
  a.count = s.Int(10);
  a.first_seen = s.Int(11);
  a.last_seen = s.Int(12);
  a.event_ids_json = s.Text(13);
  a.tags_json = s.Text(14);
  a.fields_json = s.Text(15);
  a.system_id = s.Text(16);
  a.updated = s.Int(17);
  if (s.Int(18) > 0) a.case_id = std::to_string(s.Int(18));
  return a;
}

std::string JsonArray(std::span<const std::string> items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, items[i]);
  }
  return out + "]";
}

Result<int64_t> ParseId(std::string_view id) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || end != id.data() + id.size() || v <= 0) {
    return NotFound(fmt::format("no alert '{}'", id));
  }
  return v;
}

}  // namespace

std::string Alert::ToJson() const {
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  auto field = [&](std::string_view name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":";
    AppendJsonString(out, value);
  };
  auto nullable = [&](std::string_view name, std::string_view value) {
    if (value.empty()) {
      out += ",\"" + std::string(name) + "\":null";
    } else {
      field(name, value);
    }
  };
  field("rule_id", rule_id);
  field("rule_title", rule_title);
  field("level", level);
  field("dataset", dataset);
  field("status", status);
  nullable("assignee", assignee);
  out += fmt::format(R"(,"count":{})", count);
  field("first_seen", FormatRfc3339(first_seen));
  field("last_seen", FormatRfc3339(last_seen));
  field("host", host);
  out += R"(,"event_ids":)" + event_ids_json;
  out += R"(,"tags":)" + tags_json;
  nullable("system_id", system_id);
  out += fmt::format(R"(,"false_positive":{})", false_positive ? "true" : "false");
  nullable("false_positive_reason", false_positive_reason);
  out += R"(,"fields":)" + fields_json;
  field("updated", FormatRfc3339(updated));
  nullable("case_id", case_id);
  return out + "}";
}

Status ValidateAlertChange(const AlertChange& change) {
  if (change.status && !Known(kStatuses, *change.status)) {
    return InvalidArgument(
        fmt::format("status: '{}' is not one of new, acknowledged, closed", *change.status));
  }
  if (change.assignee && change.assignee->size() > 100) {
    return InvalidArgument("assignee: at most 100 characters");
  }
  if (change.false_positive.value_or(false) &&
      (!change.false_positive_reason || change.false_positive_reason->empty())) {
    return InvalidArgument("false_positive_reason: say why the alert is a false positive");
  }
  if (change.false_positive_reason && change.false_positive_reason->size() > 4000) {
    return InvalidArgument("false_positive_reason: at most 4000 characters");
  }
  if (!change.status && !change.assignee && !change.false_positive &&
      !change.false_positive_reason) {
    return InvalidArgument("nothing to change: give status, assignee or false_positive");
  }
  return Status::Ok();
}

Result<std::unique_ptr<AlertStore>> AlertStore::Open(const std::string& data_dir,
                                                     const Clock& clock,
                                                     std::chrono::seconds group_window) {
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<AlertStore>(new AlertStore(std::move(db), clock, group_window));
}

// Hits are recorded a group at a time: the hits of one rule, host and dataset in a batch are
// added to their alert with one statement, so a flood of matches (a scan, a brute force) costs a
// few writes per batch, not one per hit.
Status AlertStore::Record(std::span<const AlertHit> hits) {
  if (hits.empty()) return Status::Ok();
  // Group by key, keeping the order keys first appear in, each group in time order.
  std::map<std::string, size_t> index;
  std::vector<std::pair<std::string, std::vector<const AlertHit*>>> groups;
  for (const AlertHit& h : hits) {
    std::string key = h.rule_id + '\x1f' + h.host + '\x1f' + h.dataset;
    auto [it, fresh] = index.emplace(key, groups.size());
    if (fresh) groups.emplace_back(std::move(key), std::vector<const AlertHit*>{});
    groups[it->second].second.push_back(&h);
  }
  for (auto& [key, list] : groups) {
    std::stable_sort(list.begin(), list.end(), [](const AlertHit* x, const AlertHit* y) {
      return x->timestamp < y->timestamp;
    });
  }

  std::lock_guard lock(mu_);
  // The write lock first: a deferred transaction that reads and then writes is refused at once
  // (database is locked) when another connection wrote in between, and the hits would be lost.
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  auto work = [&]() -> Status {
    ASSIGN_OR_RETURN(
        sqlite::Stmt find,
        db_.Prepare("SELECT id, first_seen, last_seen, count, event_ids FROM alerts "
                    "WHERE group_key = ? AND status != 'closed' AND last_seen >= ? AND "
                    "first_seen <= ? ORDER BY last_seen DESC LIMIT 1"));
    ASSIGN_OR_RETURN(
        sqlite::Stmt grow,
        db_.Prepare(
            "UPDATE alerts SET count = count + ?, first_seen = min(first_seen, ?), "
            "last_seen = max(last_seen, ?), event_ids = coalesce(?, event_ids), updated = ?, "
            "system_id = coalesce(system_id, ?) WHERE id = ?"));
    ASSIGN_OR_RETURN(
        sqlite::Stmt add,
        db_.Prepare("INSERT INTO alerts(rule_id, rule_title, level, level_rank, dataset, host, "
                    "group_key, count, first_seen, last_seen, event_ids, tags, fields, created, "
                    "updated, system_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const TimeNs now = clock_.Now();
    const TimeNs window = std::chrono::duration_cast<std::chrono::nanoseconds>(window_).count();

    // The alert a run of hits goes to: an open one found in the table (id > 0) or a new one.
    struct Target {
      int64_t id = 0;
      TimeNs first = 0, last = 0;
      int64_t added = 0;
      nlohmann::json ids = nlohmann::json::array();
      const AlertHit* first_hit = nullptr;
      const std::string* system_id = nullptr;  // of the first hit that names one
    };
    auto open = [&](const std::string& key, const AlertHit& h) -> Result<Target> {
      Target t;
      t.first = t.last = h.timestamp;
      t.first_hit = &h;
      find.Reset();
      find.BindText(1, key);
      find.BindInt(2, h.timestamp - window);
      find.BindInt(3, h.timestamp + window);
      ASSIGN_OR_RETURN(bool found, find.Step());
      if (found) {
        t.id = find.Int(0);
        t.first = find.Int(1);
        t.last = find.Int(2);
        // A full list of event ids is not read again: it stays as it is.
        if (find.Int(3) < static_cast<int64_t>(kMaxEventIds)) {
          t.ids = nlohmann::json::parse(find.Text(4), nullptr, false);
          if (!t.ids.is_array()) t.ids = nlohmann::json::array();
        } else {
          t.ids = nullptr;
        }
      }
      return t;
    };
    auto flush = [&](const std::string& key, const Target& t) -> Status {
      const std::string ids = t.ids.is_null() ? std::string() : t.ids.dump();
      if (t.id > 0) {
        grow.Reset();
        grow.BindInt(1, t.added);
        grow.BindInt(2, t.first);
        grow.BindInt(3, t.last);
        if (ids.empty()) {
          grow.BindNull(4);
        } else {
          grow.BindText(4, ids);
        }
        grow.BindInt(5, now);
        if (t.system_id == nullptr) {
          grow.BindNull(6);
        } else {
          grow.BindText(6, *t.system_id);
        }
        grow.BindInt(7, t.id);
        return grow.Run();
      }
      const AlertHit& h = *t.first_hit;
      add.Reset();
      add.BindText(1, h.rule_id);
      add.BindText(2, h.rule_title);
      add.BindText(3, h.level);
      add.BindInt(4, LevelRank(h.level));
      add.BindText(5, h.dataset);
      add.BindText(6, h.host);
      add.BindText(7, key);
      add.BindInt(8, t.added);
      add.BindInt(9, t.first);
      add.BindInt(10, t.last);
      add.BindText(11, ids);
      add.BindText(12, JsonArray(h.tags));
      add.BindText(13, h.fields_json.empty() ? std::string("{}") : h.fields_json);
      add.BindInt(14, now);
      add.BindInt(15, now);
      if (t.system_id == nullptr) {
        add.BindNull(16);
      } else {
        add.BindText(16, *t.system_id);
      }
      return add.Run();
    };
    for (const auto& [key, list] : groups) {
      std::optional<Target> t;
      for (const AlertHit* h : list) {
        if (t && (h->timestamp > t->last + window || h->timestamp < t->first - window)) {
          RETURN_IF_ERROR(flush(key, *t));
          t.reset();
        }
        if (!t) {
          ASSIGN_OR_RETURN(Target opened, open(key, *h));
          t = std::move(opened);
        }
        ++t->added;
        t->first = std::min(t->first, h->timestamp);
        t->last = std::max(t->last, h->timestamp);
        // Hits of the website monitor come from no stored event.
        if (t->ids.is_array() && t->ids.size() < kMaxEventIds && !h->event_id.empty()) {
          t->ids.push_back(h->event_id);
        }
        if (t->system_id == nullptr && !h->system_id.empty()) t->system_id = &h->system_id;
      }
      if (t) RETURN_IF_ERROR(flush(key, *t));
    }
    return Status::Ok();
  };
  Status s = work();
  if (s.ok()) s = db_.Exec("COMMIT");
  if (!s.ok()) (void)db_.Exec("ROLLBACK");
  return s;
}

Result<AlertPage> AlertStore::List(const AlertQuery& q) {
  for (const std::string& s : q.statuses) {
    if (!Known(kStatuses, s)) {
      return InvalidArgument(
          fmt::format("status: '{}' is not one of new, acknowledged, closed", s));
    }
  }
  for (const std::string& l : q.levels) {
    if (!Known(kLevels, l)) {
      return InvalidArgument(
          fmt::format("level: '{}' is not one of informational, low, medium, high, critical", l));
    }
  }
  std::string where = " WHERE 1";
  std::vector<std::pair<bool, std::string>> params;  // (is integer, value)
  auto in_list = [&](std::string_view column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    where += fmt::format(" AND {} IN (", column);
    for (size_t i = 0; i < values.size(); ++i) {
      where += i ? ",?" : "?";
      params.emplace_back(false, values[i]);
    }
    where += ")";
  };
  in_list("status", q.statuses);
  in_list("level", q.levels);
  if (!q.rule.empty()) {
    where += " AND (rule_id = ? OR rule_title = ?)";
    params.emplace_back(false, q.rule);
    params.emplace_back(false, q.rule);
  }
  if (!q.host.empty()) {
    where += " AND host = ? COLLATE NOCASE";
    params.emplace_back(false, q.host);
  }
  if (q.from) {
    where += " AND last_seen >= ?";
    params.emplace_back(true, std::to_string(*q.from));
  }
  if (q.to) {
    where += " AND last_seen < ?";
    params.emplace_back(true, std::to_string(*q.to));
  }
  auto bind = [&](sqlite::Stmt& st, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      if (params[i].first) {
        st.BindInt(static_cast<int>(i + 1), std::stoll(params[i].second));
      } else {
        st.BindText(static_cast<int>(i + 1), params[i].second);
      }
    }
  };
  std::lock_guard lock(mu_);
  AlertPage page;
  {
    ASSIGN_OR_RETURN(sqlite::Stmt count, db_.Prepare("SELECT count(*) FROM alerts" + where));
    bind(count, params.size());
    ASSIGN_OR_RETURN(bool row, count.Step());
    if (row) page.total = count.Int(0);
  }
  std::string sql = fmt::format("SELECT {} FROM alerts{}", kColumns, where);
  if (!q.cursor.empty()) {
    // "<last_seen>_<id>" of the last alert of the page before.
    const size_t sep = q.cursor.find('_');
    int64_t t = 0, id = 0;
    bool ok = sep != std::string::npos;
    if (ok) {
      auto a = std::from_chars(q.cursor.data(), q.cursor.data() + sep, t);
      auto b = std::from_chars(q.cursor.data() + sep + 1, q.cursor.data() + q.cursor.size(), id);
      ok = a.ec == std::errc() && b.ec == std::errc() && b.ptr == q.cursor.data() + q.cursor.size();
    }
    if (!ok) return InvalidArgument("cursor: not a cursor this server gave out");
    sql += " AND (last_seen < ? OR (last_seen = ? AND id < ?))";
    params.emplace_back(true, std::to_string(t));
    params.emplace_back(true, std::to_string(t));
    params.emplace_back(true, std::to_string(id));
  }
  sql += " ORDER BY last_seen DESC, id DESC LIMIT ?";
  params.emplace_back(true, std::to_string(q.limit + 1));
  ASSIGN_OR_RETURN(sqlite::Stmt st, db_.Prepare(sql));
  bind(st, params.size());
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    page.items.push_back(AlertOf(st));
  }
  if (page.items.size() > q.limit) {
    page.items.resize(q.limit);
    const Alert& last = page.items.back();
    page.next_cursor = fmt::format("{}_{}", last.last_seen, last.id);
  }
  return page;
}

std::span<const std::string_view> AlertStats::LevelNames() { return kLevels; }
std::span<const std::string_view> AlertStats::StatusNames() { return kStatuses; }

Result<AlertStats> AlertStore::Stats(const AlertStatsQuery& q) {
  constexpr size_t kMaxBuckets = 1000;
  constexpr TimeNs kSecond = 1'000'000'000;
  if (q.from >= q.to) return InvalidArgument("from: must be before to");
  if (q.buckets < 1 || q.buckets > kMaxBuckets) {
    return InvalidArgument(fmt::format("buckets: a whole number from 1 to {}", kMaxBuckets));
  }
  AlertStats out;
  out.from = q.from;
  out.to = q.to;
  // Whole seconds, rounded up, so that the buckets cover the range.
  const TimeNs range = q.to - q.from;
  const TimeNs per_bucket =
      (range + static_cast<TimeNs>(q.buckets) - 1) / static_cast<TimeNs>(q.buckets);
  out.interval_s = std::max<TimeNs>(1, (per_bucket + kSecond - 1) / kSecond);
  const TimeNs interval = out.interval_s * kSecond;
  const size_t count = static_cast<size_t>((range + interval - 1) / interval);
  out.buckets.resize(count);
  for (size_t i = 0; i < count; ++i) {
    out.buckets[i].start = q.from + static_cast<TimeNs>(i) * interval;
  }
  auto index_of = [](std::span<const std::string_view> names, std::string_view v) -> int {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == v) return static_cast<int>(i);
    }
    return -1;
  };
  constexpr std::string_view kWhere = " FROM alerts WHERE last_seen >= ?1 AND last_seen < ?2 ";

  std::lock_guard lock(mu_);
  // One read transaction, so that the figures agree with each other.
  RETURN_IF_ERROR(db_.Exec("BEGIN"));
  auto work = [&]() -> Status {
    ASSIGN_OR_RETURN(sqlite::Stmt by_time,
                     db_.Prepare(fmt::format("SELECT (last_seen - ?1) / ?3, level, sum(count){}"
                                             "GROUP BY 1, 2",
                                             kWhere)));
    by_time.BindInt(1, q.from);
    by_time.BindInt(2, q.to);
    by_time.BindInt(3, interval);
    while (true) {
      ASSIGN_OR_RETURN(bool row, by_time.Step());
      if (!row) break;
      const int64_t bucket = by_time.Int(0);
      const int level = index_of(AlertStats::LevelNames(), by_time.Text(1));
      if (bucket < 0 || bucket >= static_cast<int64_t>(count) || level < 0) continue;
      out.buckets[static_cast<size_t>(bucket)].by_level[static_cast<size_t>(level)] +=
          by_time.Int(2);
    }
    ASSIGN_OR_RETURN(
        sqlite::Stmt by_status,
        db_.Prepare(fmt::format("SELECT status, sum(count), count(*){}GROUP BY 1", kWhere)));
    by_status.BindInt(1, q.from);
    by_status.BindInt(2, q.to);
    while (true) {
      ASSIGN_OR_RETURN(bool row, by_status.Step());
      if (!row) break;
      out.events += by_status.Int(1);
      out.alerts += by_status.Int(2);
      const int status = index_of(AlertStats::StatusNames(), by_status.Text(0));
      if (status >= 0) out.by_status[static_cast<size_t>(status)] += by_status.Int(1);
    }
    // With max(), SQLite takes the bare columns from the row of the maximum: the rule's latest
    // title and level.
    ASSIGN_OR_RETURN(sqlite::Stmt rules,
                     db_.Prepare(fmt::format("SELECT rule_id, rule_title, level, sum(count) AS n, "
                                             "max(last_seen){}GROUP BY rule_id "
                                             "ORDER BY n DESC, rule_id LIMIT ?3",
                                             kWhere)));
    rules.BindInt(1, q.from);
    rules.BindInt(2, q.to);
    rules.BindInt(3, static_cast<int64_t>(q.top));
    while (true) {
      ASSIGN_OR_RETURN(bool row, rules.Step());
      if (!row) break;
      out.top_rules.push_back({std::string(rules.Text(0)), std::string(rules.Text(1)),
                               std::string(rules.Text(2)), rules.Int(3)});
    }
    ASSIGN_OR_RETURN(sqlite::Stmt hosts,
                     db_.Prepare(fmt::format("SELECT host, sum(count) AS n{}AND host != '' "
                                             "GROUP BY host ORDER BY n DESC, host LIMIT ?3",
                                             kWhere)));
    hosts.BindInt(1, q.from);
    hosts.BindInt(2, q.to);
    hosts.BindInt(3, static_cast<int64_t>(q.top));
    while (true) {
      ASSIGN_OR_RETURN(bool row, hosts.Step());
      if (!row) break;
      out.top_hosts.emplace_back(std::string(hosts.Text(0)), hosts.Int(1));
    }
    return Status::Ok();
  };
  Status s = work();
  (void)db_.Exec(s.ok() ? "COMMIT" : "ROLLBACK");
  if (!s.ok()) return s;
  return out;
}

Result<Alert> ReadAlert(sqlite::Db& db, std::string_view id) {
  ASSIGN_OR_RETURN(int64_t n, ParseId(id));
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db.Prepare(fmt::format("SELECT {} FROM alerts WHERE id = ?", kColumns)));
  st.BindInt(1, n);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no alert '{}'", id));
  return AlertOf(st);
}

Result<Alert> AlertStore::GetLocked(std::string_view id) { return ReadAlert(db_, id); }

Result<Alert> AlertStore::Get(std::string_view id) {
  std::lock_guard lock(mu_);
  return GetLocked(id);
}

Status AlertStore::UpdateLocked(std::string_view id, const AlertChange& c, std::string_view actor) {
  ASSIGN_OR_RETURN(Alert current, GetLocked(id));
  const std::string status = c.status.value_or(current.status);
  const std::string assignee = c.assignee.value_or(current.assignee);
  const bool fp = c.false_positive.value_or(current.false_positive);
  std::string reason = c.false_positive_reason.value_or(current.false_positive_reason);
  if (!fp) reason.clear();
  const TimeNs now = clock_.Now();
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("UPDATE alerts SET status = ?, assignee = ?, false_positive = ?, "
                               "false_positive_reason = ?, updated = ? WHERE id = ?"));
  st.BindText(1, status);
  if (assignee.empty()) {
    st.BindNull(2);
  } else {
    st.BindText(2, assignee);
  }
  st.BindInt(3, fp ? 1 : 0);
  if (reason.empty()) {
    st.BindNull(4);
  } else {
    st.BindText(4, reason);
  }
  st.BindInt(5, now);
  st.BindInt(6, std::stoll(current.id));
  RETURN_IF_ERROR(st.Run());
  nlohmann::json changes = nlohmann::json::object();
  auto note = [&](const char* field, const nlohmann::json& from, const nlohmann::json& to) {
    if (from != to) changes[field] = {{"from", from}, {"to", to}};
  };
  note("status", current.status, status);
  note("assignee", current.assignee, assignee);
  note("false_positive", current.false_positive, fp);
  note("false_positive_reason", current.false_positive_reason, reason);
  if (changes.empty()) return Status::Ok();
  const nlohmann::json details = {{"rule_id", current.rule_id}, {"changes", changes}};
  return AppendAudit(db_, now, actor, "alert.update", "alert:" + current.id, JsonText(details))
      .status();
}

Result<Alert> AlertStore::Update(std::string_view id, const AlertChange& change,
                                 std::string_view actor) {
  const std::string one(id);
  ASSIGN_OR_RETURN(std::vector<Alert> changed, UpdateMany(std::span(&one, 1), change, actor));
  return std::move(changed.front());
}

Result<std::vector<Alert>> AlertStore::UpdateMany(std::span<const std::string> ids,
                                                  const AlertChange& change,
                                                  std::string_view actor) {
  RETURN_IF_ERROR(ValidateAlertChange(change));
  if (ids.empty()) return InvalidArgument("ids: name at least one alert");
  if (ids.size() > 10'000) return InvalidArgument("ids: at most 10000 alerts at once");
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));  // reads, then writes: the write lock first
  std::vector<Alert> out;
  Status s;
  for (const std::string& id : ids) {
    s = UpdateLocked(id, change, actor);
    if (!s.ok()) break;
    auto a = GetLocked(id);
    if (!a.ok()) {
      s = a.status();
      break;
    }
    out.push_back(std::move(*a));
  }
  if (s.ok()) s = db_.Exec("COMMIT");
  if (!s.ok()) {
    (void)db_.Exec("ROLLBACK");
    return s;
  }
  return out;
}

}  // namespace pantau
