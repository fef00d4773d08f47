// The timeline of a case (SOP step 4, and the digital-forensics timeline the SOP's equipment
// names): what happened, in time order, put together when asked from what Pantau already keeps:
// the events of the linked alerts (read from the event store by the ids the alerts kept), the
// alerts themselves, the case's own states and verdicts, the notes written on it, and entries
// people add by hand ("16:05 WITA: the PSE took the site offline"). Only those manual entries are
// stored here (TimelineStore); they are append-only and audited (timeline.add), and a closed
// case takes no new ones.
//
// Event summaries are log content: hostile text that every view escapes.
//
// Paging: the items are in one total order (time, kind, then the item's key), and a cursor is
// the place of the last item of a page in it. The next page is what comes after that place in
// the timeline as it is then, so items that arrive between two pages neither repeat an item nor
// push one out of sight: those placed after the cursor are on a later page, those before it on
// the next read from the start.
//
// Thread-safety: TimelineStore's methods may be called from any thread (one connection behind a
// mutex); MergeTimeline is pure; BuildCaseTimeline calls only thread-safe stores.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/audit.h"
#include "cases/alerts.h"
#include "cases/cases.h"
#include "cases/notes.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/event_store.h"
#include "store/sqlite/db.h"

namespace pantau {

// An entry a person added to a case's timeline.
struct TimelineEntry {
  std::string id;
  std::string case_id;
  TimeNs time = 0;  // when it happened, as they said
  std::string text;
  std::string author;
  TimeNs created = 0;  // when they wrote it

  // {"id", "case_id", "time", "text", "author", "created"}
  std::string ToJson() const;
};

class TimelineStore {
 public:
  static constexpr size_t kMaxText = 4000;
  // How far ahead of the server's clock an entry may be dated (clocks differ a little; a
  // timeline records what has happened).
  static constexpr TimeNs kMaxAhead = 3600 * kNsPerSecond;

  static Result<std::unique_ptr<TimelineStore>> Open(const std::string& data_dir,
                                                     const Clock& clock);

  // `case_id` is a case's id or number; `time` may lie in the past. InvalidArgument for empty or
  // overlong text or a time in the future, FailedPrecondition for a closed case.
  Result<TimelineEntry> Add(std::string_view case_id, TimeNs time, std::string_view text,
                            const Actor& actor);
  // The case's manual entries by time.
  Result<std::vector<TimelineEntry>> Entries(std::string_view case_id);

 private:
  TimelineStore(sqlite::Db db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
};

// The kinds of item, in the order that breaks ties between items of the same time: what
// happened (events) before what saw it (alerts) before what people did about it.
enum class TimelineKind { kEvent, kAlert, kState, kVerdict, kNote, kManual };
std::string_view TimelineKindName(TimelineKind kind);

struct TimelineItem {
  TimeNs time = 0;
  TimelineKind kind = TimelineKind::kEvent;
  std::string summary;  // one line to show: the log message, rule title, state, note title, text
  std::string actor;    // the person (state, verdict, note, manual); empty for events and alerts
  std::string id;       // the event's, alert's, note's or manual entry's id; a state's name
  // With time and kind, what identifies the item among the case's and orders it among those of
  // its time and kind: the event's, alert's, note's or manual entry's id, the state's place in
  // the case's history, the verdict's audit entry.
  std::string key;
  std::string alert_id;         // event: the alert that kept it
  std::string dataset, host;    // event, alert
  std::string rule_id, level;   // alert
  int64_t count = 0;            // alert: how many matches
  std::string action, comment;  // state
  std::string verdict;          // verdict
  std::string note_kind;        // note
  bool withdrawn = false;       // note

  // {"time", "kind", "summary", ...} with the kind's own fields:
  // event {"event_id", "alert_id", "dataset", "host"|null}; alert {"alert_id", "rule_id",
  // "level", "dataset", "host"|null, "count"}; state {"state", "action"|null, "actor",
  // "comment"|null}; verdict {"verdict", "actor"} (the justification is the summary); note
  // {"note_id", "note_kind", "withdrawn", "actor"}; manual {"entry_id", "actor"}.
  std::string ToJson() const;
};

// An event of an alert, as the timeline shows it.
struct AlertEvent {
  std::string alert_id;  // empty: linked to the case itself
  StoredEvent event;
};

// Every item of the sources, by time (ties: by kind, then by key, numbers by their value). Pure.
std::vector<TimelineItem> MergeTimeline(const Case& c, std::span<const Alert> alerts,
                                        std::span<const AlertEvent> events,
                                        std::span<const AuditEntry> history,
                                        std::span<const Note> notes,
                                        std::span<const TimelineEntry> manual);

struct Timeline {
  std::vector<TimelineItem> items;  // the whole timeline, or a page of it
  int64_t total = 0;                // items in the whole timeline
  std::string next_cursor;          // after a page with more to come; empty on the last
  int64_t events_omitted = 0;       // event ids of the alerts beyond the limit, not read
  int64_t events_missing = 0;       // event ids no longer in the store (past retention)

  // {"items": [...], "next_cursor": "..."|null, "total": N, "events_omitted", "events_missing"}
  std::string ToJson() const;
};

// Events read for one timeline at most. An alert keeps the ids of its first 100 events, so this
// is a hundred alerts in full; it bounds what one request reads from the event store.
inline constexpr size_t kMaxTimelineEvents = 10'000;
inline constexpr size_t kDefaultTimelinePage = 200;
inline constexpr size_t kMaxTimelinePage = 1000;

// The items of `whole` after `cursor` (empty: from the start), at most `limit` of them, with the
// cursor of the next page when more follow. InvalidArgument for a cursor this server did not
// give out. Pure.
Result<Timeline> TimelinePage(Timeline whole, std::string_view cursor, size_t limit);

// The stores a case's timeline is read from.
struct TimelineSources {
  CaseStore& cases;
  AlertStore& alerts;
  const EventStore& events;
  NoteStore& notes;
  TimelineStore& manual;
};

// The whole timeline of the case `case_id` (id or number), with at most `max_events` events:
// those linked to the case, then its alerts', taken from each alert in turn so that every alert
// is represented.
Result<Timeline> BuildCaseTimeline(std::string_view case_id, const TimelineSources& sources,
                                   size_t max_events = kMaxTimelineEvents);

}  // namespace pantau
