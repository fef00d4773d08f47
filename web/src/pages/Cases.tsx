// The case desk (SOP steps 3-10): the list with time-standard badges, a new case, and one case
// with the workflow buttons the server says the current person may use, and nothing else.
import { FormEvent, useEffect, useState } from "react";
import {
  api,
  canRunAssessments,
  canWorkCases,
  Case,
  CASE_STATES,
  CaseAction,
  ElectronicSystem,
  EventItem,
  Page,
  params,
  User,
  VerdictSuggestion,
} from "../api";
import { CaseBasics, CaseBasicsFields } from "../components/CaseBasicsFields";
import { FilterSelect } from "../components/FilterSelect";
import { SafeText } from "../components/SafeText";
import { duration, ReportingBadge, SlaBadge } from "../components/SlaBadge";
import { usePoll } from "../hooks";
import { formatNumber, formatTime, useI18n } from "../i18n";
import { navigate, useLocation } from "../router";
import { AssessmentsTab } from "./CaseAssessments";
import { DocumentsTab } from "./CaseDocuments";
import { CaseEditForm } from "./CaseEdit";
import { AttackTab, EvidenceTab, NotesTab, TimelineTab } from "./CaseWorkspace";

function CaseLink({ c }: { c: Case }) {
  const to = `/cases/${encodeURIComponent(c.number)}`;
  return (
    <a
      href={to}
      data-testid="case-link"
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {c.number}
    </a>
  );
}

