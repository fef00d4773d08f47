// The investigation workspace of a case (SOP step 4): its notes with their revisions
// (/api/v1/cases/{id}/notes...), its timeline (/api/v1/cases/{id}/timeline) and its attack
// reference (/api/v1/cases/{id}/attack). The routes need Permission::kWorkCases, as every case
// route does; changes are made by people only. {id} is the case's id or number.
#pragma once

#include <string>
#include <string_view>

#include "api/auth_route.h"
#include "api/http_server.h"

namespace pantau {

// {"items": [note...], "next_cursor": null, "total": N}, oldest first, withdrawn ones too; a note
// as in Note::ToJson.
Result<std::string> HandleNotesList(std::string_view id, const ApiContext& ctx);
// Body: {"kind", "title", "body"?}; the new note.
Result<std::string> HandleNoteCreate(const Caller& caller, std::string_view id,
                                     std::string_view body, const ApiContext& ctx);
Result<std::string> HandleNoteGet(std::string_view id, std::string_view note_id,
                                  const ApiContext& ctx);
// Body: {"title"?, "body"?, "withdrawn"?, "base_revision"?}; the note with its new revision.
Result<std::string> HandleNotePut(const Caller& caller, std::string_view id,
                                  std::string_view note_id, std::string_view body,
                                  const ApiContext& ctx);
// {"items": [revision...], "next_cursor": null, "total": N}, oldest first.
Result<std::string> HandleNoteRevisions(std::string_view id, std::string_view note_id,
                                        const ApiContext& ctx);

// A page of the case's timeline (Timeline::ToJson): `limit` items (1 to 1000, default 200) after
// `cursor` (a next_cursor of an earlier page; empty: from the start).
Result<std::string> HandleTimelineGet(std::string_view id, std::string_view limit,
                                      std::string_view cursor, const ApiContext& ctx);
// Body: {"time": RFC 3339, "text"}; the stored entry.
Result<std::string> HandleTimelineAdd(const Caller& caller, std::string_view id,
                                      std::string_view body, const ApiContext& ctx);

// The attack reference entries of the case's techniques and incident type
// (CaseAttackReference::ToJson).
Result<std::string> HandleCaseAttack(std::string_view id, const ApiContext& ctx);

}  // namespace pantau
