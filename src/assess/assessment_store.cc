#include "assess/assessment_store.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "auth/audit.h"
#include "cases/case_ref.h"
#include "cases/json_text.h"
#include "cases/text.h"
#include "core/event.h"
#include "core/time.h"
#include "store/sqlite/main_db.h"

namespace pantau {
namespace {

constexpr std::string_view kSeverities[] = {"info", "low", "medium", "high", "critical"};
constexpr std::string_view kFindingStatuses[] = {"open", "confirmed", "false_positive", "fixed"};
constexpr size_t kMaxReason = 2000;
constexpr size_t kMaxMessage = 2000;

constexpr std::string_view kRunColumns =
    "r.id, r.case_id, c.number, r.system_id, r.system_name, r.kind, r.targets, r.ports, "
    "r.command, r.tool_version, r.status, r.message, r.started_by, r.started, r.ended, "
    "r.evidence_id, r.output_sha256, r.cancel_requested_by";

void AppendList(std::string& out, std::string_view name, const std::vector<std::string>& items) {
  out += fmt::format(",\"{}\":[", name);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, items[i]);
  }
  out += ']';
}

Result<int64_t> IdOf(std::string_view what, std::string_view id) {
  int64_t n = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
  if (ec != std::errc() || end != id.data() + id.size() || n <= 0) {
    return NotFound(fmt::format("no {} '{}'", what, ShortenedText(id, 100)));
  }
  return n;
}

AssessmentRun RunOf(const sqlite::Stmt& s) {
  AssessmentRun r;
  r.id = std::to_string(s.Int(0));
  r.case_id = std::to_string(s.Int(1));
  r.case_number = std::string(s.Text(2));
  r.system_id = std::string(s.Text(3));
  r.system_name = std::string(s.Text(4));
  r.kind = std::string(s.Text(5));
  r.targets = StringsOfJson(s.Text(6));
  r.ports = std::string(s.Text(7));
  r.command = std::string(s.Text(8));
  r.tool_version = std::string(s.Text(9));
  r.status = std::string(s.Text(10));
  r.message = std::string(s.Text(11));
  r.started_by = std::string(s.Text(12));
  r.started = s.Int(13);
  r.ended = s.KindAt(14) == ValueKind::kNull ? 0 : s.Int(14);
  if (s.KindAt(15) != ValueKind::kNull) r.evidence_id = std::to_string(s.Int(15));
  r.output_sha256 = std::string(s.Text(16));
  r.cancel_requested_by = std::string(s.Text(17));
  return r;
}

Finding FindingOf(const sqlite::Stmt& s) {
  Finding f;
  f.id = std::to_string(s.Int(0));
  f.run_id = std::to_string(s.Int(1));
  f.found.title = std::string(s.Text(2));
  f.found.severity = std::string(s.Text(3));
  f.found.target = std::string(s.Text(4));
  f.found.cves = StringsOfJson(s.Text(5));
  if (s.KindAt(6) != ValueKind::kNull) f.found.cvss = s.Real(6);
  f.found.evidence = std::string(s.Text(7));
  f.status = std::string(s.Text(8));
  f.status_reason = std::string(s.Text(9));
  f.updated_by = std::string(s.Text(10));
  f.updated = s.KindAt(11) == ValueKind::kNull ? 0 : s.Int(11);
  f.found.check_id = std::string(s.Text(12));
  return f;
}

template <size_t N>
bool OneOf(const std::string_view (&names)[N], std::string_view s) {
  for (std::string_view n : names) {
    if (n == s) return true;
  }
  return false;
}

}  // namespace

bool IsSeverity(std::string_view s) { return OneOf(kSeverities, s); }
bool IsFindingStatus(std::string_view s) { return OneOf(kFindingStatuses, s); }

std::string_view SeverityOfCvss(double cvss) {
  if (cvss >= 9.0) return "critical";
  if (cvss >= 7.0) return "high";
  if (cvss >= 4.0) return "medium";
  if (cvss > 0.0) return "low";
  return "info";
}

std::string Finding::ToJson() const {
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  AppendJsonMember(out, "run_id", run_id);
  AppendJsonMember(out, "title", found.title);
  AppendJsonMember(out, "severity", found.severity);
  AppendJsonMember(out, "target", found.target);
  AppendList(out, "cves", found.cves);
  out += found.cvss ? fmt::format(R"(,"cvss":{:.1f})", *found.cvss) : R"(,"cvss":null)";
  AppendJsonMember(out, "evidence", found.evidence);
  AppendJsonMemberOrNull(out, "check_id", found.check_id);
  AppendJsonMember(out, "status", status);
  AppendJsonMember(out, "status_reason", status_reason);
  AppendJsonMemberOrNull(out, "updated_by", updated_by);
  AppendJsonMemberOrNull(out, "updated", updated ? FormatRfc3339(updated) : "");
  return out + "}";
}

