// The verdict a case's assessments suggest (SOP step 5): its alerts, read for the CVE ids and the
// attack classes they name (tags such as cve.2021-44228, an IPS signature's CVE, "SQL
// injection" in a rule title or a FortiGate `attack` name), matched against the findings of the
// case's assessment runs on the same systems.
//
// - A matching finding that is open or confirmed: the vulnerability is there and the scanner
//   reached it -> likely_real.
// - Otherwise a matching finding marked fixed or false_positive, or a completed (done) run of a
//   kind that checks for such a thing on the alert's system that did not find it ->
//   likely_false_positive.
// - Nothing to compare -> unknown.
//
// A suggestion, not a verdict: the analyst confirms or overrides it with a reason
// (POST /cases/{id}/verdict). The matching is pure; the API gathers alerts and runs.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "assess/assessment_store.h"
#include "cases/alerts.h"

namespace pantau {

// Attack classes both alerts and findings are sorted into by their words: sqli, xss,
// path_traversal, command_injection, webshell, gambling, directory_listing.
std::vector<std::string> AttackClassesOf(std::string_view text);

// What of an alert can match a finding.
struct AlertFacts {
  std::string alert_id;
  std::string title;      // the rule's
  std::string system_id;  // empty: not known; then every system of the case
  std::vector<std::string> cves;
  std::vector<std::string> classes;
};

// Reads the rule title, the tags (cve.2021-44228, attack.t1505.003) and the key fields (an IPS
// signature, FortiGate attack and cve, Suricata alert.signature and alert.metadata, ...).
AlertFacts FactsOfAlert(const Alert& alert);

struct SuggestionMatch {
  std::string alert_id;
  std::string key;         // CVE-2021-41773 or an attack class
  std::string kind;        // present, dismissed, absent
  std::string finding_id;  // empty for absent
  std::string run_id;
  std::string why;  // one sentence, English
};

struct VerdictSuggestion {
  std::string suggestion = "unknown";  // likely_real, likely_false_positive, unknown
  std::vector<std::string> reasons;
  std::vector<SuggestionMatch> matches;

  // {"suggestion", "verdict"|null, "reasons": [...], "matches": [{"alert_id", "key", "kind",
  //  "finding_id"|null, "run_id", "why"}]}; verdict is the case verdict it points to.
  std::string ToJson() const;
};

VerdictSuggestion SuggestVerdict(const std::vector<AlertFacts>& alerts,
                                 const std::vector<AssessmentRun>& runs);

// The case verdict a suggestion points to: "confirmed", "false_positive", or "" for unknown.
std::string_view VerdictOfSuggestion(std::string_view suggestion);
bool IsSuggestion(std::string_view s);

}  // namespace pantau
