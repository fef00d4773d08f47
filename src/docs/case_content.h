// What a case's documents say: everything the incident report, the work report and the letter
// draw from a case, gathered from its stores into one JSON object of plain values (the templates'
// placeholders, docs/documents.md). Values are text as people and logs wrote them; the renderer
// prints them literally.
//
// Thread-safety: GatherCaseContent reads the stores through their own thread-safe methods; the
// rest are pure.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"

namespace pantau {
class AlertStore;
class AssessmentService;
class CaseStore;
class EventStore;
class EvidenceStore;
class NoteStore;
class SystemRegistry;
class TimelineStore;
}  // namespace pantau

namespace pantau::docs {

struct CaseContentSources {
  CaseStore& cases;
  AlertStore& alerts;
  const EventStore& events;
  NoteStore& notes;
  TimelineStore& timeline;
  EvidenceStore& evidence;
  SystemRegistry& systems;
  AssessmentService& assessments;
};

// The most chronology rows a report carries (the case page keeps the whole timeline).
inline constexpr size_t kMaxChronologyRows = 300;

// "28 November 2026 15.04 WITA" (English: "28 November 2026 15:04 WITA") in the documents' time
// zone (documents.time_zone: WIB, WITA or WIT); "-" for 0.
std::string FormatDocumentTime(TimeNs t, std::string_view language, std::string_view zone);
std::string FormatDocumentDate(TimeNs t, std::string_view language, std::string_view zone);
int ZoneOffsetMinutes(std::string_view zone);

// A person as a document names them.
struct Person {
  std::string name, position, nip;
};

// The case `case_id` (id or number) as the documents show it, in `language` (id, en), written
// by `reporter`: the members the templates use (src/docs/templates/*.md, docs/documents.md):
// {"document", "team", "reporter", "case", "system", "systems", "operator", "timeline",
//  "impact", "analysis", "evidence", "findings", "observables", "actions", "recommendations",
//  "requested_actions", "letter", "cc"}. The document's number and the signature parties are
// added when it is drawn.
Result<nlohmann::json> GatherCaseContent(const CaseContentSources& sources,
                                         std::string_view case_id,
                                         const Config::Documents& settings,
                                         std::string_view language, const Person& reporter,
                                         TimeNs now);

}  // namespace pantau::docs
