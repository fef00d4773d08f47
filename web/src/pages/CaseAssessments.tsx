// The case's vulnerability assessments (SOP step 5): run the web checks or nmap against a system
// the case links (the server refuses anything outside the registry), watch the run, and judge
// each finding (confirmed, false positive with a reason, fixed). The raw output of every run is
// kept as evidence of the case, with its hash.
import { FormEvent, useState } from "react";
import { api, AssessmentRun, ElectronicSystem, Finding, Page } from "../api";
import { SafeText } from "../components/SafeText";
import { useErrors, usePoll } from "../hooks";
import { formatTime, useI18n } from "../i18n";

const FINDING_STATUSES = ["open", "confirmed", "false_positive", "fixed"] as const;

function FindingRow({ f, canJudge, onChanged }: { f: Finding; canJudge: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<string>(f.status);
  const [reason, setReason] = useState(f.status_reason);
  const { error, run } = useErrors();
  const save = (e: FormEvent) => {
    e.preventDefault();
    run(async () => {
      await api(`/findings/${encodeURIComponent(f.id)}`, {
        method: "PATCH",
        body: status === "false_positive" ? { status, reason } : { status },
      });
      onChanged();
    });
  };
  return (
    <tr data-testid="finding-row">
      <td>
        <span className={`sev sev-${f.severity}`}>{t(`sev.${f.severity}`)}</span>
      </td>
      <td>
        <SafeText text={f.title} />
        {f.cves.length > 0 && <div className="muted">{f.cves.join(", ")}</div>}
        {f.evidence && (
          <pre className="excerpt">
            <SafeText text={f.evidence} />
          </pre>
        )}
      </td>
      <td>
        <SafeText text={f.target} />
      </td>
      <td>
        {canJudge ? (
          <form className="inline" onSubmit={save}>
            <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="finding-status">
              {FINDING_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`fstatus.${s}`)}
                </option>
              ))}
            </select>
            {status === "false_positive" && (
              <input
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder={t("as.reason")}
                data-testid="finding-reason"
              />
            )}
            <button type="submit" data-testid="finding-save">
              {t("common.save")}
            </button>
            {error && <span className="error">{error}</span>}
          </form>
        ) : (
          <>
            {t(`fstatus.${f.status}`)}
            {f.status_reason && (
              <>
                {" — "}
                <SafeText text={f.status_reason} />
              </>
            )}
          </>
        )}
      </td>
    </tr>
  );
}

export function AssessmentsTab({
  caseId,
  systems,
  canRun,
}: {
  caseId: string;
  systems: ElectronicSystem[];
  canRun: boolean;
}) {
  const { t, lang } = useI18n();
  const [version, setVersion] = useState(0);
  const runs = usePoll(
    (signal) => api<Page<AssessmentRun>>(`/cases/${encodeURIComponent(caseId)}/assessments`, { signal }),
    [caseId, version],
    3000,
  );
  const [systemId, setSystemId] = useState(systems[0]?.id ?? "");
  const [kind, setKind] = useState<"web" | "nmap">("web");
  const [ports, setPorts] = useState("");
  const [vuln, setVuln] = useState(false);
  const { error, run } = useErrors();
  const refresh = () => setVersion((v) => v + 1);

  const start = (e: FormEvent) => {
    e.preventDefault();
    run(async () => {
      const body: Record<string, unknown> = { system_id: systemId || systems[0]?.id, kind };
      if (kind === "nmap" && ports.trim()) body.ports = ports.trim();
      if (kind === "nmap" && vuln) body.vuln = true;
      await api(`/cases/${encodeURIComponent(caseId)}/assessments`, { method: "POST", body });
      refresh();
    });
  };
  const cancel = (id: string) =>
    run(async () => {
      await api(`/assessments/${encodeURIComponent(id)}/cancel`, { method: "POST", body: {} });
      refresh();
    });

  return (
    <section className="panel" data-testid="case-assessments">
      <h2>{t("ws.assessment")}</h2>
      {canRun &&
        (systems.length === 0 ? (
          <p className="muted">{t("as.no_systems")}</p>
        ) : (
          <form className="inline" onSubmit={start} data-testid="assessment-form">
            <select value={systemId} onChange={(e) => setSystemId(e.target.value)} data-testid="assessment-system">
              {systems.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <select value={kind} onChange={(e) => setKind(e.target.value as "web" | "nmap")} data-testid="assessment-kind">
              <option value="web">{t("as.web")}</option>
              <option value="nmap">{t("as.nmap")}</option>
            </select>
            {kind === "nmap" && (
              <>
                <input value={ports} onChange={(e) => setPorts(e.target.value)} placeholder={t("as.ports")} />
                <label>
                  <input type="checkbox" checked={vuln} onChange={(e) => setVuln(e.target.checked)} /> {t("as.vuln")}
                </label>
              </>
            )}
            <button type="submit" data-testid="assessment-start">
              {t("as.start")}
            </button>
          </form>
        ))}
      {error && (
        <p className="error" role="alert" data-testid="assessment-error">
          {error}
        </p>
      )}
      {runs.data && runs.data.items.length === 0 && <p className="muted">{t("as.none")}</p>}
      {runs.data?.items.map((r) => (
        <article key={r.id} className="assessment-run" data-testid="assessment-run">
          <h3>
            {t(`as.${r.kind}`)} · <SafeText text={r.system_name} />{" "}
            <span className={`run-status run-${r.status}`} data-testid="assessment-status">
              {t(`as.status.${r.status}`)}
            </span>
            {canRun && r.status === "running" && (
              <button type="button" className="inline" onClick={() => cancel(r.id)} data-testid="assessment-cancel">
                {t("common.cancel")}
              </button>
            )}
          </h3>
          <p className="muted">
            {formatTime(lang, r.started)}
            {r.ended && ` – ${formatTime(lang, r.ended)}`} · <SafeText text={r.started_by} />
            {r.tool_version && ` · ${r.tool_version}`}
          </p>
          <pre className="excerpt">
            <SafeText text={r.command} />
          </pre>
          {r.message && (
            <p className="muted">
              <SafeText text={r.message} />
            </p>
          )}
          {r.output_sha256 && (
            <p className="muted">
              {t("as.output")} #{r.evidence_id} · SHA-256 <code>{r.output_sha256}</code>
            </p>
          )}
          {r.findings.length > 0 && (
            <table className="events findings">
              <thead>
                <tr>
                  <th>{t("as.severity")}</th>
                  <th>{t("as.finding")}</th>
                  <th>{t("as.target")}</th>
                  <th>{t("as.judgement")}</th>
                </tr>
              </thead>
              <tbody>
                {r.findings.map((f) => (
                  <FindingRow key={f.id} f={f} canJudge={canRun} onChanged={refresh} />
                ))}
              </tbody>
            </table>
          )}
        </article>
      ))}
    </section>
  );
}