export function CasesPage({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { query } = useLocation();
  const [state, setState] = useState(query.get("state") ?? "");
  const [mine, setMine] = useState(false);
  const [overdue, setOverdue] = useState(query.get("overdue") === "true");
  const [creating, setCreating] = useState(false);
  const list = usePoll(
    (signal) =>
      api<Page<Case>>(
        `/cases${params({ state, assignee: mine ? user.name : "", overdue: overdue ? "true" : "", limit: 100 })}`,
        { signal },
      ),
    [state, mine, overdue],
    30000,
  );
  return (
    <div className="page cases">
      <div className="toolbar">
        <h1>{t("nav.cases")}</h1>
        <FilterSelect
          label={t("case.state")}
          value={state}
          onChange={setState}
          options={CASE_STATES.map((s) => [s, t(`state.${s}`)])}
          testId="filter-state"
        />
        <label>
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> {t("case.mine")}
        </label>
        <label>
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> {t("case.overdue")}
        </label>
        {canWorkCases(user) && (
          <button type="button" onClick={() => setCreating(true)} data-testid="new-case">
            {t("case.new")}
          </button>
        )}
      </div>
      {creating && <NewCaseForm onCancel={() => setCreating(false)} />}
      <Compliance />
      {list.error && <p className="error">{list.error}</p>}
      <table className="events" data-testid="cases">
        <thead>
          <tr>
            <th>{t("case.number")}</th>
            <th>{t("case.title")}</th>
            <th>{t("case.state")}</th>
            <th>{t("case.sla")}</th>
            <th>{t("case.verdict")}</th>
            <th>{t("case.risk")}</th>
            <th>{t("case.assignee")}</th>
            <th>{t("case.updated")}</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((c) => (
            <tr key={c.id} data-testid="case-row">
              <td className="nowrap">
                <CaseLink c={c} />
              </td>
              <td>
                <SafeText text={c.title} />
              </td>
              <td>
                <span className={`state state-${c.state}`}>{t(`state.${c.state}`)}</span>
              </td>
              <td>
                <SlaBadge sla={c.sla} /> <ReportingBadge sla={c.sla} />
              </td>
              <td>{c.verdict ? t(`verdict.${c.verdict}`) : <span className="muted">{t("case.no_verdict")}</span>}</td>
              <td>{t(`risk.${c.risk_level}`)}</td>
              <td>
                <SafeText text={c.assignee ?? ""} />
              </td>
              <td className="nowrap">{formatTime(lang, c.updated)}</td>
            </tr>
          ))}
          {list.data && list.data.items.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                {t("common.none")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

interface StepCompliance {
  state: Case["state"];
  steps: number;
  on_time: number;
  share_on_time: number | null;
  median_seconds: number | null;
  open_overdue: number;
}

// The SOP's quality measure: per step, the share kept within its time standard.
function Compliance() {
  const { t, lang } = useI18n();
  const report = usePoll(
    (signal) => api<{ items: StepCompliance[] }>("/sla/compliance?from=now-30d", { signal }),
    [],
    60000,
  );
  if (!report.data) return null;
  return (
    <section className="panel compliance" data-testid="compliance">
      <h2>{t("compliance.title")}</h2>
      <table className="events">
        <thead>
          <tr>
            <th>{t("case.state")}</th>
            <th>{t("compliance.steps")}</th>
            <th>{t("compliance.on_time")}</th>
            <th>{t("compliance.median")}</th>
            <th>{t("compliance.late_now")}</th>
          </tr>
        </thead>
        <tbody>
          {report.data.items.map((c) => (
            <tr key={c.state}>
              <td>{t(`state.${c.state}`)}</td>
              <td className="num">{c.steps}</td>
              <td className="num">
                {c.share_on_time === null ? "—" : `${formatNumber(lang, c.share_on_time * 100)} %`}
              </td>
              <td className="num">{c.median_seconds === null ? "—" : duration(c.median_seconds, lang)}</td>
              <td className="num">
                {c.open_overdue > 0 ? <span className="sla sla-late">{c.open_overdue}</span> : 0}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function NewCaseForm({ onCancel }: { onCancel: () => void }) {
  const { t } = useI18n();
  const [basics, setBasics] = useState<CaseBasics>({ title: "", description: "", incidentType: "other", risk: "medium" });
  const [error, setError] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const c = await api<Case>("/cases", {
        method: "POST",
        body: {
          title: basics.title,
          description: basics.description,
          incident_type: basics.incidentType,
          risk_level: basics.risk,
          source: "manual",
        },
      });
      navigate(`/cases/${encodeURIComponent(c.number)}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }
  return (
    <form className="panel case-form" onSubmit={submit} data-testid="new-case-form">
      <CaseBasicsFields value={basics} onChange={setBasics} />
      {error && <p className="error">{error}</p>}
      <span className="actions">
        <button type="submit">{t("common.save")}</button>
        <button type="button" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </span>
    </form>
  );
}

// Key fields of an event worth watching for elsewhere, as a case's observables.
const OBSERVABLE_FIELDS: [string, string][] = [
  ["source.ip", "ip"],
  ["client.ip", "ip"],
  ["destination.ip", "ip"],
  ["url.domain", "domain"],
  ["user.name", "account"],
  ["file.hash.sha256", "hash"],
];

// Opens a case about one event of the search (SOP step 3: an anomaly found in the list) and
// shows it; the event is named in the description.
export async function openCaseFromEvent(ev: EventItem): Promise<void> {
  const observables: { type: string; value: string }[] = [];
  for (const [field, type] of OBSERVABLE_FIELDS) {
    const v = ev.fields[field];
    if (typeof v === "string" && v && !observables.some((o) => o.type === type && o.value === v)) {
      observables.push({ type, value: v });
    }
  }
  const title = `${ev.dataset}: ${ev.message}`.slice(0, 200);
  const description = `Peristiwa ${ev.id} (${ev["@timestamp"]}, ${ev.dataset}):\n${(ev.raw ?? ev.message).slice(0, 4000)}`;
  const c = await api<Case>("/cases", {
    method: "POST",
    body: { title, description, observables, source: "manual", event_ids: [ev.id] },
  });
  navigate(`/cases/${encodeURIComponent(c.number)}`);
}

// Opens a case from alerts and shows it.
export async function openCaseFromAlerts(alertIds: string[]): Promise<void> {
  const c = await api<Case>("/cases", { method: "POST", body: { alert_ids: alertIds } });
  navigate(`/cases/${encodeURIComponent(c.number)}`);
}

const TABS = ["summary", "timeline", "notes", "evidence", "assessment", "documents", "attack"] as const;
const TAB_LABELS = {
  summary: "case.summary",
  timeline: "ws.timeline",
  notes: "ws.notes",
  evidence: "ws.evidence",
  assessment: "ws.assessment",
  documents: "ws.documents",
  attack: "ws.attack",
} as const;

export function CasePage({ id, user }: { id: string; user: User }) {
  const { t, lang } = useI18n();
  const [version, setVersion] = useState(0);
  const c = usePoll((signal) => api<Case>(`/cases/${encodeURIComponent(id)}`, { signal }), [id, version], 30000);
  const history = usePoll(
    (signal) =>
      api<Page<{ seq: number; time: string; actor: string; action: string; details: unknown }>>(
        `/cases/${encodeURIComponent(id)}/history`,
        { signal },
      ),
    [id, version],
  );
  // The registry, to show the case's systems by name with their operator.
  const systems = usePoll((signal) => api<Page<ElectronicSystem>>("/systems", { signal }), []);
  const [comment, setComment] = useState("");
  const [verdict, setVerdict] = useState<"false_positive" | "confirmed">("confirmed");
  // What the case's alerts and findings suggest: pre-selected once, sent with the verdict so
  // that the audit trail records whether it was followed.
  const suggestion = usePoll(
    (signal) => api<VerdictSuggestion>(`/cases/${encodeURIComponent(id)}/verdict-suggestion`, { signal }),
    [id, version],
    15000,
  );
  const [preselected, setPreselected] = useState("");
  useEffect(() => {
    const s = suggestion.data;
    if (s?.verdict && preselected !== s.suggestion) {
      setVerdict(s.verdict);
      setPreselected(s.suggestion);
    }
  }, [suggestion.data, preselected]);
  const [justification, setJustification] = useState("");
  const [error, setError] = useState("");
  const [current, setTab] = useState<(typeof TABS)[number]>("summary");
  const [editing, setEditing] = useState(false);

  async function act(action: CaseAction) {
    setError("");
    try {
      await api(`/cases/${encodeURIComponent(id)}/actions/${action}`, {
        method: "POST",
        body: comment ? { comment } : {},
      });
      setComment("");
      setVersion((v) => v + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }
  async function setTheVerdict(e: FormEvent) {
    e.preventDefault();
    setError("");
    try {
      const body: Record<string, string> = { verdict, justification };
      if (suggestion.data) body.suggestion = suggestion.data.suggestion;
      await api(`/cases/${encodeURIComponent(id)}/verdict`, { method: "POST", body });
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  if (c.error && !c.data) return <p className="error">{c.error}</p>;
  if (!c.data) return <p>{t("common.loading")}</p>;
  const k = c.data;
  const open = canWorkCases(user) && k.state !== "closed";
  const verdictOpen = canWorkCases(user) && ["investigating", "assessing", "reporting"].includes(k.state);
  return (
    <div className="page case" data-testid="case-page">
      <div className="toolbar">
        <h1>
          <span data-testid="case-number">{k.number}</span> · <SafeText text={k.title} />
        </h1>
        <span className={`state state-${k.state}`} data-testid="case-state">
          {t(`state.${k.state}`)}
        </span>
        <SlaBadge sla={k.sla} />
        <ReportingBadge sla={k.sla} />
      </div>
      <section className={(k.actions ?? []).length > 0 || error ? "panel workflow" : "hidden"} data-testid="workflow">
        {(k.actions ?? []).length > 0 && (
          <>
            <span className="actions">
              {(k.actions ?? []).map((a) => (
                <button key={a} type="button" data-testid={`action-${a}`} onClick={() => act(a)}>
                  {t(`action.${a}`)}
                </button>
              ))}
            </span>
            <input
              className="comment"
              placeholder={t("case.comment")}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              data-testid="action-comment"
            />
          </>
        )}
        {error && (
          <p className="error" role="alert" data-testid="case-error">
            {error}
          </p>
        )}
      </section>
      <nav className="tabs" data-testid="case-tabs">
        {TABS.map((tab) => (
          <button key={tab} type="button" className={tab === current ? "active" : undefined} onClick={() => setTab(tab)} data-testid={`tab-${tab}`}>
            {t(TAB_LABELS[tab])}
          </button>
        ))}
      </nav>
      {current === "timeline" && <TimelineTab caseId={k.id} open={open} />}
      {current === "notes" && <NotesTab caseId={k.id} open={open} />}
      {current === "evidence" && <EvidenceTab caseId={k.id} open={open} />}
      {current === "assessment" && (
        <AssessmentsTab
          caseId={k.id}
          systems={(systems.data?.items ?? []).filter((s) => k.system_ids.includes(s.id))}
          canRun={canRunAssessments(user) && k.state !== "closed"}
        />
      )}
      {current === "documents" && <DocumentsTab caseId={k.id} />}
      {current === "attack" && <AttackTab caseId={k.id} />}
      {current === "summary" && editing && (
        <CaseEditForm
          c={k}
          systems={systems.data?.items ?? []}
          onDone={(changed) => {
            setEditing(false);
            if (changed) setVersion((v) => v + 1);
          }}
        />
      )}
      <div className={current === "summary" && !editing ? "case-grid" : "hidden"}>
        <section className="panel">
          <h2>
            {t("case.summary")}
            {open && (
              <button type="button" className="inline" onClick={() => setEditing(true)} data-testid="case-edit">
                {t("case.edit")}
              </button>
            )}
          </h2>
          <table className="kv">
            <tbody>
              <tr>
                <th>{t("case.verdict")}</th>
                <td data-testid="case-verdict">
                  {k.verdict ? t(`verdict.${k.verdict}`) : t("case.no_verdict")}
                  {k.verdict_justification && (
                    <>
                      {" — "}
                      <SafeText text={k.verdict_justification} />
                    </>
                  )}
                </td>
              </tr>
              <tr>
                <th>{t("case.systems")}</th>
                <td className="systems-of-case" data-testid="case-systems">
                  {k.system_ids.length === 0 && <span className="muted">{t("sys.none")}</span>}
                  {k.system_ids.map((sid) => {
                    const s = systems.data?.items.find((x) => x.id === sid);
                    return (
                      <div key={sid}>
                        {s ? (
                          <>
                            <strong>
                              <SafeText text={s.name} />
                            </strong>{" "}
                            <span className={`crit crit-${s.criticality}`}>{t(`crit.${s.criticality}`)}</span>
                            <span className="operator">
                              <SafeText
                                text={[s.operator.agency, s.operator.head_name, s.operator.head_title]
                                  .filter(Boolean)
                                  .join(" · ")}
                              />
                            </span>
                          </>
                        ) : (
                          <span className="tag">#{sid}</span>
                        )}
                      </div>
                    );
                  })}
                </td>
              </tr>
              <tr>
                <th>{t("case.incident_type")}</th>
                <td>{t(`itype.${k.incident_type}`)}</td>
              </tr>
              <tr>
                <th>{t("case.risk")}</th>
                <td>{t(`risk.${k.risk_level}`)}</td>
              </tr>
              <tr>
                <th>{t("case.classification")}</th>
                <td>{k.classification}</td>
              </tr>
              <tr>
                <th>{t("case.assignee")}</th>
                <td>
                  <SafeText text={k.assignee ?? ""} />
                </td>
              </tr>
              <tr>
                <th>{t("case.authors")}</th>
                <td>{k.report_authors.join(", ")}</td>
              </tr>
              <tr>
                <th>{t("case.verified_by")}</th>
                <td>{k.verified_by ?? ""}</td>
              </tr>
              <tr>
                <th>{t("case.approved_by")}</th>
                <td>{k.approved_by ?? ""}</td>
              </tr>
              <tr>
                <th>{t("case.techniques")}</th>
                <td>{k.techniques.join(", ")}</td>
              </tr>
              <tr>
                <th>{t("case.tags")}</th>
                <td>
                  {k.tags.map((tag) => (
                    <span key={tag} className="tag">
                      <SafeText text={tag} />
                    </span>
                  ))}
                </td>
              </tr>
              <tr>
                <th>{t("case.observables")}</th>
                <td>
                  {k.observables.map((o, i) => (
                    <span key={i} className="tag">
                      {o.type}: <SafeText text={o.value} />
                    </span>
                  ))}
                </td>
              </tr>
              <tr>
                <th>{t("case.alerts")}</th>
                <td>
                  {k.alert_ids.map((a) => (
                    <span key={a} className="tag">
                      #{a}
                    </span>
                  ))}
                </td>
              </tr>
              {k.event_ids.length > 0 && (
                <tr>
                  <th>{t("case.events")}</th>
                  <td>
                    {k.event_ids.map((e) => {
                      const to = `/search?event=${encodeURIComponent(e)}`;
                      return (
                        <a
                          key={e}
                          className="tag"
                          href={to}
                          data-testid="case-event"
                          onClick={(ev) => {
                            ev.preventDefault();
                            navigate(to);
                          }}
                        >
                          {e}
                        </a>
                      );
                    })}
                  </td>
                </tr>
              )}
              <tr>
                <th>{t("case.created")}</th>
                <td>
                  {formatTime(lang, k.created)} · <SafeText text={k.created_by} />
                </td>
              </tr>
            </tbody>
          </table>
          {k.description && (
            <p className="description">
              <SafeText text={k.description} />
            </p>
          )}
          {verdictOpen && (
            <form className="verdict-form" onSubmit={setTheVerdict} data-testid="verdict-form">
              <h3>{t("case.set_verdict")}</h3>
              {suggestion.data && (
                <p className="muted" data-testid="verdict-suggested">
                  {t("sg.suggested", {
                    verdict: suggestion.data.verdict
                      ? t(`verdict.${suggestion.data.verdict}`)
                      : t(`sg.${suggestion.data.suggestion}`),
                  })}
                  {suggestion.data.verdict && suggestion.data.verdict !== verdict && (
                    <>
                      {" · "}
                      <strong>{t("sg.override")}</strong>
                    </>
                  )}
                </p>
              )}
              <label>
                <input type="radio" checked={verdict === "confirmed"} onChange={() => setVerdict("confirmed")} />{" "}
                {t("verdict.confirmed")}
              </label>
              <label>
                <input
                  type="radio"
                  checked={verdict === "false_positive"}
                  onChange={() => setVerdict("false_positive")}
                  data-testid="verdict-false-positive"
                />{" "}
                {t("verdict.false_positive")}
              </label>
              <textarea
                placeholder={t("case.justification")}
                value={justification}
                onChange={(e) => setJustification(e.target.value)}
                rows={3}
                required
              />
              <button type="submit">{t("case.set_verdict")}</button>
            </form>
          )}
        </section>
        <section className="panel">
          <h2>{t("case.steps")}</h2>
          <table className="events" data-testid="case-steps">
            <thead>
              <tr>
                <th>{t("case.state")}</th>
                <th>{t("case.entered")}</th>
                <th>{t("case.spent")}</th>
                <th>{t("case.standard")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {(k.sla.steps ?? []).map((s, i) => (
                <tr key={i}>
                  <td>{t(`state.${s.state}`)}</td>
                  <td className="nowrap">{formatTime(lang, s.entered_at)}</td>
                  <td>{duration(s.spent_seconds, lang)}</td>
                  <td>{s.standard_minutes === null ? "—" : duration(s.standard_minutes * 60, lang)}</td>
                  <td>
                    {s.on_time === null ? "" : s.on_time ? (
                      <span className="sla sla-ok">{t("case.on_time")}</span>
                    ) : (
                      <span className="sla sla-late">{t("case.late")}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t("case.history")}</h2>
          <ul className="history" data-testid="case-history">
            {(history.data?.items ?? []).map((h) => (
              <li key={h.seq}>
                <span className="nowrap">{formatTime(lang, h.time)}</span> <SafeText text={h.actor} />{" "}
                <code>{h.action}</code>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
