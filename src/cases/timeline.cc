#include "cases/timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "cases/case_ref.h"
#include "cases/json_text.h"
#include "cases/text.h"
#include "core/event.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr std::string_view kKindNames[] = {"event", "alert", "state", "verdict", "note", "manual"};

// An event's message is shown on one line and at most this long; the event itself has the rest.
constexpr size_t kMaxEventSummary = 1000;

std::string OneLine(std::string_view s, size_t max_bytes) {
  std::string out = ShortenedText(s, max_bytes);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return out;
}

// The host an event is about: host.name, or for a network device observer.name.
std::string HostOf(const StoredEvent& e) {
  const nlohmann::json fields = nlohmann::json::parse(e.fields_json, nullptr, false);
  if (!fields.is_object()) return "";
  for (const char* name : {"host.name", "observer.name"}) {
    auto it = fields.find(name);
    if (it != fields.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

// A string member of a JSON object, or "" (also when it is something else than a string).
std::string StringField(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// a < b with runs of digits compared by their value, so that "9" < "10" and "20260301-9" <
// "20260301-10": ids in the order they were given out.
bool NaturalLess(std::string_view a, std::string_view b) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && is_digit(a[ie])) ++ie;
      while (je < b.size() && is_digit(b[je])) ++je;
      std::string_view x = a.substr(i, ie - i), y = b.substr(j, je - j);
      while (x.size() > 1 && x[0] == '0') x.remove_prefix(1);
      while (y.size() > 1 && y[0] == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      // Equal values written differently ("07", "7") still need one order.
      if (ie - i != je - j) return ie - i < je - j;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

// The timeline's one order: by time, then kind, then key.
bool ItemLess(const TimelineItem& a, const TimelineItem& b) {
  if (a.time != b.time) return a.time < b.time;
  if (a.kind != b.kind) return a.kind < b.kind;
  return NaturalLess(a.key, b.key);
}

constexpr size_t kMaxKey = 100;

// "<time>.<kind>.<key>": the place of an item in the order, readable in logs and bug reports.
std::string CursorOf(const TimelineItem& item) {
  return fmt::format("{}.{}.{}", item.time, static_cast<int>(item.kind), item.key);
}

// The place a cursor names, as an item with only time, kind and key set.
Result<TimelineItem> ParseCursor(std::string_view cursor) {
  const Status bad = InvalidArgument("cursor: not a cursor this server gave out");
  const size_t first = cursor.find('.');
  if (first == std::string_view::npos) return bad;
  const size_t second = cursor.find('.', first + 1);
  if (second == std::string_view::npos) return bad;
  TimelineItem at;
  const char* begin = cursor.data();
  auto [time_end, time_ec] = std::from_chars(begin, begin + first, at.time);
  int kind = -1;
  auto [kind_end, kind_ec] = std::from_chars(begin + first + 1, begin + second, kind);
  at.key = std::string(cursor.substr(second + 1));
  if (time_ec != std::errc() || time_end != begin + first || kind_ec != std::errc() ||
      kind_end != begin + second || kind < 0 || kind > static_cast<int>(TimelineKind::kManual) ||
      at.key.empty() || at.key.size() > kMaxKey) {
    return bad;
  }
  at.kind = static_cast<TimelineKind>(kind);
  return at;
}

TimelineEntry EntryOf(const sqlite::Stmt& s) {
  return {std::to_string(s.Int(0)), std::to_string(s.Int(1)), s.Int(2),
          std::string(s.Text(3)),   std::string(s.Text(4)),   s.Int(5)};
}

}  // namespace

std::string_view TimelineKindName(TimelineKind kind) { return kKindNames[static_cast<int>(kind)]; }

std::string TimelineEntry::ToJson() const {
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  AppendJsonMember(out, "case_id", case_id);
  AppendJsonMember(out, "time", FormatRfc3339(time));
  AppendJsonMember(out, "text", text);
  AppendJsonMember(out, "author", author);
  AppendJsonMember(out, "created", FormatRfc3339(created));
  return out + "}";
}

std::string TimelineItem::ToJson() const {
  std::string out = R"({"time":)";
  AppendJsonString(out, FormatRfc3339(time));
  AppendJsonMember(out, "kind", TimelineKindName(kind));
  AppendJsonMember(out, "summary", summary);
  switch (kind) {
    case TimelineKind::kEvent:
      AppendJsonMember(out, "event_id", id);
      AppendJsonMemberOrNull(out, "alert_id", alert_id);  // null: linked to the case itself
      AppendJsonMember(out, "dataset", dataset);
      AppendJsonMemberOrNull(out, "host", host);
      break;
    case TimelineKind::kAlert:
      AppendJsonMember(out, "alert_id", id);
      AppendJsonMember(out, "rule_id", rule_id);
      AppendJsonMember(out, "level", level);
      AppendJsonMember(out, "dataset", dataset);
      AppendJsonMemberOrNull(out, "host", host);
      out += fmt::format(R"(,"count":{})", count);
      break;
    case TimelineKind::kState:
      AppendJsonMember(out, "state", id);
      AppendJsonMemberOrNull(out, "action", action);
      AppendJsonMember(out, "actor", actor);
      AppendJsonMemberOrNull(out, "comment", comment);
      break;
    case TimelineKind::kVerdict:
      AppendJsonMember(out, "verdict", verdict);
      AppendJsonMember(out, "actor", actor);
      break;
    case TimelineKind::kNote:
      AppendJsonMember(out, "note_id", id);
      AppendJsonMember(out, "note_kind", note_kind);
      out += withdrawn ? R"(,"withdrawn":true)" : R"(,"withdrawn":false)";
      AppendJsonMember(out, "actor", actor);
      break;
    case TimelineKind::kManual:
      AppendJsonMember(out, "entry_id", id);
      AppendJsonMember(out, "actor", actor);
      break;
  }
  return out + "}";
}

std::vector<TimelineItem> MergeTimeline(const Case& c, std::span<const Alert> alerts,
                                        std::span<const AlertEvent> events,
                                        std::span<const AuditEntry> history,
                                        std::span<const Note> notes,
                                        std::span<const TimelineEntry> manual) {
  std::vector<TimelineItem> items;
  for (const AlertEvent& ae : events) {
    const StoredEvent& e = ae.event;
    TimelineItem item;
    item.time = e.timestamp;
    item.kind = TimelineKind::kEvent;
    item.summary = OneLine(e.message.empty() ? e.raw : e.message, kMaxEventSummary);
    item.id = e.id;
    item.key = e.id;
    item.alert_id = ae.alert_id;
    item.dataset = e.dataset;
    item.host = HostOf(e);
    items.push_back(std::move(item));
  }
  for (const Alert& a : alerts) {
    TimelineItem item;
    item.time = a.first_seen;
    item.kind = TimelineKind::kAlert;
    item.summary = a.rule_title;
    item.id = a.id;
    item.key = a.id;
    item.rule_id = a.rule_id;
    item.level = a.level;
    item.dataset = a.dataset;
    item.host = a.host;
    item.count = a.count;
    items.push_back(std::move(item));
  }
  for (size_t i = 0; i < c.workflow.history.size(); ++i) {
    const StateEntry& s = c.workflow.history[i];
    TimelineItem item;
    item.time = s.entered_at;
    item.kind = TimelineKind::kState;
    item.summary = std::string(CaseStateName(s.state));
    item.id = item.summary;
    item.key = std::to_string(i);  // the history only grows: a state keeps its place
    item.actor = s.actor;
    if (s.action) item.action = std::string(CaseActionName(*s.action));
    item.comment = s.comment;
    items.push_back(std::move(item));
  }
  for (const AuditEntry& e : history) {
    if (e.action != "case.verdict") continue;
    const nlohmann::json d = nlohmann::json::parse(e.details_json, nullptr, false);
    if (!d.is_object()) continue;
    TimelineItem item;
    item.time = e.time;
    item.kind = TimelineKind::kVerdict;
    item.verdict = StringField(d, "verdict");
    item.summary = StringField(d, "justification");
    item.actor = e.actor;
    item.key = std::to_string(e.seq);
    items.push_back(std::move(item));
  }
  for (const Note& n : notes) {
    TimelineItem item;
    item.time = n.created;
    item.kind = TimelineKind::kNote;
    item.summary = n.latest.title;
    item.id = n.id;
    item.key = n.id;
    item.note_kind = n.kind;
    item.withdrawn = n.latest.withdrawn;
    item.actor = n.created_by;
    items.push_back(std::move(item));
  }
  for (const TimelineEntry& m : manual) {
    TimelineItem item;
    item.time = m.time;
    item.kind = TimelineKind::kManual;
    item.summary = m.text;
    item.id = m.id;
    item.key = m.id;
    item.actor = m.author;
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), ItemLess);
  return items;
}

Result<Timeline> TimelinePage(Timeline whole, std::string_view cursor, size_t limit) {
  auto start = whole.items.begin();
  if (!cursor.empty()) {
    ASSIGN_OR_RETURN(const TimelineItem at, ParseCursor(cursor));
    start = std::upper_bound(whole.items.begin(), whole.items.end(), at, ItemLess);
  }
  Timeline page;
  page.total = static_cast<int64_t>(whole.items.size());
  page.events_omitted = whole.events_omitted;
  page.events_missing = whole.events_missing;
  const size_t left = static_cast<size_t>(whole.items.end() - start);
  const auto end = start + static_cast<std::ptrdiff_t>(std::min(left, limit));
  page.items.assign(std::make_move_iterator(start), std::make_move_iterator(end));
  if (end != whole.items.end() && !page.items.empty())
    page.next_cursor = CursorOf(page.items.back());
  return page;
}

std::string Timeline::ToJson() const {
  std::string out = R"({"items":[)";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += items[i].ToJson();
  }
  out += R"(],"next_cursor":)";
  if (next_cursor.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, next_cursor);
  }
  return out + fmt::format(R"(,"total":{},"events_omitted":{},"events_missing":{}}})", total,
                           events_omitted, events_missing);
}

