#include "assess/nmap.h"

#include <gtest/gtest.h>

#include <sstream>

#include "assess/test_samples.h"

namespace pantau {
namespace {

TEST(NmapXml, SampleReportBecomesFindings) {
  const std::string xml = ReadSample("nmap_sample.xml");
  ASSERT_FALSE(xml.empty()) << "testdata/nmap_sample.xml not found";
  auto report = ParseNmapXml(xml);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->version, "7.93");
  EXPECT_EQ(report->hosts_up, 1);
  EXPECT_EQ(report->error, "");
  const auto& f = report->findings;
  ASSERT_EQ(f.size(), 5u);

  EXPECT_EQ(f[0].title, "Open port 22/tcp: ssh (OpenSSH 7.4)");
  EXPECT_EQ(f[0].severity, "info");
  EXPECT_EQ(f[0].target, "portal.example (192.0.2.10):22/tcp");
  EXPECT_TRUE(f[0].cves.empty());
  EXPECT_FALSE(f[0].cvss);
  EXPECT_NE(f[0].evidence.find("22/tcp open ssh OpenSSH 7.4 (protocol 2.0)"), std::string::npos);
  EXPECT_NE(f[0].evidence.find("cpe:/a:openbsd:openssh:7.4"), std::string::npos);

  // vulners: every CVE of the table, the highest score and its severity.
  EXPECT_EQ(f[1].title, "nmap script vulners");
  EXPECT_EQ(f[1].cves, (std::vector<std::string>{"CVE-2023-38408", "CVE-2016-10012"}));
  ASSERT_TRUE(f[1].cvss);
  EXPECT_DOUBLE_EQ(*f[1].cvss, 9.8);
  EXPECT_EQ(f[1].severity, "critical");
  EXPECT_EQ(f[1].target, "portal.example (192.0.2.10):22/tcp");

