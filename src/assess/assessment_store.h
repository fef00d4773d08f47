// Assessment runs of a case and their findings (SOP step 5), kept in DATA/pantau.db. A run is one
// scan of one registered system from a case: its kind (nmap, web), the targets the allow-list
// let through (allow_list.h), the exact command line, the tool's version, when it started and
// ended, how it ended (running -> done, failed or cancelled), and its raw output, kept as case
// evidence with its SHA-256 (cases/evidence.h). A finding is what a run found: title, severity,
// CVE ids, CVSS score, an excerpt of the output or response that shows it, and a status people
// set (open -> confirmed, false_positive, fixed, or back to open).
//
// Every start, cancel request, end and finding status change writes its audit entry
// (auth/audit.h) in the transaction of the change, on the case's object (case:42):
// assessment.start, assessment.cancel, assessment.finish, finding.update.
//
// Thread-safety: AssessmentStore's methods may be called from any thread (one connection behind
// a mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/workflow.h"
#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/db.h"

namespace pantau {

// info, low, medium, high, critical
bool IsSeverity(std::string_view s);
// CVSS v3 qualitative rating: 0 info, 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0-10 critical.
std::string_view SeverityOfCvss(double cvss);

// open, confirmed, false_positive, fixed
bool IsFindingStatus(std::string_view s);

struct NewFinding {
  std::string title;
  std::string severity = "info";
  std::string target;  // what it was found on: host:port/protocol, a URL
  std::vector<std::string> cves;
  std::optional<double> cvss;
  std::string evidence;  // an excerpt of the output or the response
  // The tool's id of the check that found it, prefixed with the tool: "openvas:<NVT OID>",
  // "nessus:<plugin id>", "nuclei:<template id>", "zap:<plugin id>", "nmap:<script id>",
  // "web:<check>"; empty when there is none. Stable across runs, unlike titles.
  std::string check_id;
};

struct Finding {
  std::string id;
  std::string run_id;
  NewFinding found;
  std::string status = "open";
  std::string status_reason;
  std::string updated_by;  // empty: as found
  TimeNs updated = 0;

  // {"id", "run_id", "title", "severity", "target", "cves", "cvss"|null, "evidence",
  //  "check_id"|null, "status", "status_reason", "updated_by"|null, "updated"|null}
  std::string ToJson() const;
};

struct NewRun {
  std::string case_id;  // the case's id or number
  std::string system_id, system_name;
  std::string kind;  // nmap, web, import:openvas, import:nessus, import:nuclei, import:zap
  std::vector<std::string> targets;
  std::string ports;    // nmap's -p; empty for web
  std::string command;  // the exact command line, or the checks made
};

// How a run ended, as its runner says.
struct RunOutcome {
  std::string status;  // done, failed, cancelled
  std::string message;
  std::string tool_version;
  std::string evidence_id;  // the raw output in the case's evidence; empty when none was kept
  std::string output_sha256;
  std::vector<NewFinding> findings;
};

// How far a running run is (kept in memory by AssessmentService, never stored): `done` of
// `total` (web checks: checks of all URLs; nmap: the percentage of its current phase, of 100)
// and what it is doing.
struct RunProgress {
  int done = 0;
  int total = 0;
  std::string step;
};

struct AssessmentRun {
  std::string id;
  std::string case_id, case_number;
  std::string system_id, system_name;
  std::string kind;
  std::vector<std::string> targets;
  std::string ports;
  std::string command;
  std::string tool_version;
  std::string status;  // running, done, failed, cancelled
  std::string message;
  std::string started_by;
  TimeNs started = 0, ended = 0;
  std::string evidence_id, output_sha256;
  std::string cancel_requested_by;
  std::vector<Finding> findings;
  std::optional<RunProgress> progress;  // only while running, and known

  // {"id", "case_id", "case_number", "system_id", "system_name", "kind", "targets", "ports"|null,
  //  "command", "tool_version"|null, "status", "message", "started_by", "started",
  //  "ended"|null, "evidence_id"|null, "output_sha256"|null, "cancel_requested_by"|null,
  //  "progress": {"done", "total", "step"}|null, "findings": [finding...]}
  std::string ToJson() const;
};

class AssessmentStore {
 public:
  static Result<std::unique_ptr<AssessmentStore>> Open(const std::string& data_dir,
                                                       const Clock& clock);

  // Records a run that starts now. NotFound for an unknown case, FailedPrecondition when closed.
  Result<AssessmentRun> CreateRun(const NewRun& run, const Actor& actor);
  // Notes that `actor` asked to stop the run. FailedPrecondition when it has ended.
  Result<AssessmentRun> RequestCancel(std::string_view run_id, const Actor& actor);
  // Ends a running run with its findings. The audit entry is the starter's (the run acted for
  // them).
  Result<AssessmentRun> FinishRun(std::string_view run_id, const RunOutcome& outcome);
  // Runs a server stopped during (a crash) are failed, with their audit entries.
  Result<int64_t> FailInterruptedRuns();

  Result<AssessmentRun> GetRun(std::string_view run_id);
  // The case's runs, newest first, each with its findings.
  Result<std::vector<AssessmentRun>> ListRuns(std::string_view case_id);
  // Sets a finding's status. InvalidArgument for an unknown status or a false_positive without a
  // reason; FailedPrecondition when the case is closed.
  Result<Finding> UpdateFinding(std::string_view finding_id, std::string_view status,
                                std::string_view reason, const Actor& actor);

 private:
  AssessmentStore(sqlite::Db db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
  Result<AssessmentRun> GetRunLocked(int64_t id);
  Result<std::vector<Finding>> FindingsLocked(int64_t run_id);
  Result<AssessmentRun> FinishLocked(int64_t id, const RunOutcome& outcome);

  std::mutex mu_;
  sqlite::Db db_;  // GUARDED_BY(mu_)
  const Clock& clock_;
};

}  // namespace pantau
