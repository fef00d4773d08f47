#include "assess/scanner_import.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>

#include "assess/test_samples.h"

namespace pantau {
namespace {

std::vector<std::string> V(std::initializer_list<const char*> items) {
  return {items.begin(), items.end()};
}

void ExpectRefused(const Result<ImportedReport>& r, std::string_view says) {
  ASSERT_FALSE(r.ok()) << "expected a refusal saying: " << says;
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(says), std::string::npos) << r.status().message();
}

TEST(OpenVasXml, SampleReportBecomesFindings) {
  const std::string xml = ReadSample("openvas_sample.xml");
  ASSERT_FALSE(xml.empty()) << "testdata/openvas_sample.xml not found";
  auto report = ParseOpenVasXml(xml);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->tool, "Greenbone GMP 22.4");
  ASSERT_EQ(report->scanned_hosts.size(), 2u);
  EXPECT_EQ(report->scanned_hosts[0].front(), "192.0.2.10");
  EXPECT_EQ(report->scanned_hosts[1].front(), "198.51.100.7");
  // The result an override marked a false positive is no finding.
  const auto& f = report->findings;
  ASSERT_EQ(f.size(), 4u);

  EXPECT_EQ(f[0].hosts, V({"192.0.2.10", "portal.example"}));
  EXPECT_EQ(f[0].finding.check_id, "openvas:1.3.6.1.4.1.25623.1.0.117680");
  EXPECT_EQ(f[0].finding.title, "Apache HTTP Server 2.4.49 - 2.4.50 Path Traversal Vulnerability");
  EXPECT_EQ(f[0].finding.target, "portal.example (192.0.2.10):80/tcp");
  EXPECT_EQ(f[0].finding.severity, "critical");
  ASSERT_TRUE(f[0].finding.cvss);
  EXPECT_DOUBLE_EQ(*f[0].finding.cvss, 9.8);
  EXPECT_EQ(f[0].finding.cves, V({"CVE-2021-41773", "CVE-2021-42013"}));
  EXPECT_NE(f[0].finding.evidence.find("root:x:0:0"), std::string::npos);
  EXPECT_NE(f[0].finding.evidence.find("Solution: Update to version 2.4.51"), std::string::npos);

  // An older NVT's <cve> list.
  EXPECT_EQ(f[1].finding.cves, V({"CVE-2011-3389", "CVE-2015-0204"}));
  EXPECT_EQ(f[1].finding.severity, "medium");
  // A log result: info, on the host itself.
  EXPECT_EQ(f[2].finding.severity, "info");
  EXPECT_EQ(f[2].finding.target, "192.0.2.10");
  EXPECT_FALSE(f[2].finding.cvss);
  // Outside the registry or not is for the caller to say.
  EXPECT_EQ(f[3].hosts, V({"198.51.100.7"}));
  EXPECT_EQ(f[3].finding.severity, "critical");
}

TEST(OpenVasXml, RefusesWhatIsNotAReportWithWhereAndWhy) {
  ExpectRefused(ParseOpenVasXml("<report><results><result>"),
                "line 1, column 25: Start-end tags mismatch");
  ExpectRefused(ParseOpenVasXml("<?xml version=\"1.0\"?>\n<nmaprun/>"),
                "line 2, <nmaprun> is not a Greenbone report");
  ExpectRefused(ParseOpenVasXml("<report>\n<report/>\n</report>"), "has no <results>");
  ExpectRefused(ParseOpenVasXml("<report><results>\n<result><port>80/tcp</port></result>"
                                "</results></report>"),
                "line 2, <result>: no <host> address");
  ExpectRefused(ParseOpenVasXml("<report><results>\n\n<result><host>192.0.2.1</host><nvt/>"
                                "</result></results></report>"),
                "line 3, <result>: no <nvt oid=...>");
}

TEST(NessusXml, SampleFileBecomesFindings) {
  const std::string xml = ReadSample("nessus_sample.nessus");
  ASSERT_FALSE(xml.empty());
  auto report = ParseNessusXml(xml);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->tool, "Nessus 10.7.1");
  ASSERT_EQ(report->scanned_hosts.size(), 2u);
  EXPECT_EQ(report->scanned_hosts[0], V({"portal.example", "192.0.2.10"}));
  const auto& f = report->findings;
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].finding.check_id, "nessus:19506");
  EXPECT_EQ(f[0].finding.severity, "info");
  EXPECT_EQ(f[0].finding.target, "portal.example (192.0.2.10)");

  EXPECT_EQ(f[1].finding.check_id, "nessus:153884");
  EXPECT_EQ(f[1].finding.title, "Apache 2.4.49 < 2.4.51 Path Traversal Vulnerability");
  EXPECT_EQ(f[1].finding.severity, "critical");
  EXPECT_EQ(f[1].finding.target, "portal.example (192.0.2.10):80/tcp");
  EXPECT_EQ(f[1].finding.cves, V({"CVE-2021-41773", "CVE-2021-42013"}));
  ASSERT_TRUE(f[1].finding.cvss);
  EXPECT_DOUBLE_EQ(*f[1].finding.cvss, 9.8);
  EXPECT_NE(f[1].finding.evidence.find("Installed version : 2.4.49"), std::string::npos);
  EXPECT_EQ(f[1].hosts, V({"portal.example", "192.0.2.10"}));

  EXPECT_EQ(f[2].finding.severity, "medium");
  EXPECT_EQ(f[3].hosts, V({"198.51.100.7"}));
  EXPECT_EQ(f[3].finding.cves, V({"CVE-2023-48795"}));
}

