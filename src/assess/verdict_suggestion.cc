#include "assess/verdict_suggestion.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "assess/nmap.h"
#include "cases/json_text.h"
#include "cases/text.h"
#include "core/event.h"

namespace pantau {
namespace {

constexpr size_t kMaxMatches = 200;
constexpr size_t kMaxFieldDepth = 8;

struct ClassWords {
  std::string_view name;
  std::vector<std::string_view> phrases;  // in the form Normalised gives: lower case, spaced
};

// Words of each class, as rule titles, IPS signatures (HTTP.URI.SQL.Injection), Sigma tags and
// scanners' titles (ZAP's "Remote OS Command Injection", nuclei's "- Path Traversal") write them.
const std::vector<ClassWords>& Classes() {
  static const std::vector<ClassWords> kClasses = {
      {"sqli", {"sql injection", "sqli", "sqlinjection", "union select", "blind sql"}},
      {"xss", {"cross site scripting", "xss"}},
      {"path_traversal",
       {"path traversal", "directory traversal", "dir traversal", "traversal", "lfi",
        "local file inclusion", "file inclusion"}},
      {"command_injection",
       {"command injection", "os command", "remote code execution", "code execution",
        "code injection", "rce"}},
      {"webshell", {"webshell", "web shell", "t1505 003"}},
      {"gambling", {"gambling", "judi", "slot gacor", "togel", "situs slot"}},
      {"directory_listing", {"directory listing", "directory browsing"}},
  };
  return kClasses;
}

// " words like these " : lower case, every run of other characters one space.
std::string Normalised(std::string_view text) {
  std::string out = " ";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if (out.back() != ' ') {
      out += ' ';
    }
  }
  if (out.back() != ' ') out += ' ';
  return out;
}

void AddUnique(std::vector<std::string>& list, std::string item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
}

// The fields whose words say what the attack was: IPS signature and attack names, rule names.
bool IsAttackNameField(std::string_view key) {
  static constexpr std::string_view kKeys[] = {
      "attack",    "alert.signature", "alert.category", "signature",   "msg",
      "rule.name", "threat.name",     "ips.signature",  "event.action"};
  return std::find(std::begin(kKeys), std::end(kKeys), key) != std::end(kKeys);
}

// Every string of the alert's key fields: CVE ids anywhere; attack classes from the fields that
// name the attack (a URL's words would match anything).
void ReadFields(const nlohmann::json& value, const std::string& key, size_t depth,
                AlertFacts& facts) {
  if (depth > kMaxFieldDepth) return;
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    for (std::string& cve : FindCves(s)) AddUnique(facts.cves, std::move(cve));
    if (IsAttackNameField(key)) {
      for (std::string& c : AttackClassesOf(s)) AddUnique(facts.classes, std::move(c));
    }
  } else if (value.is_object()) {
    for (const auto& [k, v] : value.items()) {
      // Suricata's alert.metadata: {"cve": ["CVE_2021_44228"]}; nested or flattened alike.
      ReadFields(v, key.empty() ? k : key + "." + k, depth + 1, facts);
    }
  } else if (value.is_array()) {
    for (const auto& v : value) ReadFields(v, key, depth + 1, facts);
  }
}

// What a completed run of this kind would have found if it were there: the CVE ids it checks
// for, and the attack classes. A run that does not check for something says nothing of its
// absence (the web checks look for no SQL injection; nmap without its vuln scripts for no CVE).
bool RunChecksCves(const AssessmentRun& run) {
  if (run.kind == "nmap") return run.command.find("--script") != std::string::npos;
  return run.kind == "import:openvas" || run.kind == "import:nessus" || run.kind == "import:nuclei";
}

bool RunChecksClass(const AssessmentRun& run, std::string_view cls) {
  if (run.kind == "web") return cls == "gambling" || cls == "directory_listing";
  if (run.kind == "import:zap") {
    return cls == "sqli" || cls == "xss" || cls == "path_traversal" || cls == "command_injection" ||
           cls == "directory_listing";
  }
  return false;
}

bool IsCve(std::string_view key) { return key.starts_with("CVE-"); }

bool FindingHas(const Finding& f, std::string_view key) {
  if (IsCve(key)) {
    return std::find(f.found.cves.begin(), f.found.cves.end(), key) != f.found.cves.end();
  }
  const std::vector<std::string> classes = AttackClassesOf(f.found.title + " " + f.found.check_id);
  return std::find(classes.begin(), classes.end(), key) != classes.end();
}

std::string Label(std::string_view key) {
  if (IsCve(key)) return std::string(key);
  return fmt::format("the attack class {}", key);
}

}  // namespace

std::vector<std::string> AttackClassesOf(std::string_view text) {
  const std::string words = Normalised(text);
  std::vector<std::string> out;
  for (const ClassWords& c : Classes()) {
    for (std::string_view phrase : c.phrases) {
      if (words.find(fmt::format(" {} ", phrase)) != std::string::npos) {
        out.emplace_back(c.name);
        break;
      }
    }
  }
  return out;
}

AlertFacts FactsOfAlert(const Alert& alert) {
  AlertFacts facts;
  facts.alert_id = alert.id;
  facts.title = alert.rule_title;
  facts.system_id = alert.system_id;
  for (std::string& cve : FindCves(alert.rule_title)) AddUnique(facts.cves, std::move(cve));
  for (std::string& c : AttackClassesOf(alert.rule_title)) AddUnique(facts.classes, std::move(c));
  for (const std::string& tag : StringsOfJson(alert.tags_json)) {
    // cve.2021-44228; attack.t1505.003 (web shell). attack.t1190 names no class: every exploit of
    // a public-facing application has it.
    for (std::string& cve : FindCves(tag)) AddUnique(facts.cves, std::move(cve));
    if (tag.starts_with("attack.")) {
      for (std::string& c : AttackClassesOf(tag.substr(7))) {
        AddUnique(facts.classes, std::move(c));
      }
    }
  }
  const nlohmann::json fields = nlohmann::json::parse(alert.fields_json, nullptr, false);
  if (!fields.is_discarded()) ReadFields(fields, "", 0, facts);
  return facts;
}

