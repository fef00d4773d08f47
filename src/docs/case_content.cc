#include "docs/case_content.h"

#include <fmt/format.h>

#include <array>
#include <map>
#include <nlohmann/json.hpp>

#include "assess/assessment_store.h"
#include "cases/alerts.h"
#include "cases/cases.h"
#include "cases/evidence.h"
#include "cases/notes.h"
#include "cases/timeline.h"
#include "core/time.h"
#include "monitor/registry.h"

namespace pantau::docs {
namespace {

using nlohmann::json;

// A label in Indonesian and in English.
struct Label {
  std::string_view name, id, en;
};

constexpr Label kIncidentTypes[] = {
    {"web_defacement", "Deface situs web", "Web defacement"},
    {"gambling_injection", "Injeksi konten judi online", "Online-gambling content injection"},
    {"malware", "Malware/ransomware", "Malware/ransomware"},
    {"ddos", "Serangan DDoS", "DDoS attack"},
    {"phishing", "Phishing", "Phishing"},
    {"unauthorized_access", "Akses tidak sah", "Unauthorised access"},
    {"data_leak", "Kebocoran data", "Data leak"},
    {"webshell", "Webshell", "Webshell"},
    {"brute_force", "Brute force", "Brute force"},
    {"other", "Lainnya", "Other"},
};
constexpr Label kRiskLevels[] = {
    {"very_low", "Sangat rendah", "Very low"},
    {"low", "Rendah", "Low"},
    {"medium", "Sedang", "Medium"},
    {"high", "Tinggi", "High"},
    {"very_high", "Sangat tinggi", "Very high"},
};
// The security classes of official documents (Permendagri 1/2023 on naskah dinas).
constexpr Label kClassifications[] = {
    {"B", "Biasa", "Ordinary"},
    {"T", "Terbatas", "Limited"},
    {"R", "Rahasia", "Secret"},
    {"SR", "Sangat Rahasia", "Top secret"},
};
constexpr Label kVerdicts[] = {
    {"confirmed", "Insiden nyata (false negative)", "Real incident (false negative)"},
    {"false_positive", "Bukan insiden (false positive)", "Not an incident (false positive)"},
};
constexpr Label kSources[] = {
    {"detection", "Deteksi pemantauan", "Monitoring detection"},
    {"complaint", "Laporan PSE", "Report from the system operator"},
    {"bssn_warning", "Peringatan BSSN", "BSSN warning"},
    {"manual", "Dicatat manual", "Entered by hand"},
};
constexpr Label kCriticality[] = {
    {"low", "Rendah", "Low"},
    {"medium", "Sedang", "Medium"},
    {"high", "Tinggi", "High"},
    {"vital", "Infrastruktur informasi vital", "Vital information infrastructure"},
};
constexpr Label kSeverities[] = {
    {"info", "Informasi", "Info"},      {"low", "Rendah", "Low"},
    {"medium", "Sedang", "Medium"},     {"high", "Tinggi", "High"},
    {"critical", "Kritis", "Critical"},
};
constexpr Label kFindingStatuses[] = {
    {"open", "Terbuka", "Open"},
    {"confirmed", "Terkonfirmasi", "Confirmed"},
    {"false_positive", "False positive", "False positive"},
    {"fixed", "Diperbaiki", "Fixed"},
};
constexpr Label kTimelineKinds[] = {
    {"event", "Log", "Log"},     {"alert", "Peringatan", "Alert"},
    {"state", "Tahap", "Step"},  {"verdict", "Putusan", "Verdict"},
    {"note", "Catatan", "Note"}, {"manual", "Catatan waktu", "Timeline entry"},
};

template <size_t N>
std::string LabelOf(const Label (&labels)[N], std::string_view name, std::string_view language) {
  for (const Label& l : labels) {
    if (l.name == name) return std::string(language == "en" ? l.en : l.id);
  }
  return std::string(name);
}

constexpr std::array<std::string_view, 12> kMonthsId = {
    "Januari", "Februari", "Maret",     "April",   "Mei",      "Juni",
    "Juli",    "Agustus",  "September", "Oktober", "November", "Desember"};
constexpr std::array<std::string_view, 12> kMonthsEn = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

int OffsetHours(std::string_view zone) {
  if (zone == "WIB") return 7;
  if (zone == "WIT") return 9;
  return 8;  // WITA
}

struct LocalTime {
  CivilDate date;
  int hour = 0, minute = 0;
};

LocalTime ToLocal(TimeNs t, std::string_view zone) {
  const int64_t seconds = t / kNsPerSecond + int64_t{OffsetHours(zone)} * 3600;
  int64_t days = seconds / 86400, rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  return {CivilFromDays(days), static_cast<int>(rest / 3600), static_cast<int>(rest % 3600 / 60)};
}

}  // namespace

std::string FormatDocumentDate(TimeNs t, std::string_view language, std::string_view zone) {
  if (t == 0) return "-";
  const LocalTime l = ToLocal(t, zone);
  const auto& months = language == "en" ? kMonthsEn : kMonthsId;
  return fmt::format("{} {} {}", l.date.day, months[l.date.month - 1], l.date.year);
}

std::string FormatDocumentTime(TimeNs t, std::string_view language, std::string_view zone) {
  if (t == 0) return "-";
  const LocalTime l = ToLocal(t, zone);
  // Indonesian writes the time with a full stop (15.04), English with a colon.
  return fmt::format("{} {:02}{}{:02} {}", FormatDocumentDate(t, language, zone), l.hour,
                     language == "en" ? ':' : '.', l.minute, zone);
}

Result<json> GatherCaseContent(const CaseContentSources& sources, std::string_view case_id,
                               const Config::Documents& settings, std::string_view language,
                               TimeNs now) {
  const std::string_view zone = settings.time_zone;
  auto date = [&](TimeNs t) { return FormatDocumentDate(t, language, zone); };
  auto time = [&](TimeNs t) { return FormatDocumentTime(t, language, zone); };
  ASSIGN_OR_RETURN(const Case c, sources.cases.Get(case_id));

  json out;
  out["team"] = {
      {"name", settings.team_name}, {"email", settings.team_email}, {"phone", settings.team_phone}};
  out["office"] = {{"government", settings.government},
                   {"office", settings.office},
                   {"address", settings.address},
                   {"place", settings.place},
                   {"unit", settings.unit}};

  // The first time anything about the case was seen: its earliest alert, else its opening.
  TimeNs detected = c.created;
  json alerts = json::array();
  for (const std::string& id : c.alert_ids) {
    ASSIGN_OR_RETURN(const Alert a, sources.alerts.Get(id));
    detected = std::min(detected, a.first_seen);
    alerts.push_back({{"rule_title", a.rule_title},
                      {"level", a.level},
                      {"host", a.host},
                      {"count", a.count},
                      {"first_seen", time(a.first_seen)},
                      {"last_seen", time(a.last_seen)}});
  }
  const CaseSnapshot& w = c.workflow;
  const std::string verdict = w.verdict ? std::string(VerdictName(*w.verdict)) : "";
  out["case"] = {
      {"id", c.id},
      {"number", c.number},
      {"title", c.title},
      {"description", c.description},
      {"source", LabelOf(kSources, c.source, language)},
      {"incident_type", LabelOf(kIncidentTypes, c.incident_type, language)},
      {"risk_level", LabelOf(kRiskLevels, c.risk_level, language)},
      {"classification", c.classification},
      {"classification_label", LabelOf(kClassifications, c.classification, language)},
      {"verdict", verdict},
      {"verdict_label", verdict.empty() ? "-" : LabelOf(kVerdicts, verdict, language)},
      {"verdict_justification", w.verdict_justification},
      {"verdict_by", w.verdict_by},
      {"verdict_at", time(w.verdict_at)},
      {"opened", time(c.created)},
      {"detected", time(detected)},
      {"reported", time(now)},
      {"date", date(now)},
      {"authors", w.report_authors},
      {"assignee", c.assignee},
      {"techniques", c.techniques},
      {"tags", c.tags},
  };
  out["alerts"] = std::move(alerts);

  json systems = json::array();
  for (const std::string& id : c.system_ids) {
    auto s = sources.systems.Get(id);
    if (!s.ok()) continue;  // retired from the registry since: the case keeps its id only
    systems.push_back({{"name", s->name},
                       {"urls", s->urls},
                       {"hosts", s->hosts},
                       {"ips", s->ips},
                       {"criticality", LabelOf(kCriticality, s->criticality, language)},
                       {"operator",
                        {{"agency", s->op.agency},
                         {"head_name", s->op.head_name},
                         {"head_title", s->op.head_title},
                         {"emails", s->op.emails},
                         {"phones", s->op.phones}}}});
  }
  out["system"] = systems.empty() ? json{{"name", "-"}, {"urls", json::array()}} : systems[0];
  out["operator"] = systems.empty() ? json{{"agency", "-"}, {"head_name", ""}, {"head_title", ""}}
                                    : systems[0]["operator"];
  out["systems"] = std::move(systems);

  const TimelineSources timeline_sources{sources.cases, sources.alerts, sources.events,
                                         sources.notes, sources.timeline};
  ASSIGN_OR_RETURN(const Timeline timeline, BuildCaseTimeline(case_id, timeline_sources));
  json chronology = json::array();
  for (const TimelineItem& item : timeline.items) {
    if (chronology.size() == kMaxChronologyRows) break;
    chronology.push_back(
        {{"time", time(item.time)},
         {"kind", LabelOf(kTimelineKinds, TimelineKindName(item.kind), language)},
         {"what", item.summary},
         {"source",
          !item.actor.empty() ? item.actor : (!item.host.empty() ? item.host : item.dataset)}});
  }
  out["timeline_omitted"] =
      timeline.items.size() > kMaxChronologyRows ? timeline.items.size() - kMaxChronologyRows : 0;
  out["timeline"] = std::move(chronology);

  // The latest text of each kind of note, in the order they were written.
  ASSIGN_OR_RETURN(const std::vector<Note> notes, sources.notes.List(case_id));
  std::map<std::string, std::string> by_kind;
  for (const Note& n : notes) {
    if (n.latest.withdrawn) continue;
    std::string& text = by_kind[n.kind];
    if (!text.empty()) text += "\n\n";
    text += n.latest.body;
  }
  json note_values = json::object();
  for (std::string_view kind : NoteKinds()) {
    note_values[std::string(kind)] = by_kind[std::string(kind)];
  }
  out["notes"] = std::move(note_values);

  json evidence = json::array();
  std::string cursor;
  do {
    ASSIGN_OR_RETURN(const EvidencePage page, sources.evidence.List(case_id, 500, cursor));
    for (const EvidenceItem& e : page.items) {
      evidence.push_back({{"id", e.id},
                          {"name", e.name},
                          {"description", e.description},
                          {"media_type", e.media_type},
                          {"size", e.size},
                          {"sha256", e.sha256},
                          {"added_by", e.added_by},
                          {"added", time(e.added)}});
    }
    cursor = page.next_cursor;
  } while (!cursor.empty());
  out["evidence"] = std::move(evidence);

  json findings = json::array();
  ASSIGN_OR_RETURN(const std::vector<AssessmentRun> runs, sources.assessments.ListRuns(case_id));
  for (const AssessmentRun& run : runs) {
    for (const Finding& f : run.findings) {
      findings.push_back({{"severity", LabelOf(kSeverities, f.found.severity, language)},
                          {"title", f.found.title},
                          {"target", f.found.target},
                          {"cves", f.found.cves},
                          {"status", LabelOf(kFindingStatuses, f.status, language)},
                          {"system", run.system_name},
                          {"tool", run.kind}});
    }
  }
  out["findings"] = std::move(findings);

  json observables = json::array();
  for (const Observable& o : c.observables) {
    observables.push_back({{"type", o.type}, {"value", o.value}});
  }
  out["observables"] = std::move(observables);
  return out;
}

}  // namespace pantau::docs