Result<std::unique_ptr<TimelineStore>> TimelineStore::Open(const std::string& data_dir,
                                                           const Clock& clock) {
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<TimelineStore>(new TimelineStore(std::move(db), clock));
}

Result<TimelineEntry> TimelineStore::Add(std::string_view case_id, TimeNs time,
                                         std::string_view input, const Actor& actor) {
  const std::string text = TrimmedText(input);
  if (text.empty() || text.size() > kMaxText || !IsPrintableText(text, true)) {
    return InvalidArgument(fmt::format("text: 1 to {} printable characters", kMaxText));
  }
  std::lock_guard lock(mu_);
  return InWriteTransaction(db_, [&]() -> Result<TimelineEntry> {
    const TimeNs now = clock_.Now();
    if (time > now + kMaxAhead) {
      return InvalidArgument(
          fmt::format("time: {} is in the future (the server's clock says {}); a timeline "
                      "records what has happened",
                      FormatRfc3339(time), FormatRfc3339(now)));
    }
    ASSIGN_OR_RETURN(const CaseRef ref, ReadCaseRef(db_, case_id));
    RETURN_IF_ERROR(CheckCaseOpen(ref, "a timeline entry"));
    ASSIGN_OR_RETURN(sqlite::Stmt st,
                     db_.Prepare("INSERT INTO case_timeline(case_id, time, text, author, created) "
                                 "VALUES(?, ?, ?, ?, ?) RETURNING id, case_id, time, text, "
                                 "author, created"));
    st.BindInt(1, ref.id);
    st.BindInt(2, time);
    st.BindText(3, text);
    st.BindText(4, actor.name);
    st.BindInt(5, now);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Internal("the timeline entry was not stored");
    TimelineEntry entry = EntryOf(st);
    st.Reset();
    const nlohmann::json details = {{"number", ref.number},
                                    {"role", RoleName(actor.role)},
                                    {"entry", entry.id},
                                    {"time", FormatRfc3339(time)},
                                    {"text", text}};
    RETURN_IF_ERROR(AppendAudit(db_, now, actor.name, "timeline.add", CaseAuditObject(ref.id),
                                JsonText(details))
                        .status());
    return entry;
  });
}