TEST(NessusXml, RefusesWithTheElementAndReason) {
  ExpectRefused(ParseNessusXml("<NessusClientData>\n</NessusClientData>"),
                "line 1, <NessusClientData> is not <NessusClientData_v2>");
  ExpectRefused(ParseNessusXml("<NessusClientData_v2><Report>\n<ReportHost name=\"a.example\">\n"
                               "<ReportItem pluginID=\"1\" severity=\"7\"/></ReportHost></Report>"
                               "</NessusClientData_v2>"),
                "line 3, <ReportItem>: severity '7' is not 0 to 4");
  ExpectRefused(ParseNessusXml("<NessusClientData_v2><Report><ReportHost name=\"a\">"
                               "<ReportItem pluginID=\"x1\" severity=\"1\"/></ReportHost>"
                               "</Report></NessusClientData_v2>"),
                "pluginID 'x1' is not a plugin number");
  ExpectRefused(ParseNessusXml("<NessusClientData_v2><Report>\n<ReportHost/></Report>"
                               "</NessusClientData_v2>"),
                "line 2, <ReportHost>: no name attribute");
}

TEST(NucleiJsonl, SampleOutputBecomesFindings) {
  const std::string jsonl = ReadSample("nuclei_sample.jsonl");
  ASSERT_FALSE(jsonl.empty());
  auto report = ParseNucleiJsonl(jsonl);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->tool, "Nuclei");
  const auto& f = report->findings;
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].finding.check_id, "nuclei:CVE-2021-41773");
  EXPECT_EQ(f[0].finding.title, "Apache 2.4.49 - Path Traversal");
  EXPECT_EQ(f[0].finding.severity, "high");
  EXPECT_EQ(f[0].finding.target, "http://portal.example/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd");
  EXPECT_EQ(f[0].finding.cves, V({"CVE-2021-41773"}));
  ASSERT_TRUE(f[0].finding.cvss);
  EXPECT_DOUBLE_EQ(*f[0].finding.cvss, 7.5);
  EXPECT_EQ(f[0].hosts, V({"portal.example", "192.0.2.10"}));
  EXPECT_NE(f[0].finding.evidence.find("root:x:0:0"), std::string::npos);
  // cve-id null, no cvss.
  EXPECT_TRUE(f[1].finding.cves.empty());
  EXPECT_EQ(f[1].finding.severity, "info");
  EXPECT_EQ(f[2].hosts, V({"198.51.100.7"}));
  EXPECT_EQ(f[2].finding.target, "198.51.100.7:3306");
}

TEST(NucleiJsonl, RefusesABadLineNamingIt) {
  const std::string good =
      R"({"template-id":"a","info":{"name":"A","severity":"low"},"host":"http://a.example"})";
  ExpectRefused(ParseNucleiJsonl(good + "\n\n{\"template-id\": \"b\", oops}\n"),
                "Nuclei JSONL: line 3, column 22");
  ExpectRefused(ParseNucleiJsonl(good + "\n[1, 2]\n"), "line 2: expected one JSON object a line");
  ExpectRefused(ParseNucleiJsonl(R"({"info":{"name":"A"}})"), "line 1: no template-id");
  ExpectRefused(
      ParseNucleiJsonl(R"({"template-id":"a","info":{"severity":"urgent"},"host":"a.example"})"),
      "line 1: info.severity 'urgent' is not one of");
  ExpectRefused(ParseNucleiJsonl(R"({"template-id":"a","info":{"severity":"low"}})"),
                "line 1: no host, url, matched-at or ip");
  ExpectRefused(ParseNucleiJsonl(R"({"template-id":7,"host":"a.example"})"),
                "line 1: template-id: expected a string");
}

