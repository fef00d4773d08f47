// Assessments run from a case: the service the API calls. Start checks the request (the case is
// open and links the system; every target passes the allow-list, allow_list.h), records the run
// (assessment.start) and runs it in a background thread: nmap (nmap.h) or the built-in web
// checks (web_checks.h). At most `max_running` runs go at once; one more is refused (503) rather
// than queued, so that nobody waits on a scan they cannot see. When a run ends its raw output goes
// into the case's evidence (cases/evidence.h, with its SHA-256 and chain of custody) and its
// findings into the store, with the audit entry of its end. Cancel asks a run to stop: the child
// process is killed, what it wrote so far is kept. While a run goes, its progress (RunProgress:
// checks done of all for web checks, nmap's own percentage of its current phase) is kept here in
// memory and added to the runs Get, List, Start and Cancel return; findings appear only when the
// run ends.
//
// Thread-safety: every method may be called from any thread. Stop (or the destructor) cancels the
// runs still going and waits for their threads.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "assess/assessment_store.h"
#include "assess/nmap.h"
#include "assess/web_checks.h"
#include "cases/cases.h"
#include "cases/evidence.h"
#include "core/clock.h"
#include "monitor/registry.h"

namespace pantau {

struct AssessmentOptions {
  int max_running = 2;
  std::string nmap = "nmap";  // looked up in PATH
  std::chrono::milliseconds nmap_timeout{std::chrono::minutes(15)};
  WebCheckOptions web;
  size_t max_import_bytes = size_t{32} << 20;  // a scanner's report file
};

struct StartAssessment {
  std::string case_id;  // id or number
  std::string system_id;
  std::string kind;    // nmap, web
  std::string ports;   // nmap: empty for kDefaultNmapPorts
  bool vuln = false;   // nmap: its vulnerability scripts too
  std::string target;  // empty: every target of the system (DefaultScanTargets)
};

// A scanner's report brought in as a run of kind import:<format> (scanner_import.h).
struct ImportAssessment {
  std::string case_id;  // id or number
  std::string system_id;
  std::string format;  // openvas, nessus, nuclei, zap
};

struct ImportedRun {
  AssessmentRun run;
  // Hosts of the file that are not the system's in the registry, with the number of findings on
  // each that were left out.
  std::vector<std::pair<std::string, size_t>> outside;

  // The run's JSON with "outside_registry": [{"host", "findings"}].
  std::string ToJson() const;
};

class AssessmentService {
 public:
  // Fails the runs a previous server left running.
  static Result<std::unique_ptr<AssessmentService>> Open(const std::string& data_dir,
                                                         const Clock& clock, CaseStore& cases,
                                                         EvidenceStore& evidence,
                                                         SystemRegistry& systems,
                                                         AssessmentOptions options);
  ~AssessmentService();

  // The run, started (status running). 400 bad request, 403 a target the allow-list refuses,
  // 404 no such case, 409 a closed case or a system it does not link, 503 too many running.
  Result<AssessmentRun> Start(const StartAssessment& request, const Actor& actor);
  // Asks the run to stop; the run as it is now (still running until its thread ends it).
  Result<AssessmentRun> Cancel(std::string_view run_id, const Actor& actor);
  // Imports a scanner's report of a system the case links: the file is parsed first (400 naming
  // the line or element when it cannot be read), then every host it names goes through the
  // allow-list; findings on hosts that are not the system's are left out and listed, and when
  // no host of the file is the system's the import is refused (403). The run is recorded ended
  // (done), with the file as its raw output evidence. 404 no such case, 409 closed case or a
  // system it does not link, 413 a file over max_import_bytes.
  Result<ImportedRun> Import(const ImportAssessment& request, std::string_view file,
                             const Actor& actor);
  size_t max_import_bytes() const { return options_.max_import_bytes; }
  Result<std::vector<AssessmentRun>> List(std::string_view case_id);
  Result<AssessmentRun> Get(std::string_view run_id);
  Result<Finding> UpdateFinding(std::string_view finding_id, std::string_view status,
                                std::string_view reason, const Actor& actor);

  // Cancels every run and waits for them to end. New starts are refused afterwards.
  void Stop();

 private:
  struct Job {
    std::shared_ptr<std::atomic<bool>> cancel;
    std::thread thread;
    bool finished = false;
    RunProgress progress;
  };
  AssessmentService(std::unique_ptr<AssessmentStore> store, CaseStore& cases,
                    EvidenceStore& evidence, SystemRegistry& systems, AssessmentOptions options)
      : store_(std::move(store)),
        cases_(cases),
        evidence_(evidence),
        systems_(systems),
        options_(std::move(options)) {}
  // The body of a run's thread.
  void Run(const AssessmentRun& run, const std::vector<ScanTarget>& targets, bool vuln,
           const Actor& actor, const std::atomic<bool>& cancel);
  // Keeps the output as the case's evidence, naming it in `outcome` (or saying in its message
  // why it could not be kept).
  void KeepOutput(const AssessmentRun& run, RunOutcome& outcome, std::string_view output,
                  std::string_view file_name, const Actor& actor);
  // Keeps the output as evidence and ends the run in the store.
  void Finish(const AssessmentRun& run, RunOutcome outcome, std::string_view output,
              std::string_view file_name, const Actor& actor);
  void ReapLocked();
  // What the run's thread reports as it goes.
  void SetProgress(const std::string& run_id, RunProgress progress);
  // Adds the progress of `run` when it is running here.
  void AddProgress(AssessmentRun& run);

  std::unique_ptr<AssessmentStore> store_;
  CaseStore& cases_;
  EvidenceStore& evidence_;
  SystemRegistry& systems_;
  AssessmentOptions options_;
  std::mutex mu_;
  std::map<std::string, Job> jobs_;  // GUARDED_BY(mu_), by run id
  bool stopped_ = false;             // GUARDED_BY(mu_)
};

}  // namespace pantau
