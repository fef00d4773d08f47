#include "assess/nmap.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace pantau
