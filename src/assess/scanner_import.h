// Importers of other scanners' reports, so that a team keeps the scanners it has: OpenVAS /
// Greenbone XML reports, Nessus .nessus (v2) files, Nuclei JSONL output and OWASP ZAP JSON
// reports, each read by one pure function into findings (assessment_store.h) with the hosts
// they concern, which the caller passes through the allow-list (allow_list.h).
//
// A report is hostile input. Every importer bounds what it reads: the file's size is the
// caller's (AssessmentOptions::max_import_bytes), JSON nesting depth (kMaxImportJsonDepth),
// the number of findings (kMaxImportFindings: a bigger report is refused, never cut, because a
// cut report would make a vulnerability look absent), and every text kept (titles, excerpts).
// XML is read by pugixml with its default flags, which neither read a DOCTYPE's internal subset
// nor expand entities other than the five predefined ones and character references, and never
// fetch anything: external entities (XXE) and entity expansion ("billion laughs") cannot happen.
// Errors name the line (and column) or the element, and what is wrong.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "assess/assessment_store.h"
#include "core/status.h"

namespace pantau {

inline constexpr size_t kMaxImportFindings = 20000;
inline constexpr size_t kMaxImportJsonDepth = 64;
inline constexpr size_t kMaxImportHosts = 4096;

// The formats POST .../assessments/import?format= takes; the run's kind is "import:<format>".
inline constexpr std::string_view kImportFormats[] = {"openvas", "nessus", "nuclei", "zap"};

struct ImportedFinding {
  // The host names and addresses the finding is on, as the report gives them (an address and
  // the name it resolved to, say): it belongs to the system when one of them passes the
  // allow-list.
  std::vector<std::string> hosts;
  NewFinding finding;
};

struct ImportedReport {
  std::string tool;  // "Greenbone GMP 22.4", "Nessus 10.7.1", "ZAP 2.14.0", "Nuclei"
  // Every host the report says it scanned, with or without findings, each with the names it has
  // there (an address and its host name): what a completed scan covered (a clean host is a
  // result too).
  std::vector<std::vector<std::string>> scanned_hosts;
  std::vector<ImportedFinding> findings;
};

Result<ImportedReport> ParseOpenVasXml(std::string_view xml);
Result<ImportedReport> ParseNessusXml(std::string_view xml);
Result<ImportedReport> ParseNucleiJsonl(std::string_view jsonl);
Result<ImportedReport> ParseZapJson(std::string_view json);

// One of the above by kImportFormats name; InvalidArgument for another name.
Result<ImportedReport> ParseScannerReport(std::string_view format, std::string_view bytes);

// The host of a URL, "host:port" or a bare host ("https://a.example:8443/x" -> "a.example",
// "[2001:db8::1]:80" -> "2001:db8::1"); lower case; empty when there is none.
std::string HostOfTarget(std::string_view target);

}  // namespace pantau