std::string AssessmentRun::ToJson() const {
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  AppendJsonMember(out, "case_id", case_id);
  AppendJsonMember(out, "case_number", case_number);
  AppendJsonMember(out, "system_id", system_id);
  AppendJsonMember(out, "system_name", system_name);
  AppendJsonMember(out, "kind", kind);
  AppendList(out, "targets", targets);
  AppendJsonMemberOrNull(out, "ports", ports);
  AppendJsonMember(out, "command", command);
  AppendJsonMemberOrNull(out, "tool_version", tool_version);
  AppendJsonMember(out, "status", status);
  AppendJsonMember(out, "message", message);
  AppendJsonMember(out, "started_by", started_by);
  AppendJsonMember(out, "started", FormatRfc3339(started));
  AppendJsonMemberOrNull(out, "ended", ended ? FormatRfc3339(ended) : "");
  AppendJsonMemberOrNull(out, "evidence_id", evidence_id);
  AppendJsonMemberOrNull(out, "output_sha256", output_sha256);
  AppendJsonMemberOrNull(out, "cancel_requested_by", cancel_requested_by);
  if (progress) {
    out += fmt::format(R"(,"progress":{{"done":{},"total":{},"step":)", progress->done,
                       progress->total);
    AppendJsonString(out, progress->step);
    out += '}';
  } else {
    out += R"(,"progress":null)";
  }
  out += R"(,"findings":[)";
  for (size_t i = 0; i < findings.size(); ++i) {
    if (i > 0) out += ',';
    out += findings[i].ToJson();
  }
  return out + "]}";
}

Result<std::unique_ptr<AssessmentStore>> AssessmentStore::Open(const std::string& data_dir,
                                                               const Clock& clock) {
  ASSIGN_OR_RETURN(sqlite::Db db, sqlite::OpenMainDb(data_dir));
  return std::unique_ptr<AssessmentStore>(new AssessmentStore(std::move(db), clock));
}

Result<AssessmentRun> AssessmentStore::CreateRun(const NewRun& run, const Actor& actor) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(
      const int64_t id, InWriteTransaction(db_, [&]() -> Result<int64_t> {
        const TimeNs now = clock_.Now();
        ASSIGN_OR_RETURN(const CaseRef ref, ReadCaseRef(db_, run.case_id));
        RETURN_IF_ERROR(CheckCaseOpen(ref, "an assessment"));
        ASSIGN_OR_RETURN(
            sqlite::Stmt st,
            db_.Prepare(
                "INSERT INTO assessment_runs(case_id, system_id, system_name, kind, targets, "
                "ports, command, status, started_by, started_role, started) "
                "VALUES(?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)"));
        st.BindInt(1, ref.id);
        st.BindText(2, run.system_id);
        st.BindText(3, run.system_name);
        st.BindText(4, run.kind);
        st.BindText(5, JsonText(run.targets));
        st.BindText(6, run.ports);
        st.BindText(7, run.command);
        st.BindText(8, actor.name);
        st.BindText(9, RoleName(actor.role));
        st.BindInt(10, now);
        RETURN_IF_ERROR(st.Run());
        const int64_t id = db_.LastInsertRowid();
        const nlohmann::json details = {{"number", ref.number},      {"role", RoleName(actor.role)},
                                        {"run", std::to_string(id)}, {"system", run.system_id},
                                        {"kind", run.kind},          {"targets", run.targets},
                                        {"command", run.command}};
        RETURN_IF_ERROR(AppendAudit(db_, now, actor.name, "assessment.start",
                                    CaseAuditObject(ref.id), JsonText(details))
                            .status());
        return id;
      }));
  return GetRunLocked(id);
}

Result<AssessmentRun> AssessmentStore::RequestCancel(std::string_view run_id, const Actor& actor) {
  ASSIGN_OR_RETURN(const int64_t id, IdOf("assessment run", run_id));
  std::lock_guard lock(mu_);
  RETURN_IF_ERROR(
      InWriteTransaction(db_, [&]() -> Result<bool> {
        ASSIGN_OR_RETURN(const AssessmentRun run, GetRunLocked(id));
        if (run.status != "running") {
          return FailedPrecondition(fmt::format(
              "assessment run {} has ended ({}): there is nothing to cancel", id, run.status));
        }
        ASSIGN_OR_RETURN(sqlite::Stmt st,
                         db_.Prepare("UPDATE assessment_runs SET cancel_requested_by "
                                     "= ? WHERE id = ?"));
        st.BindText(1, actor.name);
        st.BindInt(2, id);
        RETURN_IF_ERROR(st.Run());
        const nlohmann::json details = {
            {"number", run.case_number}, {"role", RoleName(actor.role)}, {"run", run.id}};
        RETURN_IF_ERROR(AppendAudit(db_, clock_.Now(), actor.name, "assessment.cancel",
                                    "case:" + run.case_id, JsonText(details))
                            .status());
        return true;
      }).status());
  return GetRunLocked(id);
}

