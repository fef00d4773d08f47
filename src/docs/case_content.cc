#include "docs/case_content.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "assess/assessments.h"
#include "cases/alerts.h"
#include "cases/cases.h"
#include "cases/evidence.h"
#include "cases/notes.h"
#include "cases/timeline.h"
#include "core/time.h"
#include "docs/document_template.h"
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

// The lines of a note as list items: one per line, list markers ("- ", "* ", "1. ") taken off.
std::vector<std::string> Items(const std::string& text) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + begin, end - begin);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.remove_suffix(1);
    if (line.starts_with("- ") || line.starts_with("* ")) {
      line.remove_prefix(2);
    } else {
      size_t digits = 0;
      while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
      if (digits > 0 && line.substr(digits).starts_with(". ")) line.remove_prefix(digits + 2);
    }
    if (!line.empty()) out.emplace_back(line);
    begin = end + 1;
  }
  return out;
}

std::string Upper(std::string s) {
  for (char& ch : s) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return s;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

}  // namespace

int ZoneOffsetMinutes(std::string_view zone) {
  if (zone == "WIB") return 7 * 60;
  if (zone == "WIT") return 9 * 60;
  return 8 * 60;  // WITA
}

std::string FormatDocumentDate(TimeNs t, std::string_view language, std::string_view zone) {
  if (t == 0) return "-";
  return FormatLongDate(t, ZoneOffsetMinutes(zone), language);
}

std::string FormatDocumentTime(TimeNs t, std::string_view language, std::string_view zone) {
  if (t == 0) return "-";
  const int64_t local_s = t / kNsPerSecond + int64_t{ZoneOffsetMinutes(zone)} * 60;
  const int64_t of_day = ((local_s % 86400) + 86400) % 86400;
  // Indonesian writes the time with a full stop (15.04), English with a colon.
  return fmt::format("{} {:02}{}{:02} {}", FormatDocumentDate(t, language, zone), of_day / 3600,
                     language == "en" ? ':' : '.', of_day % 3600 / 60, zone);
}

