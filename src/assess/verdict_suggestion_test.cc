#include "assess/verdict_suggestion.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

std::vector<std::string> V(std::initializer_list<const char*> items) {
  return {items.begin(), items.end()};
}

Alert AlertOf(std::string id, std::string title, std::string tags_json, std::string fields_json,
              std::string system_id = "1") {
  Alert a;
  a.id = std::move(id);
  a.rule_title = std::move(title);
  a.tags_json = std::move(tags_json);
  a.fields_json = std::move(fields_json);
  a.system_id = std::move(system_id);
  return a;
}

Finding FindingOf(std::string id, std::string title, std::vector<std::string> cves,
                  std::string status = "open", std::string check_id = "") {
  Finding f;
  f.id = std::move(id);
  f.found.title = std::move(title);
  f.found.target = "192.0.2.10:80/tcp";
  f.found.cves = std::move(cves);
  f.found.check_id = std::move(check_id);
  f.status = std::move(status);
  return f;
}

AssessmentRun RunOf(std::string id, std::string kind, std::vector<Finding> findings,
                    std::string status = "done", std::string system_id = "1") {
  AssessmentRun r;
  r.id = std::move(id);
  r.kind = std::move(kind);
  r.status = std::move(status);
  r.system_id = std::move(system_id);
  r.system_name = "Portal";
  r.targets = {"192.0.2.10"};
  r.findings = std::move(findings);
  return r;
}

TEST(AttackClasses, WordsOfRulesSignaturesAndScanners) {
  struct Case {
    std::string_view text;
    std::vector<std::string> classes;
  };
  const Case cases[] = {
      {"SQL Injection Attempt in a Web Request", V({"sqli"})},
      {"HTTP.URI.SQL.Injection", V({"sqli"})},
      {"ET WEB_SERVER Possible SQL Injection Attempt UNION SELECT", V({"sqli"})},
      {"Cross Site Scripting (Reflected)", V({"xss"})},
      {"Cross-Site Scripting Attempt in a Web Request", V({"xss"})},
      {"Apache 2.4.49 - Path Traversal", V({"path_traversal"})},
      {"Remote OS Command Injection", V({"command_injection"})},
      {"Apache.Log4j.Error.Log.Remote.Code.Execution", V({"command_injection"})},
      {"Request to a Known Web Shell Name", V({"webshell"})},
      {"t1505.003", V({"webshell"})},
      {"Online Gambling Terms in a Web Request or Referrer", V({"gambling"})},
      {"Online-gambling content in the page web:gambling-content", V({"gambling"})},
      {"Directory Browsing", V({"directory_listing"})},
      // Words inside other words do not count.
      {"Resource exhaustion in source code", V({})},
      {"Missing Content-Security-Policy header", V({})},
      {"t1190", V({})},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(AttackClassesOf(c.text), c.classes) << c.text;
  }
}

TEST(AlertFacts, CvesAndClassesFromTagsAndFields) {
  const AlertFacts sigma =
      FactsOfAlert(AlertOf("7", "Log4Shell Exploitation Attempt",
                           R"(["attack.initial-access","attack.t1190","cve.2021-44228"])",
                           R"({"source.ip":"203.0.113.9","url.original":"/?q=union select"})"));
  EXPECT_EQ(sigma.cves, V({"CVE-2021-44228"}));
  // A URL's words are not the attack's name: only named fields give classes.
  EXPECT_TRUE(sigma.classes.empty());

  const AlertFacts forti = FactsOfAlert(
      AlertOf("8", "FortiGate IPS Blocked an Attack", R"(["attack.t1190"])",
              R"({"attack":"Apache.HTTP.Server.cgi-bin.Path.Traversal","cve":"CVE-2021-41773",
                 "ref":"http://www.fortinet.com/ids/VID50876"})"));
  EXPECT_EQ(forti.cves, V({"CVE-2021-41773"}));
  EXPECT_EQ(forti.classes, V({"path_traversal"}));

  // Suricata's EVE, nested, with its metadata's CVE written with underscores.
  const AlertFacts suricata = FactsOfAlert(
      AlertOf("9", "Suricata alert", "[]",
              R"({"alert":{"signature":"ET WEB_SERVER Possible SQL Injection Attempt UNION SELECT",
          "metadata":{"cve":["CVE_2019_9193"]}}})"));
  EXPECT_EQ(suricata.cves, V({"CVE-2019-9193"}));
  EXPECT_EQ(suricata.classes, V({"sqli"}));

  const AlertFacts flat =
      FactsOfAlert(AlertOf("10", "Suricata alert", "[]",
                           R"({"alert.signature":"ET WEB_SERVER WebShell Generic - wget"})"));
  EXPECT_EQ(flat.classes, V({"webshell"}));
}