Result<AssessmentRun> AssessmentStore::FinishRun(std::string_view run_id,
                                                 const RunOutcome& outcome) {
  ASSIGN_OR_RETURN(const int64_t id, IdOf("assessment run", run_id));
  std::lock_guard lock(mu_);
  return FinishLocked(id, outcome);
}

Result<AssessmentRun> AssessmentStore::FinishLocked(int64_t id, const RunOutcome& outcome) {
  if (outcome.status != "done" && outcome.status != "failed" && outcome.status != "cancelled") {
    return Internal("an assessment run cannot end as '" + outcome.status + "'");
  }
  RETURN_IF_ERROR(
      InWriteTransaction(db_, [&]() -> Result<bool> {
        ASSIGN_OR_RETURN(const AssessmentRun run, GetRunLocked(id));
        if (run.status != "running") {
          return FailedPrecondition(fmt::format("assessment run {} has already ended", id));
        }
        const TimeNs now = clock_.Now();
        ASSIGN_OR_RETURN(sqlite::Stmt up,
                         db_.Prepare("UPDATE assessment_runs SET status = ?, message = ?, "
                                     "tool_version = ?, ended = ?, evidence_id = ?, "
                                     "output_sha256 = ? WHERE id = ?"));
        up.BindText(1, outcome.status);
        up.BindText(2, ShortenedText(outcome.message, kMaxMessage));
        up.BindText(3, outcome.tool_version);
        up.BindInt(4, now);
        if (outcome.evidence_id.empty()) {
          up.BindNull(5);
          up.BindNull(6);
        } else {
          up.BindInt(5, std::stoll(outcome.evidence_id));
          up.BindText(6, outcome.output_sha256);
        }
        up.BindInt(7, id);
        RETURN_IF_ERROR(up.Run());
        ASSIGN_OR_RETURN(sqlite::Stmt ins,
                         db_.Prepare("INSERT INTO findings(run_id, title, severity, target, cves, "
                                     "cvss, evidence, check_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?)",
                                     true));
        for (const NewFinding& f : outcome.findings) {
          ins.BindInt(1, id);
          ins.BindText(2, f.title);
          ins.BindText(3, IsSeverity(f.severity) ? f.severity : "info");
          ins.BindText(4, f.target);
          ins.BindText(5, JsonText(f.cves));
          if (f.cvss) {
            ins.BindDouble(6, *f.cvss);
          } else {
            ins.BindNull(6);
          }
          ins.BindText(7, f.evidence);
          ins.BindText(8, f.check_id);
          RETURN_IF_ERROR(ins.Run());
          ins.Reset();
        }
        nlohmann::json details = {{"number", run.case_number},
                                  {"run", run.id},
                                  {"status", outcome.status},
                                  {"findings", outcome.findings.size()}};
        if (!outcome.message.empty()) details["message"] = outcome.message;
        if (!outcome.evidence_id.empty()) {
          details["evidence"] = outcome.evidence_id;
          details["sha256"] = outcome.output_sha256;
        }
        RETURN_IF_ERROR(AppendAudit(db_, now, run.started_by, "assessment.finish",
                                    "case:" + run.case_id, JsonText(details))
                            .status());
        return true;
      }).status());
  return GetRunLocked(id);
}

Result<int64_t> AssessmentStore::FailInterruptedRuns() {
  std::lock_guard lock(mu_);
  std::vector<int64_t> ids;
  {
    ASSIGN_OR_RETURN(sqlite::Stmt st,
                     db_.Prepare("SELECT id FROM assessment_runs WHERE status = 'running'"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      ids.push_back(st.Int(0));
    }
  }
  for (int64_t id : ids) {
    RunOutcome outcome;
    outcome.status = "failed";
    outcome.message = "the server stopped during the run; start it again";
    RETURN_IF_ERROR(FinishLocked(id, outcome).status());
  }
  return static_cast<int64_t>(ids.size());
}

Result<AssessmentRun> AssessmentStore::GetRun(std::string_view run_id) {
  ASSIGN_OR_RETURN(const int64_t id, IdOf("assessment run", run_id));
  std::lock_guard lock(mu_);
  return GetRunLocked(id);
}

Result<AssessmentRun> AssessmentStore::GetRunLocked(int64_t id) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare(fmt::format("SELECT {} FROM assessment_runs r JOIN cases c ON "
                                           "c.id = r.case_id WHERE r.id = ?",
                                           kRunColumns)));
  st.BindInt(1, id);
  ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound(fmt::format("no assessment run '{}'", id));
  AssessmentRun run = RunOf(st);
  ASSIGN_OR_RETURN(run.findings, FindingsLocked(id));
  return run;
}