VerdictSuggestion SuggestVerdict(const std::vector<AlertFacts>& alerts,
                                 const std::vector<AssessmentRun>& runs) {
  VerdictSuggestion out;
  size_t present = 0, dismissed = 0, absent = 0, keys = 0;
  auto add = [&](SuggestionMatch m) {
    if (out.matches.size() < kMaxMatches) out.matches.push_back(std::move(m));
  };
  for (const AlertFacts& alert : alerts) {
    std::vector<std::string> alert_keys = alert.cves;
    alert_keys.insert(alert_keys.end(), alert.classes.begin(), alert.classes.end());
    keys += alert_keys.size();
    for (const std::string& key : alert_keys) {
      bool matched = false;
      for (const AssessmentRun& run : runs) {
        if (!alert.system_id.empty() && run.system_id != alert.system_id) continue;
        for (const Finding& f : run.findings) {
          if (!FindingHas(f, key)) continue;
          matched = true;
          SuggestionMatch m{alert.alert_id, key, "", f.id, run.id, ""};
          if (f.status == "open" || f.status == "confirmed") {
            m.kind = "present";
            m.why = fmt::format("{} of alert {} ({}) matches {} finding {} of run {}: {} on {}",
                                Label(key), alert.alert_id, alert.title, f.status, f.id, run.id,
                                f.found.title, f.found.target);
            ++present;
          } else {
            m.kind = "dismissed";
            m.why = fmt::format(
                "{} of alert {} ({}) matches finding {} of run {} ({} on {}), "
                "marked {}{}",
                Label(key), alert.alert_id, alert.title, f.id, run.id, f.found.title,
                f.found.target, f.status, f.status_reason.empty() ? "" : ": " + f.status_reason);
            ++dismissed;
          }
          add(std::move(m));
        }
      }
      if (matched) continue;
      for (const AssessmentRun& run : runs) {
        if (run.status != "done") continue;
        if (!alert.system_id.empty() && run.system_id != alert.system_id) continue;
        if (IsCve(key) ? !RunChecksCves(run) : !RunChecksClass(run, key)) continue;
        SuggestionMatch m{alert.alert_id, key, "absent", "", run.id, ""};
        m.why =
            fmt::format("{} of alert {} ({}) was not found by the completed {} run {} of {} ({})",
                        Label(key), alert.alert_id, alert.title, run.kind, run.id, run.system_name,
                        fmt::join(run.targets, ", "));
        ++absent;
        add(std::move(m));
      }
    }
  }
  if (present > 0) {
    out.suggestion = "likely_real";
    out.reasons.push_back(fmt::format(
        "{} open or confirmed finding(s) match what the alerts name: the vulnerability is "
        "present and the scanner reached it",
        present));
  } else if (dismissed + absent > 0) {
    out.suggestion = "likely_false_positive";
    out.reasons.push_back(fmt::format(
        "no open finding matches what the alerts name: {} matching finding(s) marked fixed or "
        "false positive, {} completed scan(s) that check for it did not find it",
        dismissed, absent));
    if (absent > 0) {
      out.reasons.push_back(
          "a scan after the alert does not show whether the system was vulnerable when the "
          "alert fired: check that nothing was fixed in between");
    }
  } else if (alerts.empty()) {
    out.reasons.push_back("the case has no alerts to compare with findings");
  } else if (keys == 0) {
    out.reasons.push_back(
        "the case's alerts name no CVE and no attack class (SQL injection, XSS, path traversal, "
        "command injection, web shell, gambling content, directory listing) to compare");
  } else if (runs.empty()) {
    out.reasons.push_back("no assessment has been run on the case's systems");
  } else {
    out.reasons.push_back(
        "no finding matches, and no completed run checks for what the alerts name: run a scan "
        "that does (a vulnerability scanner for CVEs, a web application scanner for injections)");
  }
  for (const SuggestionMatch& m : out.matches) out.reasons.push_back(m.why);
  return out;
}

std::string_view VerdictOfSuggestion(std::string_view suggestion) {
  if (suggestion == "likely_real") return "confirmed";
  if (suggestion == "likely_false_positive") return "false_positive";
  return "";
}

bool IsSuggestion(std::string_view s) {
  return s == "likely_real" || s == "likely_false_positive" || s == "unknown";
}

std::string VerdictSuggestion::ToJson() const {
  std::string out = R"({"suggestion":)";
  AppendJsonString(out, suggestion);
  AppendJsonMemberOrNull(out, "verdict", VerdictOfSuggestion(suggestion));
  out += R"(,"reasons":[)";
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, reasons[i]);
  }
  out += R"(],"matches":[)";
  for (size_t i = 0; i < matches.size(); ++i) {
    const SuggestionMatch& m = matches[i];
    if (i > 0) out += ',';
    out += R"({"alert_id":)";
    AppendJsonString(out, m.alert_id);
    AppendJsonMember(out, "key", m.key);
    AppendJsonMember(out, "kind", m.kind);
    AppendJsonMemberOrNull(out, "finding_id", m.finding_id);
    AppendJsonMember(out, "run_id", m.run_id);
    AppendJsonMember(out, "why", m.why);
    out += '}';
  }
  return out + "]}";
}

}  // namespace pantau
