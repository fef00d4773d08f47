#include "assess/assessments.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "assess/scanner_import.h"
#include "cases/text.h"
#include "core/child_process.h"

namespace pantau {

Result<std::unique_ptr<AssessmentService>> AssessmentService::Open(
    const std::string& data_dir, const Clock& clock, CaseStore& cases, EvidenceStore& evidence,
    SystemRegistry& systems, AssessmentOptions options) {
  ASSIGN_OR_RETURN(std::unique_ptr<AssessmentStore> store, AssessmentStore::Open(data_dir, clock));
  ASSIGN_OR_RETURN(const int64_t interrupted, store->FailInterruptedRuns());
  if (interrupted > 0) {
    spdlog::warn("assessments: {} runs were going when the server stopped; marked failed",
                 interrupted);
  }
  return std::unique_ptr<AssessmentService>(
      new AssessmentService(std::move(store), cases, evidence, systems, std::move(options)));
}

AssessmentService::~AssessmentService() { Stop(); }

Result<AssessmentRun> AssessmentService::Start(const StartAssessment& r, const Actor& actor) {
  if (r.kind != "nmap" && r.kind != "web") {
    return InvalidArgument(
        fmt::format("kind: '{}' is not one of nmap, web", ShortenedText(r.kind, 50)));
  }
  if (r.system_id.empty()) return InvalidArgument("system_id: required");
  if (r.kind == "web" && (!r.ports.empty() || r.vuln)) {
    return InvalidArgument("ports and vuln are for nmap runs; web checks use the system's URLs");
  }
  std::string ports;
  if (r.kind == "nmap") {
    if (r.ports.empty()) {
      ports = std::string(kDefaultNmapPorts);
    } else {
      ASSIGN_OR_RETURN(ports, NormalisePorts(r.ports));
    }
  }
  ASSIGN_OR_RETURN(const Case c, cases_.Get(r.case_id));

  // Every target passes the allow-list, the one place that decides what may be scanned.
  std::vector<std::string> wanted;
  if (!r.target.empty()) {
    wanted.push_back(r.target);
  } else {
    auto system = systems_.Get(r.system_id);
    // An unknown system: the allow-list says why it is refused.
    if (!system.ok()) return AllowScanTarget(systems_, r.system_id, r.system_id).status();
    wanted = DefaultScanTargets(*system, r.kind);
    if (wanted.empty()) {
      return InvalidArgument(fmt::format("system {} ({}) has no {} in the registry to scan",
                                         system->id, system->name,
                                         r.kind == "web" ? "URL" : "host name, address or URL"));
    }
  }
  std::vector<ScanTarget> targets;
  std::vector<std::string> target_texts;
  for (const std::string& t : wanted) {
    ASSIGN_OR_RETURN(ScanTarget target, AllowScanTarget(systems_, r.system_id, t));
    if (r.kind == "web" && target.kind() != ScanTarget::Kind::kUrl) {
      return InvalidArgument(
          fmt::format("target: web checks need one of the system's URLs, not '{}'", target.text()));
    }
    target_texts.push_back(target.text());
    targets.push_back(std::move(target));
  }
  ASSIGN_OR_RETURN(const ElectronicSystem system, systems_.Get(r.system_id));
  if (std::find(c.system_ids.begin(), c.system_ids.end(), system.id) == c.system_ids.end()) {
    return FailedPrecondition(fmt::format(
        "system {} ({}) is not linked to case {}: link it to the case (system_ids) before "
        "assessing it",
        system.id, system.name, c.number));
  }

  NewRun run;
  run.case_id = c.id;
  run.system_id = system.id;
  run.system_name = system.name;
  run.kind = r.kind;
  run.targets = target_texts;
  run.ports = ports;
  if (r.kind == "nmap") {
    run.command = CommandLine(NmapArgv(options_.nmap, targets, ports, r.vuln));
  } else {
    run.command = "pantau web checks: security headers, directory listing, exposed files (";
    for (size_t i = 0; i < std::size(kExposedFilePaths); ++i) {
      run.command += fmt::format("{}{}", i ? " " : "", kExposedFilePaths[i]);
    }
    run.command += "), online-gambling content; on";
    for (const std::string& t : target_texts) run.command += " " + t;
  }

  std::lock_guard lock(mu_);
  if (stopped_) return Unavailable("the server is stopping: no new assessments");
  ReapLocked();
  const auto running =
      std::count_if(jobs_.begin(), jobs_.end(), [](const auto& j) { return !j.second.finished; });
  if (running >= options_.max_running) {
    return ResourceExhausted(fmt::format(
        "{} assessments are running, the most at once: wait for one to end or cancel one",
        running));
  }
  ASSIGN_OR_RETURN(AssessmentRun started, store_->CreateRun(run, actor));
  auto cancel = std::make_shared<std::atomic<bool>>(false);
  Job& job = jobs_[started.id];
  job.cancel = cancel;
  if (r.kind == "nmap") {
    job.progress = RunProgress{0, 100, "starting nmap"};
  } else {
    job.progress.step = "starting";
    for (const std::string& t : target_texts) job.progress.total += WebChecksOf(t);
  }
  started.progress = job.progress;
  job.thread =
      std::thread([this, started, targets = std::move(targets), vuln = r.vuln, actor, cancel] {
        Run(started, targets, vuln, actor, *cancel);
        std::lock_guard end(mu_);
        jobs_[started.id].finished = true;
      });
  spdlog::info("assessment run {} ({}) of system {} for case {} started by {}: {}", started.id,
               started.kind, started.system_id, started.case_number, actor.name, started.command);
  return started;
}

void AssessmentService::Run(const AssessmentRun& run, const std::vector<ScanTarget>& targets,
                            bool vuln, const Actor& actor, const std::atomic<bool>& cancel) {
  RunOutcome outcome;
  if (run.kind == "nmap") {
    const std::vector<std::string> argv = NmapArgv(options_.nmap, targets, run.ports, vuln);
    ChildOptions child;
    child.timeout = options_.nmap_timeout;
    child.on_stdout_line = [this, &run](std::string_view line) {
      if (auto p = ParseNmapProgressLine(line)) {
        SetProgress(run.id, RunProgress{static_cast<int>(p->percent), 100, p->phase});
      }
    };
    auto done = RunChildProcess(argv, child, cancel);
    if (!done.ok()) {
      outcome.status = "failed";
      outcome.message = std::string(done.status().message());
      return Finish(run, std::move(outcome), "", "", actor);
    }
    std::string problems;
    if (!done->out.empty()) {
      auto report = ParseNmapXml(done->out);
      if (report.ok()) {
        outcome.tool_version = "nmap " + report->version;
        outcome.findings = std::move(report->findings);
        if (!report->error.empty()) problems += "nmap: " + report->error + ". ";
      } else if (!done->cancelled && !done->timed_out) {
        problems += std::string(report.status().message()) + ". ";
      }
    }
    if (done->truncated) problems += "The output was longer than the cap and was cut. ";
    if (done->cancelled) {
      outcome.status = "cancelled";
    } else if (done->timed_out) {
      outcome.status = "failed";
      problems += fmt::format("nmap ran longer than {} s and was stopped. ",
                              options_.nmap_timeout.count() / 1000);
    } else if (done->exit_code != 0) {
      outcome.status = "failed";
      problems += done->signal ? fmt::format("nmap was killed by signal {}. ", done->signal)
                               : fmt::format("nmap exited with {}. ", done->exit_code);
    } else {
      outcome.status = problems.empty() ? "done" : "failed";
    }
    if (!done->err.empty() && outcome.status != "done") {
      problems += "Its errors: " + TrimmedText(ShortenedText(done->err, 1000));
    }
    outcome.message = TrimmedText(problems);
    // What nmap wrote, as it wrote it; its errors too, when there were any.
    std::string output = done->out;
    if (!done->err.empty()) output += "\n<!-- nmap stderr:\n" + done->err + "\n-->\n";
    return Finish(run, std::move(outcome), output, fmt::format("nmap-run-{}.xml", run.id), actor);
  }
  WebCheckResult web =
      RunWebChecks(targets, options_.web, cancel, [this, &run](const WebCheckProgress& p) {
        SetProgress(run.id, RunProgress{p.done, p.total, p.step});
      });
  outcome.tool_version = web.tool;
  outcome.findings = std::move(web.findings);
  if (web.cancelled) {
    outcome.status = "cancelled";
  } else if (!web.error.empty()) {
    outcome.status = "failed";
    outcome.message = web.error;
  } else {
    outcome.status = "done";
    if (web.timed_out) outcome.message = "the checks ran out of time; some were not made";
  }
  Finish(run, std::move(outcome), web.transcript, fmt::format("web-checks-run-{}.txt", run.id),
         actor);
}

void AssessmentService::Finish(const AssessmentRun& run, RunOutcome outcome,
                               std::string_view output, std::string_view file_name,
                               const Actor& actor) {
  KeepOutput(run, outcome, output, file_name, actor);
  auto ended = store_->FinishRun(run.id, outcome);
  if (!ended.ok()) {
    spdlog::error("assessment run {}: its end could not be recorded: {}", run.id,
                  ended.status().ToString());
    return;
  }
  spdlog::info("assessment run {} ended: {}, {} findings{}", run.id, ended->status,
               ended->findings.size(), ended->message.empty() ? "" : ": " + ended->message);
}

void AssessmentService::KeepOutput(const AssessmentRun& run, RunOutcome& outcome,
                                   std::string_view output, std::string_view file_name,
                                   const Actor& actor) {
  if (!output.empty()) {
    NewEvidence e;
    e.case_id = run.case_id;
    e.kind = "file";
    e.name = std::string(file_name);
    e.description = fmt::format("Raw output of assessment run {} ({}) of system {} ({})", run.id,
                                run.kind, run.system_id, run.system_name);
    e.note = fmt::format("written by assessment run {}: {}", run.id, run.command);
    auto item = evidence_.Add(e, output, actor);
    if (item.ok()) {
      outcome.evidence_id = item->id;
      outcome.output_sha256 = item->sha256;
    } else {
      outcome.message += (outcome.message.empty() ? "" : " ") +
                         std::string("The raw output could not be kept as evidence: ") +
                         std::string(item.status().message());
    }
  }
}

namespace {

std::string_view ImportLabel(std::string_view format) {
  if (format == "openvas") return "OpenVAS/Greenbone XML report";
  if (format == "nessus") return "Nessus .nessus (v2) file";
  if (format == "nuclei") return "Nuclei JSONL output";
  return "ZAP JSON report";
}

std::string_view ImportExtension(std::string_view format) {
  if (format == "nessus") return "nessus";
  if (format == "nuclei") return "jsonl";
  if (format == "zap") return "json";
  return "xml";
}

}  // namespace

std::string ImportedRun::ToJson() const {
  std::string out = run.ToJson();
  out.pop_back();  // the run's closing brace
  out += R"(,"outside_registry":[)";
  for (size_t i = 0; i < outside.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"host":)";
    AppendJsonString(out, outside[i].first);
    out += fmt::format(R"(,"findings":{}}})", outside[i].second);
  }
  return out + "]}";
}