  EXPECT_EQ(f[2].title, "Open port 80/tcp: http (Apache httpd 2.4.49)");
  // A script that says VULNERABLE without a score: high.
  EXPECT_EQ(f[3].title, "Path traversal in Apache HTTP Server 2.4.49 (CVE-2021-41773)");
  EXPECT_EQ(f[3].cves, std::vector<std::string>{"CVE-2021-41773"});
  EXPECT_FALSE(f[3].cvss);
  EXPECT_EQ(f[3].severity, "high");
  EXPECT_NE(f[3].evidence.find("http-vuln-cve2021-41773 (VULNERABLE)"), std::string::npos);
  // NOT VULNERABLE (slowloris), the server header and the closed port give nothing; the host
  // script does, on the host.
  EXPECT_EQ(f[4].title,
            "Remote Code Execution vulnerability in Microsoft SMBv1 servers (ms17-010)");
  EXPECT_EQ(f[4].cves, std::vector<std::string>{"CVE-2017-0143"});
  EXPECT_EQ(f[4].severity, "high");
  EXPECT_EQ(f[4].target, "portal.example (192.0.2.10)");
}

TEST(NmapXml, RefusesWhatIsNotAReport) {
  EXPECT_EQ(ParseNmapXml("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNmapXml("<nmaprun version=\"7.93\"><host>").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseNmapXml("<other/>").status().code(), StatusCode::kInvalidArgument);
  auto empty = ParseNmapXml(
      "<nmaprun version=\"7.93\"><runstats><finished errormsg=\"x\"/>"
      "</runstats></nmaprun>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->findings.empty());
  EXPECT_EQ(empty->error, "x");
}

TEST(NmapXml, FindsCveIds) {
  EXPECT_EQ(FindCves("see CVE-2021-41773, cve-2017-0143 and CVE-2021-41773; not XCVE-2020-1234 "
                     "nor CVE-20-1 nor CVE-2020-123"),
            (std::vector<std::string>{"CVE-2021-41773", "CVE-2017-0143"}));
  EXPECT_EQ(FindCves("CVE:CVE-2014-0160"), std::vector<std::string>{"CVE-2014-0160"});
}

TEST(NmapCommand, FixedTemplate) {
  EXPECT_EQ(*NormalisePorts(" 80, 443,8000-8100 "), "80,443,8000-8100");
  EXPECT_EQ(NormalisePorts("0").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalisePorts("65536").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalisePorts("90-80").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalisePorts("80;id").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalisePorts("T:80").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalisePorts("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NormalisePorts(",,").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(NormalisePorts(kDefaultNmapPorts).ok());
  EXPECT_EQ(SeverityOfCvss(0), "info");
  EXPECT_EQ(SeverityOfCvss(3.9), "low");
  EXPECT_EQ(SeverityOfCvss(4.0), "medium");
  EXPECT_EQ(SeverityOfCvss(7.0), "high");
  EXPECT_EQ(SeverityOfCvss(9.0), "critical");
  EXPECT_EQ(CommandLine({"nmap", "-p", "80", "--script", "vuln and not external", "192.0.2.1"}),
            "nmap -p 80 --script 'vuln and not external' 192.0.2.1");
}

// Lines nmap 7.93 wrote with --stats-every against loopback ports opened for the purpose: the
// XML of -oX - (the runs' form) and the normal output.
TEST(NmapProgress, ReadsTaskProgressOfRealXmlOutput) {
  const std::string xml = ReadSample("nmap_progress_sample.xml");
  ASSERT_FALSE(xml.empty()) << "testdata/nmap_progress_sample.xml not found";
  std::vector<NmapProgress> seen;
  std::istringstream lines(xml);
  for (std::string line; std::getline(lines, line);) {
    if (auto p = ParseNmapProgressLine(line)) seen.push_back(*p);
  }
  ASSERT_EQ(seen.size(), 36u);  // every <taskprogress>, nothing else
  EXPECT_EQ(seen[0].phase, "SYN Stealth Scan");
  EXPECT_DOUBLE_EQ(seen[0].percent, 29.94);
  EXPECT_EQ(seen[2].phase, "Service scan");
  EXPECT_DOUBLE_EQ(seen[2].percent, 14.29);
  EXPECT_EQ(seen.back().phase, "NSE");
  EXPECT_DOUBLE_EQ(seen.back().percent, 57.14);
  // The progress lines do not disturb the report.
  auto report = ParseNmapXml(xml);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->version, "7.93");
}

TEST(NmapProgress, ReadsTimingLinesOfRealNormalOutput) {
  const std::string text = ReadSample("nmap_progress_normal.txt");
  ASSERT_FALSE(text.empty()) << "testdata/nmap_progress_normal.txt not found";
  std::vector<NmapProgress> seen;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (auto p = ParseNmapProgressLine(line)) seen.push_back(*p);
  }
  ASSERT_EQ(seen.size(), 5u);  // the "Stats:" lines name no percentage
  for (const NmapProgress& p : seen) EXPECT_EQ(p.phase, "SYN Stealth Scan");
  EXPECT_DOUBLE_EQ(seen[0].percent, 11.76);
  EXPECT_DOUBLE_EQ(seen[4].percent, 91.77);
}

TEST(NmapProgress, RefusesWhatIsNotProgress) {
  const char* not_progress[] = {
      "",
      "<taskprogress task=\"NSE\"/>",
      "<taskprogress task=\"NSE\" percent=\"101.00\"/>",
      "<taskprogress task=\"NSE\" percent=\"-1\"/>",
      "<taskprogress task=\"NSE\" percent=\"inf\"/>",
      "<taskprogress task=\"\" percent=\"10.00\"/>",
      "<taskbegin task=\"NSE\" time=\"1795859327\"/>",
      "Timing: About 10.00% done",  // no phase
      "SYN Stealth Scan Timing: About lots% done; ETC: 09:49",
      "<port protocol=\"tcp\" portid=\"80\"><state state=\"open\"/></port>",
  };
  for (const char* line : not_progress) {
    EXPECT_FALSE(ParseNmapProgressLine(line)) << line;
  }
  auto p = ParseNmapProgressLine("  <taskprogress task=\"Service scan\" percent=\"100.00\"/>\r");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->phase, "Service scan");
  EXPECT_DOUBLE_EQ(p->percent, 100);
}

TEST(NmapProgress, CommandAsksForStatsEveryTwoSeconds) {
  const std::string line = CommandLine(NmapArgv("nmap", {}, "80", false));
  EXPECT_EQ(line, "nmap -sV -Pn -oX - --stats-every 2s --host-timeout 120s -p 80");
}

}  // namespace
}  // namespace pantau
