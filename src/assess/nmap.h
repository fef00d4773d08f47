// nmap (the Debian package) as an assessment runner: the command line from a fixed template,
// its XML report (-oX -) read with pugixml into findings. Open ports with their service and
// version are `info` findings; NSE script results that name CVE ids or say VULNERABLE are
// findings with the CVSS score they give and the severity of that score. While it runs, nmap
// reports its progress every two seconds (--stats-every), read line by line with
// ParseNmapProgressLine.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assess/allow_list.h"
#include "assess/assessment_store.h"
#include "core/status.h"

namespace pantau {

// The ports scanned when a run names none: the services a regency's systems commonly expose.
inline constexpr std::string_view kDefaultNmapPorts =
    "21,22,23,25,53,80,110,143,443,445,465,587,993,995,1433,1521,2082,2083,2086,2087,3000,3306,"
    "3389,5432,5900,6379,8000,8008,8080,8081,8443,8888,9000,9200,10000,27017";

// "80,443,8000-8100": port numbers 1 to 65535 and ranges of them, at most 100 items; spaces
// dropped. InvalidArgument naming what is wrong.
Result<std::string> NormalisePorts(std::string_view ports);

// nmap -sV -Pn -oX - --stats-every 2s --host-timeout 120s -p PORTS [--script "vuln and not
// external"] TARGET... `vuln` adds nmap's vulnerability scripts, without those of the `external`
// category (which send what was found to third-party services such as vulners.com).
std::vector<std::string> NmapArgv(std::string_view nmap, const std::vector<ScanTarget>& targets,
                                  std::string_view ports, bool vuln);

// The command line as one string, each argument quoted when it holds a space: what a run records.
std::string CommandLine(const std::vector<std::string>& argv);

struct NmapReport {
  std::string version;  // nmaprun/@version
  std::string error;    // runstats/finished/@errormsg
  int hosts_up = 0;
  std::vector<NewFinding> findings;
};

// How far nmap is: the phase it names and the percentage of that phase done. Each phase counts
// from 0 to 100 again.
struct NmapProgress {
  std::string phase;  // "SYN Stealth Scan", "Service scan", "NSE"
  double percent = 0;
};

// One line of nmap's output with its progress: the <taskprogress task=".." percent=".."/>
// element that -oX - writes, or the "SYN Stealth Scan Timing: About 45.12% done; ETC: ..." line
// of its normal output. nullopt for any other line, and for a percentage outside 0 to 100.
std::optional<NmapProgress> ParseNmapProgressLine(std::string_view line);

// Reads nmap's XML report. InvalidArgument when it is not one (cut short, say).
Result<NmapReport> ParseNmapXml(std::string_view xml);

// The CVE ids in `text` ("CVE-2021-41773", also written cve_2021_41773 or cve.2021-41773), as
// CVE-YYYY-NNNN, each once, in the order found.
std::vector<std::string> FindCves(std::string_view text);

}  // namespace pantau
