#include "api/case_workspace_route.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "api/cases_route.h"
#include "api/list_json.h"
#include "api/request_input.h"
#include "cases/attack_library.h"
#include "cases/notes.h"
#include "cases/timeline.h"
#include "core/time.h"

namespace pantau {
namespace {

Status StringOf(const std::string& key, const nlohmann::json& v, std::string& out) {
  if (!v.is_string()) return InvalidArgument(key + ": expected a string");
  out = v.get<std::string>();
  return Status::Ok();
}

}  // namespace

Result<std::string> HandleNotesList(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(std::vector<Note> notes, ctx.notes.List(id));
  return WholeListJson(notes);
}

Result<std::string> HandleNoteCreate(const Caller& caller, std::string_view id,
                                     std::string_view body, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(nlohmann::json j, ParseObject(body));
  NewNote note;
  bool kind = false, title = false;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (key == "kind") {
      RETURN_IF_ERROR(StringOf(key, item.value(), note.kind));
      kind = true;
    } else if (key == "title") {
      RETURN_IF_ERROR(StringOf(key, item.value(), note.title));
      title = true;
    } else if (key == "body") {
      RETURN_IF_ERROR(StringOf(key, item.value(), note.body));
    } else {
      return InvalidArgument("body: unknown key '" + key + "'");
    }
  }
  if (!kind) {
    return InvalidArgument(
        "kind: one of attack_form, attack_scheme, root_cause, impact, mitigation, handling, "
        "general");
  }
  if (!title) return InvalidArgument("title: give the note a title");
  ASSIGN_OR_RETURN(Note n, ctx.notes.Create(id, note, actor));
  return n.ToJson();
}

Result<std::string> HandleNoteGet(std::string_view id, std::string_view note_id,
                                  const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Note n, ctx.notes.Get(id, note_id));
  return n.ToJson();
}

Result<std::string> HandleNotePut(const Caller& caller, std::string_view id,
                                  std::string_view note_id, std::string_view body,
                                  const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(nlohmann::json j, ParseObject(body));
  NoteChange change;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    const nlohmann::json& v = item.value();
    if (key == "title" || key == "body") {
      std::string s;
      RETURN_IF_ERROR(StringOf(key, v, s));
      (key == "title" ? change.title : change.body) = std::move(s);
    } else if (key == "withdrawn") {
      if (!v.is_boolean()) return InvalidArgument("withdrawn: expected true or false");
      change.withdrawn = v.get<bool>();
    } else if (key == "base_revision") {
      if (!v.is_number_integer()) {
        return InvalidArgument("base_revision: the revision number the edit started from");
      }
      change.base_revision = v.get<int64_t>();
    } else {
      return InvalidArgument("body: unknown key '" + key + "'");
    }
  }
  ASSIGN_OR_RETURN(Note n, ctx.notes.Revise(id, note_id, change, actor));
  return n.ToJson();
}

Result<std::string> HandleNoteRevisions(std::string_view id, std::string_view note_id,
                                        const ApiContext& ctx) {
  ASSIGN_OR_RETURN(std::vector<NoteRevision> revisions, ctx.notes.Revisions(id, note_id));
  return WholeListJson(revisions);
}

Result<std::string> HandleTimelineGet(std::string_view id, std::string_view limit,
                                      std::string_view cursor, const ApiContext& ctx) {
  size_t n = kDefaultTimelinePage;
  if (!limit.empty()) {
    const auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), n);
    if (ec != std::errc() || end != limit.data() + limit.size() || n < 1 || n > kMaxTimelinePage) {
      return InvalidArgument(fmt::format("limit: a whole number from 1 to {}", kMaxTimelinePage));
    }
  }
  ASSIGN_OR_RETURN(Timeline whole, BuildCaseTimeline(id, {ctx.cases, ctx.alerts, ctx.store,
                                                          ctx.notes, ctx.timeline}));
  ASSIGN_OR_RETURN(Timeline page, TimelinePage(std::move(whole), cursor, n));
  return page.ToJson();
}

Result<std::string> HandleTimelineAdd(const Caller& caller, std::string_view id,
                                      std::string_view body, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Actor actor, ActorOf(caller));
  ASSIGN_OR_RETURN(nlohmann::json j, ParseObject(body));
  std::string time, text;
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (key != "time" && key != "text") return InvalidArgument("body: unknown key '" + key + "'");
    RETURN_IF_ERROR(StringOf(key, item.value(), key == "time" ? time : text));
  }
  const std::optional<TimeNs> t = ParseRfc3339(time);
  if (!t) {
    return InvalidArgument(
        "time: when it happened, as RFC 3339 (2026-03-01T08:05:00+08:00 or ...Z)");
  }
  ASSIGN_OR_RETURN(TimelineEntry e, ctx.timeline.Add(id, *t, text, actor));
  return e.ToJson();
}

Result<std::string> HandleCaseAttack(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(Case c, ctx.cases.Get(id));
  ASSIGN_OR_RETURN(CaseAttackReference ref, ctx.attack.ForCase(c.techniques, c.incident_type));
  return ref.ToJson();
}

}  // namespace pantau