Result<json> GatherCaseContent(const CaseContentSources& sources, std::string_view case_id,
                               const Config::Documents& settings, std::string_view language,
                               const Person& reporter, TimeNs now) {
  const bool en = language == "en";
  const std::string_view zone = settings.time_zone;
  auto date = [&](TimeNs t) { return FormatDocumentDate(t, language, zone); };
  auto time = [&](TimeNs t) { return FormatDocumentTime(t, language, zone); };
  ASSIGN_OR_RETURN(const Case c, sources.cases.Get(case_id));
  const CaseSnapshot& w = c.workflow;

  json out;
  out["team"] = {{"name", settings.team_name},
                 {"unit", settings.team_unit},
                 {"email", settings.team_email},
                 {"phone", settings.team_phone}};
  out["reporter"] = {{"name", reporter.name},
                     {"position", reporter.position},
                     {"nip", reporter.nip},
                     {"phone", settings.team_phone},
                     {"email", settings.team_email},
                     {"place", settings.place},
                     {"date", date(now)},
                     {"role", en ? "Prepared by," : "Dibuat oleh,"}};
  const std::string classification = LabelOf(kClassifications, c.classification, language);
  out["document"] = {{"classification", Upper(classification)}, {"date", date(now)}};

  // The first time anything about the case was seen: its earliest alert, else its opening.
  TimeNs detected = c.created;
  std::vector<std::string> rule_titles;
  for (const std::string& id : c.alert_ids) {
    ASSIGN_OR_RETURN(const Alert a, sources.alerts.Get(id));
    detected = std::min(detected, a.first_seen);
    rule_titles.push_back(a.rule_title);
  }
  const std::string verdict = w.verdict ? std::string(VerdictName(*w.verdict)) : "";
  out["case"] = {
      {"number", c.number},
      {"title", c.title},
      {"description", c.description},
      {"summary", c.description},
      {"source", LabelOf(kSources, c.source, language)},
      {"type", LabelOf(kIncidentTypes, c.incident_type, language)},
      {"risk", LabelOf(kRiskLevels, c.risk_level, language)},
      {"classification", c.classification},
      {"verdict", verdict.empty() ? "-" : LabelOf(kVerdicts, verdict, language)},
      {"opened_at", time(c.created)},
      {"detected_at", time(detected)},
      {"reported_at", time(now)},
      {"techniques", Join(c.techniques, ", ")},
  };

  json systems = json::array();
  for (const std::string& id : c.system_ids) {
    auto s = sources.systems.Get(id);
    if (!s.ok()) continue;  // deleted from the registry since: the case keeps its id only
    std::vector<std::string> where = s->urls;
    where.insert(where.end(), s->ips.begin(), s->ips.end());
    systems.push_back(
        {{"name", s->name},
         {"address", Join(where, ", ")},
         {"criticality", LabelOf(kCriticality, s->criticality, language)},
         {"operator",
          {{"agency", s->op.agency},
           {"head_name", s->op.head_name},
           {"head_title", s->op.head_title.empty() ? (en ? "Head" : "Kepala") : s->op.head_title},
           {"city", settings.place},
           {"emails", s->op.emails}}}});
  }
  out["system"] = systems.empty() ? json{{"name", "-"}, {"address", ""}} : systems[0];
  out["operator"] = systems.empty() ? json{{"agency", "-"},
                                           {"head_name", ""},
                                           {"head_title", ""},
                                           {"city", settings.place},
                                           {"emails", json::array()}}
                                    : systems[0]["operator"];
  out["system"].erase("operator");
  out["systems"] = std::move(systems);

  const TimelineSources timeline_sources{sources.cases, sources.alerts, sources.events,
                                         sources.notes, sources.timeline};
  ASSIGN_OR_RETURN(const Timeline timeline, BuildCaseTimeline(case_id, timeline_sources));
  json chronology = json::array();
  for (const TimelineItem& item : timeline.items) {
    if (chronology.size() == kMaxChronologyRows) break;
    const std::string kind(LabelOf(kTimelineKinds, TimelineKindName(item.kind), language));
    chronology.push_back(
        {{"time", time(item.time)},
         {"what", kind + ": " + item.summary},
         {"source",
          !item.actor.empty() ? item.actor : (!item.host.empty() ? item.host : item.dataset)}});
  }
  out["timeline_omitted"] =
      timeline.items.size() > kMaxChronologyRows ? timeline.items.size() - kMaxChronologyRows : 0;
  out["timeline"] = std::move(chronology);

  // The latest text of each kind of note, in the order they were written.
  ASSIGN_OR_RETURN(const std::vector<Note> notes, sources.notes.List(case_id));
  std::map<std::string, std::string> note;
  for (const Note& n : notes) {
    if (n.latest.withdrawn) continue;
    std::string& text = note[n.kind];
    if (!text.empty()) text += "\n\n";
    text += n.latest.body;
  }
  out["impact"] = note["impact"];

  json evidence = json::array();
  std::string cursor;
  do {
    ASSIGN_OR_RETURN(const EvidencePage page, sources.evidence.List(case_id, 500, cursor));
    for (const EvidenceItem& e : page.items) {
      evidence.push_back({{"name", e.name},
                          {"kind", e.description.empty() ? e.media_type : e.description},
                          {"size", e.size},
                          {"sha256", e.sha256},
                          {"added_by", e.added_by},
                          {"added_at", time(e.added)}});
    }
    cursor = page.next_cursor;
  } while (!cursor.empty());
  out["evidence"] = std::move(evidence);

  json findings = json::array();
  std::vector<std::string> assessed;
  ASSIGN_OR_RETURN(const std::vector<AssessmentRun> runs, sources.assessments.List(case_id));
  for (const AssessmentRun& run : runs) {
    assessed.push_back(fmt::format("{} ({}, {})", run.command, run.system_name, time(run.started)));
    for (const Finding& f : run.findings) {
      findings.push_back({{"severity", LabelOf(kSeverities, f.found.severity, language)},
                          {"title", f.found.title},
                          {"target", f.found.target},
                          {"cves", Join(f.found.cves, ", ")},
                          {"status", LabelOf(kFindingStatuses, f.status, language)},
                          {"system", run.system_name}});
    }
  }
  out["findings"] = findings;

  // The work report (a false positive) says what was analysed, how, and why it is no incident.
  std::string method = note["handling"];
  if (method.empty() && !assessed.empty()) {
    method = (en ? "Vulnerability assessments: " : "Asesmen kerentanan: ") + Join(assessed, "; ");
  }
  std::string result = note["general"];
  if (result.empty()) {
    result = std::to_string(findings.size()) +
             (en ? " findings from the assessments; none shows an incident."
                 : " temuan dari asesmen; tidak satu pun menunjukkan insiden.");
  }
  out["analysis"] = {
      {"attack_form", note["attack_form"]},
      {"scheme", note["attack_scheme"]},
      {"root_cause", note["root_cause"]},
      {"subject", rule_titles.empty()
                      ? c.title
                      : (en ? "Alerts: " : "Peringatan: ") + Join(rule_titles, "; ")},
      {"period", time(detected) + " - " + time(w.verdict_at != 0 ? w.verdict_at : now)},
      {"method", method},
      {"result", result},
      {"reason", w.verdict_justification},
  };

  json observables = json::array();
  for (const Observable& o : c.observables) {
    observables.push_back({{"type", o.type}, {"value", o.value}});
  }
  out["observables"] = std::move(observables);
  out["actions"] = Items(note["handling"]);
  out["recommendations"] = Items(note["mitigation"]);
  std::vector<std::string> requested = Items(note["mitigation"]);
  if (requested.empty()) {
    requested = en ? std::vector<std::string>{"Remove what the attacker left and restore the "
                                              "system from a known good state",
                                              "Close the weakness that let the attack in",
                                              "Change the passwords and keys of the system's "
                                              "administrators"}
                   : std::vector<std::string>{"Menghapus apa yang ditinggalkan penyerang dan "
                                              "memulihkan sistem dari kondisi yang diketahui baik",
                                              "Menutup celah yang dimanfaatkan penyerang",
                                              "Mengganti kata sandi dan kunci akses administrator "
                                              "sistem"};
  }
  out["requested_actions"] = requested;
  const bool urgent = c.risk_level == "high" || c.risk_level == "very_high";
  out["letter"] = {
      {"place", settings.place},
      {"date", date(now)},
      {"nature", c.risk_level == "very_high" ? (en ? "Very urgent" : "Sangat Segera")
                 : urgent                    ? (en ? "Urgent" : "Segera")
                                             : (en ? "Ordinary" : "Biasa")},
      {"subject", en ? "Notification of a cyber incident" : "Pemberitahuan Insiden Siber"},
      {"deadline", date(now + int64_t{settings.letter_deadline_days} * 86400 * kNsPerSecond)},
  };
  out["cc"] = settings.letter_cc;
  return out;
}

}  // namespace pantau::docs