Result<ImportedRun> AssessmentService::Import(const ImportAssessment& r, std::string_view file,
                                              const Actor& actor) {
  if (std::find(std::begin(kImportFormats), std::end(kImportFormats), r.format) ==
      std::end(kImportFormats)) {
    return InvalidArgument(fmt::format("format: '{}' is not one of openvas, nessus, nuclei, zap",
                                       ShortenedText(r.format, 50)));
  }
  if (r.system_id.empty()) return InvalidArgument("system_id: required (a system of the registry)");
  if (file.size() > options_.max_import_bytes) {
    return TooLarge(fmt::format("the file is larger than {} bytes: import it in parts",
                                options_.max_import_bytes));
  }
  if (TrimmedText(file.substr(0, 4096)).empty()) {
    return InvalidArgument("the body is empty: send the scanner's report file as the body");
  }
  ASSIGN_OR_RETURN(const Case c, cases_.Get(r.case_id));
  auto found = systems_.Get(r.system_id);
  // An unknown system: the allow-list says why it is refused.
  if (!found.ok()) return AllowScanTarget(systems_, r.system_id, r.system_id).status();
  const ElectronicSystem& system = *found;
  if (system.status == "retired") {
    return PermissionDenied(
        fmt::format("system {} ({}) is retired: findings are not imported for a retired system",
                    system.id, system.name));
  }
  if (std::find(c.system_ids.begin(), c.system_ids.end(), system.id) == c.system_ids.end()) {
    return FailedPrecondition(fmt::format(
        "system {} ({}) is not linked to case {}: link it to the case (system_ids) before "
        "importing its findings",
        system.id, system.name, c.number));
  }
  ASSIGN_OR_RETURN(ImportedReport report, ParseScannerReport(r.format, file));

  // The registry is the allow-list here too: a host of the file is the system's only when it
  // would be allowed as a scan target of it.
  std::map<std::string, std::string> canonical;  // host -> as the allow-list names it; "" outside
  auto allowed = [&](const std::string& host) -> Result<std::string> {
    if (const auto it = canonical.find(host); it != canonical.end()) return it->second;
    auto target = AllowScanTarget(systems_, system.id, host);
    std::string text;
    if (target.ok()) {
      text = target->text();
    } else if (target.status().code() != StatusCode::kPermissionDenied &&
               target.status().code() != StatusCode::kInvalidArgument) {
      return target.status();
    }
    canonical.emplace(host, text);
    return text;
  };
  std::vector<std::string> targets;
  std::map<std::string, size_t> outside;
  auto note_target = [&](const std::string& t) {
    if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(t);
  };
  for (const std::vector<std::string>& names : report.scanned_hosts) {
    std::string text;
    for (const std::string& name : names) {
      ASSIGN_OR_RETURN(text, allowed(name));
      if (!text.empty()) break;
    }
    if (text.empty()) {
      outside.emplace(names.front(), 0);
    } else {
      note_target(text);
    }
  }
  RunOutcome outcome;
  for (ImportedFinding& f : report.findings) {
    std::string kept_as;
    for (const std::string& host : f.hosts) {
      ASSIGN_OR_RETURN(kept_as, allowed(host));
      if (!kept_as.empty()) break;
    }
    if (kept_as.empty()) {
      ++outside[f.hosts.empty() ? std::string("(none)") : f.hosts.front()];
      continue;
    }
    note_target(kept_as);
    outcome.findings.push_back(std::move(f.finding));
  }
  if (targets.empty() && !outside.empty()) {
    std::string hosts;
    for (const auto& [host, n] : outside) {
      if (hosts.size() > 300) {
        hosts += ", ...";
        break;
      }
      hosts += (hosts.empty() ? "" : ", ") + host;
    }
    return PermissionDenied(fmt::format(
        "no host of the file ({}) is a URL, host name or address of system {} ({}) in the "
        "registry: import a report of the system's own hosts, or have an admin register them",
        ShortenedText(hosts, 400), system.id, system.name));
  }

  NewRun run;
  run.case_id = c.id;
  run.system_id = system.id;
  run.system_name = system.name;
  run.kind = "import:" + r.format;
  run.targets = targets;
  run.command = fmt::format("import of a {} ({} bytes)", ImportLabel(r.format), file.size());
  ASSIGN_OR_RETURN(const AssessmentRun started, store_->CreateRun(run, actor));
  outcome.status = "done";
  outcome.tool_version = report.tool;
  ImportedRun out;
  size_t dropped = 0;
  for (const auto& [host, n] : outside) {
    out.outside.emplace_back(host, n);
    dropped += n;
  }
  if (!outside.empty()) {
    std::string hosts;
    for (const auto& [host, n] : out.outside) {
      if (hosts.size() > 300) {
        hosts += ", ...";
        break;
      }
      hosts += fmt::format("{}{} ({})", hosts.empty() ? "" : ", ", host, n);
    }
    outcome.message = fmt::format(
        "{} finding(s) on {} host(s) that are not the system's in the registry were left out: {}",
        dropped, outside.size(), hosts);
  } else if (targets.empty()) {
    outcome.message = "the file names no host: it holds no finding";
  }
  KeepOutput(started, outcome, file,
             fmt::format("{}-import-run-{}.{}", r.format, started.id, ImportExtension(r.format)),
             actor);
  ASSIGN_OR_RETURN(out.run, store_->FinishRun(started.id, outcome));
  spdlog::info("assessment run {} ({}) of system {} for case {} imported by {}: {} findings{}",
               out.run.id, out.run.kind, out.run.system_id, out.run.case_number, actor.name,
               out.run.findings.size(), outcome.message.empty() ? "" : "; " + outcome.message);
  return out;
}