Result<std::vector<Finding>> AssessmentStore::FindingsLocked(int64_t run_id) {
  ASSIGN_OR_RETURN(sqlite::Stmt st,
                   db_.Prepare("SELECT id, run_id, title, severity, target, cves, cvss, evidence, "
                               "status, status_reason, updated_by, updated, check_id FROM findings "
                               "WHERE run_id = ? ORDER BY id"));
  st.BindInt(1, run_id);
  std::vector<Finding> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(FindingOf(st));
  }
  return out;
}

Result<std::vector<AssessmentRun>> AssessmentStore::ListRuns(std::string_view case_id) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(const CaseRef ref, ReadCaseRef(db_, case_id));
  std::vector<AssessmentRun> out;
  {
    ASSIGN_OR_RETURN(sqlite::Stmt st,
                     db_.Prepare(fmt::format("SELECT {} FROM assessment_runs r JOIN cases c ON "
                                             "c.id = r.case_id WHERE r.case_id = ? ORDER BY r.id "
                                             "DESC",
                                             kRunColumns)));
    st.BindInt(1, ref.id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out.push_back(RunOf(st));
    }
  }
  for (AssessmentRun& run : out) {
    ASSIGN_OR_RETURN(run.findings, FindingsLocked(std::stoll(run.id)));
  }
  return out;
}

Result<Finding> AssessmentStore::UpdateFinding(std::string_view finding_id, std::string_view status,
                                               std::string_view reason, const Actor& actor) {
  ASSIGN_OR_RETURN(const int64_t id, IdOf("finding", finding_id));
  if (!IsFindingStatus(status)) {
    return InvalidArgument(
        fmt::format("status: '{}' is not one of open, confirmed, false_positive, fixed",
                    ShortenedText(status, 100)));
  }
  const std::string why = TrimmedText(reason);
  if (why.size() > kMaxReason || !IsPrintableText(why, true)) {
    return InvalidArgument(fmt::format("reason: at most {} printable characters", kMaxReason));
  }
  if (status == "false_positive" && why.empty()) {
    return InvalidArgument("reason: required to mark a finding a false positive: say why");
  }
  std::lock_guard lock(mu_);
  return InWriteTransaction(db_, [&]() -> Result<Finding> {
    ASSIGN_OR_RETURN(
        sqlite::Stmt st,
        db_.Prepare(
            "SELECT f.id, f.run_id, f.title, f.severity, f.target, f.cves, f.cvss, "
            "f.evidence, f.status, f.status_reason, f.updated_by, f.updated, f.check_id, "
            "r.case_id FROM findings f JOIN assessment_runs r ON r.id = f.run_id WHERE f.id = ?"));
    st.BindInt(1, id);
    ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound(fmt::format("no finding '{}'", id));
    Finding f = FindingOf(st);
    const std::string case_id = std::to_string(st.Int(13));
    st.Reset();
    ASSIGN_OR_RETURN(const CaseRef ref, ReadCaseRef(db_, case_id));
    RETURN_IF_ERROR(CheckCaseOpen(ref, "a finding's status"));
    const TimeNs now = clock_.Now();
    ASSIGN_OR_RETURN(sqlite::Stmt up,
                     db_.Prepare("UPDATE findings SET status = ?, status_reason = ?, "
                                 "updated_by = ?, updated = ? WHERE id = ?"));
    up.BindText(1, status);
    up.BindText(2, why);
    up.BindText(3, actor.name);
    up.BindInt(4, now);
    up.BindInt(5, id);
    RETURN_IF_ERROR(up.Run());
    nlohmann::json details = {{"number", ref.number}, {"role", RoleName(actor.role)},
                              {"finding", f.id},      {"run", f.run_id},
                              {"from", f.status},     {"to", status}};
    if (!why.empty()) details["reason"] = why;
    RETURN_IF_ERROR(AppendAudit(db_, now, actor.name, "finding.update", CaseAuditObject(ref.id),
                                JsonText(details))
                        .status());
    f.status = std::string(status);
    f.status_reason = why;
    f.updated_by = actor.name;
    f.updated = now;
    return f;
  });
}

}  // namespace pantau