TEST(SuggestVerdict, Table) {
  const AlertFacts cve_alert{"a1", "IPS", "1", V({"CVE-2021-41773"}), {}};
  const AlertFacts sqli_alert{"a2", "SQL Injection Attempt", "1", {}, V({"sqli"})};
  const AlertFacts gambling_alert{"a3", "Online Gambling", "1", {}, V({"gambling"})};
  const AlertFacts other_system{"a4", "IPS", "2", V({"CVE-2021-41773"}), {}};
  const AlertFacts no_system{"a5", "IPS", "", V({"CVE-2021-41773"}), {}};
  const AlertFacts nothing{"a6", "SSH login", "1", {}, {}};

  const Finding traversal = FindingOf("f1", "Apache Path Traversal", V({"CVE-2021-41773"}));
  const Finding traversal_fixed =
      FindingOf("f2", "Apache Path Traversal", V({"CVE-2021-41773"}), "fixed");
  const Finding traversal_fp =
      FindingOf("f3", "Apache Path Traversal", V({"CVE-2021-41773"}), "false_positive");
  const Finding traversal_confirmed =
      FindingOf("f4", "Apache Path Traversal", V({"CVE-2021-41773"}), "confirmed");
  const Finding sqli = FindingOf("f5", "SQL Injection", {}, "open", "zap:40018");
  const Finding gambling =
      FindingOf("f6", "Online-gambling content in the page", {}, "open", "web:gambling-content");
  const Finding header = FindingOf("f7", "Missing Content-Security-Policy header", {});

  struct Case {
    std::string name;
    std::vector<AlertFacts> alerts;
    std::vector<AssessmentRun> runs;
    std::string suggestion;
    std::vector<std::string> kinds;  // of the matches, in order
  };
  const std::vector<Case> cases = {
      {"same CVE open",
       {cve_alert},
       {RunOf("r1", "import:openvas", {traversal})},
       "likely_real",
       V({"present"})},
      {"same CVE confirmed, in a cancelled run",
       {cve_alert},
       {RunOf("r1", "nmap", {traversal_confirmed}, "cancelled")},
       "likely_real",
       V({"present"})},
      {"same CVE fixed",
       {cve_alert},
       {RunOf("r1", "import:nessus", {traversal_fixed})},
       "likely_false_positive",
       V({"dismissed"})},
      {"same CVE a false positive",
       {cve_alert},
       {RunOf("r1", "import:nessus", {traversal_fp})},
       "likely_false_positive",
       V({"dismissed"})},
      {"open wins over fixed",
       {cve_alert},
       {RunOf("r1", "import:nessus", {traversal_fixed}), RunOf("r2", "import:nuclei", {traversal})},
       "likely_real",
       V({"dismissed", "present"})},
      {"CVE absent from a completed vulnerability scan",
       {cve_alert},
       {RunOf("r1", "import:openvas", {header})},
       "likely_false_positive",
       V({"absent"})},
      {"absent from a failed scan says nothing",
       {cve_alert},
       {RunOf("r1", "import:openvas", {header}, "failed")},
       "unknown",
       {}},
      {"web checks do not look for CVEs",
       {cve_alert},
       {RunOf("r1", "web", {header})},
       "unknown",
       {}},
      {"SQL injection alert, ZAP finding",
       {sqli_alert},
       {RunOf("r1", "import:zap", {sqli})},
       "likely_real",
       V({"present"})},
      {"SQL injection absent from a ZAP scan",
       {sqli_alert},
       {RunOf("r1", "import:zap", {header})},
       "likely_false_positive",
       V({"absent"})},
      {"SQL injection and only web checks",
       {sqli_alert},
       {RunOf("r1", "web", {header})},
       "unknown",
       {}},
      {"gambling alert, gambling content found",
       {gambling_alert},
       {RunOf("r1", "web", {header, gambling})},
       "likely_real",
       V({"present"})},
      {"gambling alert, web checks clean",
       {gambling_alert},
       {RunOf("r1", "web", {header})},
       "likely_false_positive",
       V({"absent"})},
      {"another system's findings do not count",
       {other_system},
       {RunOf("r1", "import:openvas", {traversal})},
       "unknown",
       {}},
      {"an alert without a system matches the case's runs",
       {no_system},
       {RunOf("r1", "import:openvas", {traversal})},
       "likely_real",
       V({"present"})},
      {"nothing named", {nothing}, {RunOf("r1", "import:openvas", {traversal})}, "unknown", {}},
      {"no runs", {cve_alert}, {}, "unknown", {}},
      {"no alerts", {}, {RunOf("r1", "import:openvas", {traversal})}, "unknown", {}},
  };
  for (const Case& c : cases) {
    const VerdictSuggestion s = SuggestVerdict(c.alerts, c.runs);
    EXPECT_EQ(s.suggestion, c.suggestion) << c.name;
    std::vector<std::string> kinds;
    for (const SuggestionMatch& m : s.matches) kinds.push_back(m.kind);
    EXPECT_EQ(kinds, c.kinds) << c.name;
    EXPECT_FALSE(s.reasons.empty()) << c.name;
  }
}

TEST(SuggestVerdict, MatchesSayWhy) {
  const AlertFacts alert{"a1", "FortiGate IPS Blocked an Attack", "1", V({"CVE-2021-41773"}), {}};
  const VerdictSuggestion s = SuggestVerdict(
      {alert}, {RunOf("r1", "import:openvas",
                      {FindingOf("f1", "Apache Path Traversal", V({"CVE-2021-41773"}))})});
  ASSERT_EQ(s.matches.size(), 1u);
  const SuggestionMatch& m = s.matches[0];
  EXPECT_EQ((std::vector<std::string>{m.alert_id, m.key, m.finding_id, m.run_id}),
            V({"a1", "CVE-2021-41773", "f1", "r1"}));
  EXPECT_EQ(m.why,
            "CVE-2021-41773 of alert a1 (FortiGate IPS Blocked an Attack) matches open finding f1 "
            "of run r1: Apache Path Traversal on 192.0.2.10:80/tcp");
  const std::string json = s.ToJson();
  EXPECT_NE(json.find(R"("suggestion":"likely_real","verdict":"confirmed")"), std::string::npos)
      << json;
  EXPECT_EQ(VerdictOfSuggestion("likely_false_positive"), "false_positive");
  EXPECT_EQ(VerdictOfSuggestion("unknown"), "");
}

}  // namespace
}  // namespace pantau