Result<AssessmentRun> AssessmentService::Cancel(std::string_view run_id, const Actor& actor) {
  ASSIGN_OR_RETURN(AssessmentRun run, store_->RequestCancel(run_id, actor));
  {
    std::lock_guard lock(mu_);
    auto it = jobs_.find(run.id);
    if (it != jobs_.end()) it->second.cancel->store(true);
  }
  AddProgress(run);
  return run;
}

Result<std::vector<AssessmentRun>> AssessmentService::List(std::string_view case_id) {
  ASSIGN_OR_RETURN(std::vector<AssessmentRun> runs, store_->ListRuns(case_id));
  for (AssessmentRun& run : runs) AddProgress(run);
  return runs;
}

Result<AssessmentRun> AssessmentService::Get(std::string_view run_id) {
  ASSIGN_OR_RETURN(AssessmentRun run, store_->GetRun(run_id));
  AddProgress(run);
  return run;
}

void AssessmentService::SetProgress(const std::string& run_id, RunProgress progress) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(run_id);
  if (it != jobs_.end()) it->second.progress = std::move(progress);
}

void AssessmentService::AddProgress(AssessmentRun& run) {
  // A run that has ended in the store has no progress, even while its thread winds down.
  if (run.status != "running") return;
  std::lock_guard lock(mu_);
  auto it = jobs_.find(run.id);
  if (it != jobs_.end() && !it->second.finished) run.progress = it->second.progress;
}

Result<Finding> AssessmentService::UpdateFinding(std::string_view finding_id,
                                                 std::string_view status, std::string_view reason,
                                                 const Actor& actor) {
  return store_->UpdateFinding(finding_id, status, reason, actor);
}

void AssessmentService::ReapLocked() {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second.finished) {
      if (it->second.thread.joinable()) it->second.thread.join();
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

void AssessmentService::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    for (auto& [id, job] : jobs_) {
      job.cancel->store(true);
      if (job.thread.joinable()) threads.push_back(std::move(job.thread));
    }
  }
  for (std::thread& t : threads) t.join();
  std::lock_guard lock(mu_);
  jobs_.clear();
}

}  // namespace pantau