Result<std::vector<TimelineEntry>> TimelineStore::Entries(std::string_view case_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const CaseRef ref, ReadCaseRef(db_, case_id));
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT id, case_id, time, text, author, created FROM "
                               "case_timeline WHERE case_id = ? ORDER BY time, id"));
  st.BindInt(1, ref.id);
  std::vector<TimelineEntry> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(EntryOf(st));
  }
  return out;
}

Result<Timeline> BuildCaseTimeline(std::string_view case_id, const TimelineSources& sources,
                                   size_t max_events) {
  ASSIGN_OR_RETURN(const Case c, sources.cases.Get(case_id));
  std::vector<Alert> alerts;
  for (const std::string& id : c.alert_ids) {
    ASSIGN_OR_RETURN(Alert a, sources.alerts.Get(id));
    alerts.push_back(std::move(a));
  }
  std::sort(alerts.begin(), alerts.end(),
            [](const Alert& a, const Alert& b) { return a.first_seen < b.first_seen; });

  // Each alert's kept event ids, taken one from each alert in turn up to the limit.
  std::vector<std::vector<std::string>> ids(alerts.size());
  size_t left = 0;
  for (size_t i = 0; i < alerts.size(); ++i) {
    const nlohmann::json j = nlohmann::json::parse(alerts[i].event_ids_json, nullptr, false);
    if (!j.is_array()) continue;
    for (const auto& v : j) {
      if (v.is_string()) ids[i].push_back(v.get<std::string>());
    }
    left += ids[i].size();
  }
  Timeline timeline;
  // Which ids to read, and from which alert (none: linked to the case itself).
  std::vector<std::string> wanted;
  std::unordered_map<std::string, std::string> alert_of;
  auto add = [&](const std::string& alert_id, const std::string& id) {
    if (!alert_of.emplace(id, alert_id).second) return;  // two alerts, one event
    if (wanted.size() >= max_events) {
      ++timeline.events_omitted;
      return;
    }
    wanted.push_back(id);
  };
  // Events linked to the case itself come first; then the alerts' in turn.
  for (const std::string& id : c.event_ids) add("", id);
  for (size_t round = 0; left > 0; ++round) {
    for (size_t i = 0; i < alerts.size(); ++i) {
      if (round >= ids[i].size()) continue;
      --left;
      add(alerts[i].id, ids[i][round]);
    }
  }
  ASSIGN_OR_RETURN(std::vector<StoredEvent> found, sources.events.GetMany(wanted));
  // What was not found was removed with its day by retention.
  timeline.events_missing = static_cast<int64_t>(wanted.size() - found.size());
  std::vector<AlertEvent> events;
  events.reserve(found.size());
  std::unordered_set<std::string> seen;
  for (StoredEvent& e : found) {
    if (!seen.insert(e.id).second) continue;  // one event under two spellings of its id
    auto it = alert_of.find(e.id);
    events.push_back({it != alert_of.end() ? it->second : std::string(), std::move(e)});
  }
  ASSIGN_OR_RETURN(const std::vector<AuditEntry> history, sources.cases.History(c.id));
  ASSIGN_OR_RETURN(const std::vector<Note> notes, sources.notes.List(c.id));
  ASSIGN_OR_RETURN(const std::vector<TimelineEntry> manual, sources.manual.Entries(c.id));
  timeline.items = MergeTimeline(c, alerts, events, history, notes, manual);
  timeline.total = static_cast<int64_t>(timeline.items.size());
  return timeline;
}

}  // namespace pantau
