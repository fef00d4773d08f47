// The case's vulnerability assessments (SOP step 5): run the web checks or nmap against a system
// the case links (the server refuses anything outside the registry), watch the run, and judge
// each finding (confirmed, false positive with a reason, fixed). The raw output of every run is
// kept as evidence of the case, with its hash. While a run goes the page asks for the runs every
// two seconds and shows each running run's progress; it stops asking when none is running.
import { FormEvent, useEffect, useState } from "react";
import { api, AssessmentRun, csrfHeader, ElectronicSystem, Finding, Page, params, VerdictSuggestion } from "../api";
import { SafeText } from "../components/SafeText";
import { useErrors, usePoll } from "../hooks";
import { formatTime, isKey, useI18n } from "../i18n";

const FINDING_STATUSES = ["open", "confirmed", "false_positive", "fixed"] as const;
const IMPORT_FORMATS = ["openvas", "nessus", "nuclei", "zap"] as const;

// Checks whose title carries a detail (a path, a version, which TLS problem): the reader's name
// of the check is followed by the title.
const DETAILED_CHECKS = new Set(["web:tls", "web:admin-panel", "web:webshell-path", "web:cms", "web:hidden-link"]);

// Pantau's own checks are named in the reader's language by their check id; a scanner's
// findings keep the scanner's title.
function FindingTitle({ f }: { f: Finding }) {
  const { t } = useI18n();
  const key = `check.${f.check_id ?? ""}`;
  if (!isKey(key)) return <SafeText text={f.title} />;
  return <SafeText text={DETAILED_CHECKS.has(f.check_id ?? "") ? `${t(key)} (${f.title})` : t(key)} />;
}

// The verdict the alerts and findings suggest, with each match that led to it.
export function SuggestionPanel({ caseId, runs, version }: { caseId: string; runs: AssessmentRun[]; version: number }) {
  const { t } = useI18n();
  const s = usePoll(
    (signal) => api<VerdictSuggestion>(`/cases/${encodeURIComponent(caseId)}/verdict-suggestion`, { signal }),
    [caseId, version, runs.map((r) => `${r.id}:${r.status}:${r.findings.map((f) => f.status).join()}`).join()],
    10000,
  );
  if (!s.data) return null;
  const findings = new Map(runs.flatMap((r) => r.findings.map((f) => [f.id, f] as const)));
  return (
    <div className={`suggestion suggestion-${s.data.suggestion}`} data-testid="verdict-suggestion">
      <h3>
        {t("sg.title")}: <strong data-testid="suggestion-value">{t(`sg.${s.data.suggestion}`)}</strong>
      </h3>
      <p className="muted">{t(`sg.explain.${s.data.suggestion}`)}</p>
      {s.data.matches.length > 0 && (
        <ul data-testid="suggestion-matches">
          {s.data.matches.map((m, i) => {
            const f = m.finding_id ? findings.get(m.finding_id) : undefined;
            return (
              <li key={i} title={m.why}>
                {t("sg.match", { alert: m.alert_id, key: m.key, kind: t(`sg.kind.${m.kind}`) })}
                {" · "}
                {f ? <FindingTitle f={f} /> : t("sg.run", { run: m.run_id })}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

// How far a running run is: a bar of the percentage, the numbers and what it is doing now.
function RunProgressBar({ progress }: { progress: NonNullable<AssessmentRun["progress"]> }) {
  const { t } = useI18n();
  const total = Math.max(progress.total, 0);
  const done = Math.min(Math.max(progress.done, 0), total);
  const pct = total > 0 ? Math.floor((done * 100) / total) : 0;
  return (
    <div className="run-progress" data-testid="assessment-progress">
      <progress max={100} value={pct} aria-label={t("as.progress")} />
      <span>{t("as.progress_done", { pct, done, total })}</span>
      {progress.step && (
        <span className="muted" data-testid="assessment-step">
          {" · "}
          <SafeText text={progress.step} />
        </span>
      )}
    </div>
  );
}

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
        <FindingTitle f={f} />
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
  // Polled only while a run is running (its progress moves); a start or cancel reloads at once.
  const [watching, setWatching] = useState(false);
  const runs = usePoll(
    (signal) => api<Page<AssessmentRun>>(`/cases/${encodeURIComponent(caseId)}/assessments`, { signal }),
    [caseId, version],
    watching ? 2000 : 0,
  );
  const anyRunning = runs.data?.items.some((r) => r.status === "running") ?? false;
  useEffect(() => setWatching(anyRunning), [anyRunning]);
  const [systemId, setSystemId] = useState(systems[0]?.id ?? "");
  const [kind, setKind] = useState<"web" | "nmap">("web");
  const [ports, setPorts] = useState("");
  const [vuln, setVuln] = useState(false);
  const [format, setFormat] = useState<(typeof IMPORT_FORMATS)[number]>("openvas");
  const [file, setFile] = useState<File | null>(null);
  const [outside, setOutside] = useState<string[]>([]);
  const { error, run } = useErrors();
  const refresh = () => setVersion((v) => v + 1);

  const importReport = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    run(async () => {
      const res = await fetch(
        `/api/v1/cases/${encodeURIComponent(caseId)}/assessments/import${params({
          system_id: systemId || systems[0]?.id,
          format,
        })}`,
        { method: "POST", body: file, headers: csrfHeader(), credentials: "same-origin" },
      );
      const j = await res.json().catch(() => null);
      if (!res.ok) throw new Error(j?.error?.message ?? `HTTP ${res.status}`);
      setOutside((j?.outside_registry ?? []).map((o: { host: string; findings: number }) => `${o.host} (${o.findings})`));
      setFile(null);
      refresh();
    });
  };

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
      {canRun && systems.length > 0 && (
        <form className="inline" onSubmit={importReport} data-testid="import-form">
          <strong>{t("as.import")}</strong>
          <select value={systemId} onChange={(e) => setSystemId(e.target.value)} data-testid="import-system">
            {systems.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
          <select
            value={format}
            onChange={(e) => setFormat(e.target.value as (typeof IMPORT_FORMATS)[number])}
            data-testid="import-format"
          >
            {IMPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {t(`as.import:${f}`)}
              </option>
            ))}
          </select>
          <input
            type="file"
            aria-label={t("as.import_file")}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            data-testid="import-file"
          />
          <button type="submit" disabled={!file} data-testid="import-start">
            {t("as.import_start")}
          </button>
        </form>
      )}
      {outside.length > 0 && (
        <p className="muted" data-testid="import-outside">
          {t("as.outside", { hosts: outside.join(", ") })}
        </p>
      )}
      <SuggestionPanel caseId={caseId} runs={runs.data?.items ?? []} version={version} />
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
          {r.status === "running" && r.progress && <RunProgressBar progress={r.progress} />}
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