TEST(ZapJson, SampleReportBecomesFindings) {
  const std::string json = ReadSample("zap_sample.json");
  ASSERT_FALSE(json.empty());
  auto report = ParseZapJson(json);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->tool, "ZAP 2.14.0");
  ASSERT_EQ(report->scanned_hosts.size(), 2u);
  EXPECT_EQ(report->scanned_hosts[1], V({"cdn.example.net"}));
  const auto& f = report->findings;
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].finding.check_id, "zap:40018");
  EXPECT_EQ(f[0].finding.title, "SQL Injection");
  EXPECT_EQ(f[0].finding.severity, "high");
  EXPECT_EQ(f[0].finding.target, "http://portal.example/berita.php?id=5");
  EXPECT_EQ(f[0].hosts, V({"portal.example"}));
  EXPECT_NE(f[0].finding.evidence.find("GET http://portal.example/cari.php?q=a param=q"),
            std::string::npos)
      << f[0].finding.evidence;
  EXPECT_NE(f[0].finding.evidence.find("error in your SQL syntax"), std::string::npos);
  EXPECT_EQ(f[1].finding.severity, "medium");
  EXPECT_EQ(f[2].finding.severity, "low");
  EXPECT_EQ(f[2].hosts, V({"cdn.example.net"}));
}

TEST(ZapJson, RefusesWithThePathAndReason) {
  ExpectRefused(ParseZapJson("{\n  \"site\": [\n    {\"@name\": }\n  ]\n}"),
                "ZAP JSON report: line 3, column 15: syntax error");
  ExpectRefused(ParseZapJson(R"({"@version":"2.14.0"})"), "expected an object with \"site\"");
  ExpectRefused(ParseZapJson(R"({"site":[{"@name":"http://a.example","alerts":[{"pluginid":"1",
                "riskcode":"9"}]}]})"),
                "site[0].alerts[0].riskcode: '9' is not 0 to 3");
  ExpectRefused(ParseZapJson(R"({"site":[{"alerts":[]}]})"), "site[0]: no @name or @host");
  ExpectRefused(ParseZapJson(R"({"site":[{"@host":"a.example","alerts":[{"riskcode":"1"}]}]})"),
                "site[0].alerts[0]: no pluginid");
}

// Hostile files: external entities are never fetched or read, entities never expanded, deep
// nesting refused before parsing, and a report too big to import whole refused, never cut.
TEST(ScannerImport, ExternalEntitiesAreNeverRead) {
  const std::string xxe = R"(<?xml version="1.0"?>
<!DOCTYPE report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<report><results><result><name>&xxe;</name><host>192.0.2.10</host>
<nvt oid="1.2.3"/><description>&xxe;</description></result></results></report>)";
  auto report = ParseOpenVasXml(xxe);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->findings.size(), 1u);
  EXPECT_EQ(report->findings[0].finding.title, "&xxe;");
  EXPECT_EQ(report->findings[0].finding.evidence.find("root:"), std::string::npos);
}

TEST(ScannerImport, EntityExpansionDoesNotHappen) {
  std::string laughs =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE NessusClientData_v2 [\n"
      "<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    laughs += fmt::format("<!ENTITY lol{} \"", i);
    for (int k = 0; k < 10; ++k)
      laughs += fmt::format("&lol{};", i == 1 ? "" : std::to_string(i - 1));
    laughs += "\">\n";
  }
  laughs +=
      "]>\n<NessusClientData_v2><Report><ReportHost name=\"a.example\">"
      "<ReportItem pluginID=\"1\" severity=\"1\" pluginName=\"&lol9;\"/>"
      "</ReportHost></Report></NessusClientData_v2>";
  const auto start = std::chrono::steady_clock::now();
  auto report = ParseNessusXml(laughs);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->findings.size(), 1u);
  EXPECT_EQ(report->findings[0].finding.title, "&lol9;");
}

TEST(ScannerImport, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  ExpectRefused(ParseZapJson(deep), "nested deeper than 64 levels");
  ExpectRefused(ParseNucleiJsonl("{\"template-id\":\"a\",\"x\":" + deep + "}"),
                "line 1: nested deeper than 64 levels");
  // Brackets inside strings are text, not nesting.
  auto ok = ParseZapJson(R"({"site":{"@host":"a.example","alerts":[{"pluginid":"1",
      "riskcode":"1","name":")" +
                         std::string(200, '[') + R"("}]}})");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST(ScannerImport, TooManyFindingsAreRefusedNotCut) {
  std::string jsonl;
  for (size_t i = 0; i <= kMaxImportFindings; ++i) {
    jsonl += R"({"template-id":"t","info":{"severity":"low"},"host":"a.example"})"
             "\n";
  }
  ExpectRefused(ParseNucleiJsonl(jsonl), "more than 20000 findings");
}

TEST(ScannerImport, FormatsAndHosts) {
  ExpectRefused(ParseScannerReport("qualys", "x"), "format: 'qualys' is not one of");
  EXPECT_EQ(HostOfTarget("https://Portal.Example:8443/a?b"), "portal.example");
  EXPECT_EQ(HostOfTarget("198.51.100.7:3306"), "198.51.100.7");
  EXPECT_EQ(HostOfTarget("[2001:db8::1]:80"), "2001:db8::1");
  EXPECT_EQ(HostOfTarget("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(HostOfTarget("http://user@a.example/"), "a.example");
  EXPECT_EQ(HostOfTarget(""), "");
}

}  // namespace
}  // namespace pantau
