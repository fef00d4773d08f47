// The alert queue: filter, group, assign, acknowledge, close, mark false positive, in bulk too.
import { FormEvent, ReactElement, useEffect, useState } from "react";
import { Alert, AnomalyPoint, api, canTriage, canWorkCases, EventItem, LEVELS, Page, params, Rule, User } from "../api";
import { anomalyBandOption } from "../charts";
import { Chart } from "../components/Chart";
import { FilterSelect } from "../components/FilterSelect";
import { SafeText } from "../components/SafeText";
import { TimePicker } from "../components/TimePicker";
import { usePoll } from "../hooks";
import { formatNumber, formatTime, Key, useI18n } from "../i18n";
import { navigate, replaceQuery, useLocation } from "../router";
import { TimeRange } from "../time";
import { openCaseFromAlerts } from "./Cases";

const STATUSES = ["new", "acknowledged", "closed"] as const;

type Change = { status?: string; assignee?: string | null; false_positive?: boolean; false_positive_reason?: string };

export function AlertsPage({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { query } = useLocation();
  const [status, setStatus] = useState(query.get("status") ?? "new,acknowledged");
  const [level, setLevel] = useState(query.get("level") ?? "");
  const [rule, setRule] = useState(query.get("rule") ?? "");
  const [host, setHost] = useState(query.get("host") ?? "");
  const [range, setRange] = useState<TimeRange>({ from: query.get("from") ?? "now-7d", to: query.get("to") ?? "now" });
  const [grouped, setGrouped] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string | null>(null);
  const [fpFor, setFpFor] = useState<string[] | null>(null);
  const [error, setError] = useState("");
  const [extra, setExtra] = useState<Alert[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);

  useEffect(() => {
    replaceQuery({ status, level, rule, host, from: range.from, to: range.to });
  }, [status, level, rule, host, range]);

  const list = usePoll(
    (signal) =>
      api<Page<Alert>>(`/alerts${params({ status, level, rule, host, from: range.from, to: range.to, limit: 100 })}`, {
        signal,
      }),
    [status, level, rule, host, range.from, range.to],
    15000,
  );
  useEffect(() => {
    setExtra([]);
    setCursor(list.data?.next_cursor ?? null);
  }, [list.data]);
  const alerts = [...(list.data?.items ?? []), ...extra];

  async function loadMore() {
    if (!cursor) return;
    const more = await api<Page<Alert>>(
      `/alerts${params({ status, level, rule, host, from: range.from, to: range.to, limit: 100, cursor })}`,
    );
    setExtra((e) => [...e, ...more.items]);
    setCursor(more.next_cursor);
  }

  async function change(ids: string[], body: Change) {
    setError("");
    try {
      if (ids.length === 1) {
        await api(`/alerts/${encodeURIComponent(ids[0])}`, { method: "PATCH", body });
      } else {
        await api("/alerts/bulk", { method: "POST", body: { ...body, ids } });
      }
      setSelected(new Set());
      list.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  // An anomaly the analyst knows to be normal: the baseline learns it and the alert closes.
  async function markExpected(id: string, reason: string) {
    setError("");
    try {
      await api(`/alerts/${encodeURIComponent(id)}/expected`, { method: "POST", body: { reason } });
      list.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  const actions = (ids: string[]) =>
    !canTriage(user) ? null : (
    <span className="actions">
      <button type="button" data-testid="assign-me" onClick={() => change(ids, { assignee: user.name })}>
        {t("alerts.assign_me")}
      </button>
      <button type="button" data-testid="acknowledge" onClick={() => change(ids, { status: "acknowledged" })}>
        {t("alerts.acknowledge")}
      </button>
      <button type="button" data-testid="close" onClick={() => change(ids, { status: "closed" })}>
        {t("alerts.close")}
      </button>
      <button type="button" data-testid="false-positive" onClick={() => setFpFor(ids)}>
        {t("alerts.false_positive")}
      </button>
      <button
        type="button"
        data-testid="open-case"
        onClick={() => openCaseFromAlerts(ids).catch((e) => setError(e instanceof Error ? e.message : String(e)))}
      >
        {t("case.open_from_alerts")}
      </button>
    </span>
  );

  const groups = new Map<string, Alert[]>();
  for (const a of alerts) {
    const key = grouped ? a.rule_id : a.id;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(a);
  }

  const row = (a: Alert) => (
    <tr key={a.id} data-testid="alert-row" className={open === a.id ? "selected" : undefined}>
      <td>
        <input
          type="checkbox"
          aria-label={a.id}
          checked={selected.has(a.id)}
          onChange={(e) =>
            setSelected((s) => {
              const n = new Set(s);
              if (e.target.checked) n.add(a.id);
              else n.delete(a.id);
              return n;
            })
          }
        />
      </td>
      <td>
        <span className={`level level-${a.level}`}>{t(`level.${a.level}`)}</span>
      </td>
      <td>
        <button type="button" className="link" data-testid="open-alert" onClick={() => setOpen(open === a.id ? null : a.id)}>
          <SafeText text={a.rule_title} />
        </button>
        {a.false_positive && <span className="tag">{t("alerts.fp_mark")}</span>}
      </td>
      <td>
        <SafeText text={a.host} />
      </td>
      <td className="num">{formatNumber(lang, a.count)}</td>
      <td className="nowrap">{formatTime(lang, a.last_seen)}</td>
      <td>
        <span className={`status status-${a.status}`} data-testid="alert-status">
          {t(`status.${a.status}`)}
        </span>
      </td>
      <td>
        <SafeText text={a.assignee ?? ""} />
      </td>
    </tr>
  );

  return (
    <div className="page alerts">
      <div className="toolbar">
        <h1>{t("nav.alerts")}</h1>
        <label>
          {t("alerts.status")}{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="filter-status">
            <option value="new,acknowledged">
              {t("status.new")} + {t("status.acknowledged")}
            </option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
            <option value="">{t("alerts.all")}</option>
          </select>
        </label>
        <FilterSelect
          label={t("alerts.level")}
          value={level}
          onChange={setLevel}
          options={LEVELS.map((l) => [l, t(`level.${l}`)])}
          testId="filter-level"
        />
        <label>
          {t("alerts.rule")} <input value={rule} onChange={(e) => setRule(e.target.value)} size={14} />
        </label>
        <label>
          {t("alerts.host")} <input value={host} onChange={(e) => setHost(e.target.value)} size={12} />
        </label>
        <TimePicker value={range} onChange={setRange} />
        <label>
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} /> {t("alerts.group_by_rule")}
        </label>
      </div>
      {selected.size > 0 && canTriage(user) && (
        <div className="bulk" data-testid="bulk">
          {t("alerts.selected", { n: selected.size })} {actions([...selected])}
        </div>
      )}
      {(error || list.error) && (
        <p className="error" role="alert">
          {error || list.error}
        </p>
      )}
      {fpFor && (
        <FalsePositiveForm
          onCancel={() => setFpFor(null)}
          onSubmit={(reason) => {
            const ids = fpFor;
            setFpFor(null);
            change(ids, { false_positive: true, false_positive_reason: reason, status: "closed" });
          }}
        />
      )}
      <div className="alerts-body">
        <table className="events alerts-table" data-testid="alerts">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label={t("alerts.all")}
                  checked={alerts.length > 0 && selected.size === alerts.length}
                  onChange={(e) => setSelected(e.target.checked ? new Set(alerts.map((a) => a.id)) : new Set())}
                />
              </th>
              <th>{t("alerts.level")}</th>
              <th>{t("alerts.rule")}</th>
              <th>{t("alerts.host")}</th>
              <th>{t("alerts.count")}</th>
              <th>{t("alerts.last_seen")}</th>
              <th>{t("alerts.status")}</th>
              <th>{t("alerts.assignee")}</th>
            </tr>
          </thead>
          <tbody>
            {[...groups.entries()].map(([key, members]) =>
              grouped ? (
                <GroupRows key={key} members={members} row={row} />
              ) : (
                row(members[0])
              ),
            )}
            {list.data && alerts.length === 0 && (
              <tr>
                <td colSpan={8} className="muted">
                  {t("common.none")}
                </td>
              </tr>
            )}
          </tbody>
        </table>
        {cursor && (
          <button type="button" onClick={loadMore}>
            {t("common.more")}
          </button>
        )}
        {open && (
          <AlertDetail
            id={open}
            actions={actions}
            onClose={() => setOpen(null)}
            version={list.data}
            onExpected={canTriage(user) ? markExpected : undefined}
            canSaveEvidence={canWorkCases(user)}
          />
        )}
      </div>
    </div>
  );
}

function GroupRows({ members, row }: { members: Alert[]; row: (a: Alert) => ReactElement }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const total = members.reduce((n, a) => n + a.count, 0);
  return (
    <>
      <tr className="group" onClick={() => setOpen(!open)} data-testid="alert-group">
        <td>{open ? "▾" : "▸"}</td>
        <td>
          <span className={`level level-${members[0].level}`}>{t(`level.${members[0].level}`)}</span>
        </td>
        <td colSpan={2}>
          <SafeText text={members[0].rule_title} /> <span className="muted">×{members.length}</span>
        </td>
        <td className="num">{formatNumber(lang, total)}</td>
        <td colSpan={3} />
      </tr>
      {open && members.map(row)}
    </>
  );
}

function FalsePositiveForm({ onSubmit, onCancel }: { onSubmit: (reason: string) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState("");
  return (
    <form
      className="panel fp-form"
      data-testid="fp-form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        if (reason.trim()) onSubmit(reason.trim());
      }}
    >
      <label>
        {t("alerts.fp_reason")}
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} autoFocus required />
      </label>
      <button type="submit">{t("common.save")}</button>
      <button type="button" onClick={onCancel}>
        {t("common.cancel")}
      </button>
    </form>
  );
}

// ATT&CK technique ids of the rule's tags (attack.t1110.001 -> T1110.001).
function techniques(tags: string[]): string[] {
  return tags
    .map((tag) => /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(tag)?.[1]?.toUpperCase())
    .filter((x): x is string => Boolean(x));
}

function AlertDetail({
  id,
  actions,
  onClose,
  version,
  onExpected,
  canSaveEvidence,
}: {
  id: string;
  actions: (ids: string[]) => ReactElement | null;
  onClose: () => void;
  version: unknown;
  onExpected?: (id: string, reason: string) => Promise<void>;
  canSaveEvidence: boolean;
}) {
  const { t, lang } = useI18n();
  const [alert, setAlert] = useState<Alert | null>(null);
  const [events, setEvents] = useState<EventItem[]>([]);
  const [rule, setRule] = useState<Rule | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    api<Alert>(`/alerts/${encodeURIComponent(id)}`)
      .then(setAlert)
      .catch((e) => setError(e.message));
  }, [id, version]);
  useEffect(() => {
    if (!alert) return;
    Promise.all(alert.event_ids.slice(0, 20).map((e) => api<EventItem>(`/events/${encodeURIComponent(e)}`).catch(() => null)))
      .then((list) => setEvents(list.filter((e): e is EventItem => e !== null)))
      .catch(() => setEvents([]));
    api<Rule>(`/rules/${encodeURIComponent(alert.rule_id)}`)
      .then(setRule)
      .catch(() => setRule(null));
  }, [alert?.id]);

  if (!alert) return <aside className="panel detail-pane">{error || t("common.loading")}</aside>;
  const attack = rule?.attack?.length ? rule.attack : techniques(alert.tags);
  return (
    <aside className="panel detail-pane" data-testid="alert-detail">
      <button type="button" className="close" onClick={onClose} aria-label={t("common.close")}>
        ×
      </button>
      <h2>
        <SafeText text={alert.rule_title} />
      </h2>
      <p>
        <span className={`level level-${alert.level}`}>{t(`level.${alert.level}`)}</span>{" "}
        <span className={`status status-${alert.status}`}>{t(`status.${alert.status}`)}</span>{" "}
        <SafeText text={alert.host} /> · {formatNumber(lang, alert.count)} · {formatTime(lang, alert.first_seen)} –{" "}
        {formatTime(lang, alert.last_seen)}
      </p>
      {alert.case_id && (
        <p>
          {t("nav.cases")}:{" "}
          <a
            href={`/cases/${encodeURIComponent(alert.case_id)}`}
            data-testid="alert-case"
            onClick={(e) => {
              e.preventDefault();
              navigate(`/cases/${encodeURIComponent(alert.case_id!)}`);
            }}
          >
            #{alert.case_id}
          </a>
        </p>
      )}
      {alert.false_positive && (
        <p>
          <span className="tag">{t("alerts.fp_mark")}</span> <SafeText text={alert.false_positive_reason ?? ""} />
        </p>
      )}
      {actions([alert.id])}
      {alert.dataset === "anomaly" && (
        <AnomalyPanel alert={alert} onExpected={alert.status !== "closed" ? onExpected : undefined} />
      )}
      {alert.dataset === "monitor.web" && <MonitorEvidence alert={alert} canSave={canSaveEvidence} />}
      {attack.length > 0 && (
        <p data-testid="attack">
          {t("alerts.attack")}:{" "}
          {attack.map((tech) => (
            <a
              key={tech}
              className="tag"
              href={`https://attack.mitre.org/techniques/${tech.replace(".", "/")}/`}
              target="_blank"
              rel="noopener noreferrer"
            >
              {tech}
            </a>
          ))}
        </p>
      )}
      <h3>{t("alerts.events")}</h3>
      <ul className="alert-events" data-testid="alert-events">
        {events.map((ev) => (
          <li key={ev.id}>
            <a
              href={`/search?event=${encodeURIComponent(ev.id)}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/search?event=${encodeURIComponent(ev.id)}`);
              }}
            >
              {formatTime(lang, ev["@timestamp"])}
            </a>{" "}
            <SafeText text={ev.message} />
          </li>
        ))}
      </ul>
      {rule?.text && (
        <>
          <h3>{t("alerts.rule_text")}</h3>
          <pre className="raw" data-testid="rule-text">
            {rule.text}
          </pre>
        </>
      )}
    </aside>
  );
}

// What an anomaly alert carries in its fields (app/anomaly_detection.cc): the explanation in both
// languages and, for a series, its recent buckets with the expected band.
function AnomalyPanel({
  alert,
  onExpected,
}: {
  alert: Alert;
  onExpected?: (id: string, reason: string) => Promise<void>;
}) {
  const { t, lang } = useI18n();
  const [reason, setReason] = useState("");
  const fields = alert.fields ?? {};
  const text = (name: string) => (typeof fields[name] === "string" ? (fields[name] as string) : "");
  const explanation = (lang === "id" ? text("anomaly.explanation.id") : text("anomaly.explanation.en")) || text("anomaly.explanation.id");
  const series = Array.isArray(fields["anomaly.series"]) ? (fields["anomaly.series"] as AnomalyPoint[]) : [];
  return (
    <section data-testid="anomaly">
      <h3>{t("anomaly.title")}</h3>
      <p data-testid="anomaly-explanation">
        <SafeText text={explanation} />
      </p>
      {text("anomaly.template") && (
        <p>
          {t("anomaly.template")}: <code data-testid="anomaly-template"><SafeText text={text("anomaly.template")} /></code>
        </p>
      )}
      {series.length > 0 && (
        <Chart
          testId="anomaly-chart"
          height={200}
          option={anomalyBandOption(series, { value: t("anomaly.value"), band: t("anomaly.band") })}
        />
      )}
      {onExpected && (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void onExpected(alert.id, reason);
          }}
        >
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t("anomaly.reason")}
            aria-label={t("anomaly.reason")}
            data-testid="anomaly-reason"
          />
          <button type="submit" data-testid="anomaly-expected">
            {t("anomaly.mark_expected")}
          </button>
        </form>
      )}
    </section>
  );
}

// What a website-monitoring alert keeps as evidence (src/monitor/site_monitor.cc): screenshots
// shown from the download route, the page bodies as downloads (plain text: the pages are the
// attacker's), and, once the alert is in a case, each into the case's evidence in one click.
const MONITOR_EVIDENCE: { field: string; label: Key; image: boolean }[] = [
  { field: "monitor.screenshot_sha256", label: "monitor_evidence.screenshot", image: true },
  { field: "monitor.crawler_screenshot_sha256", label: "monitor_evidence.crawler_screenshot", image: true },
  { field: "monitor.body_sha256", label: "monitor_evidence.body", image: false },
  { field: "monitor.crawler_sha256", label: "monitor_evidence.crawler_body", image: false },
  { field: "monitor.baseline_sha256", label: "monitor_evidence.baseline", image: false },
];

function MonitorEvidence({ alert, canSave }: { alert: Alert; canSave: boolean }) {
  const { t } = useI18n();
  const [saved, setSaved] = useState<Record<string, boolean>>({});
  const [error, setError] = useState("");
  const fields = alert.fields ?? {};
  const hashOf = (name: string) => {
    const v = fields[name];
    return typeof v === "string" && /^[0-9a-f]{64}$/.test(v) ? v : "";
  };
  // One entry per kept item: the crawler's view is often the browser's own page.
  const seen = new Set<string>();
  const items = MONITOR_EVIDENCE.map((m) => ({ ...m, sha: hashOf(m.field) })).filter(
    (m) => m.sha && !seen.has(m.sha) && seen.add(m.sha),
  );
  const screenshotError = typeof fields["monitor.screenshot_error"] === "string" ? (fields["monitor.screenshot_error"] as string) : "";
  const baseline = hashOf("monitor.baseline_sha256");
  const current = hashOf("monitor.body_sha256");
  const caseId = alert.case_id;
  const save = (sha: string) => {
    if (!caseId) return;
    setError("");
    api(`/cases/${encodeURIComponent(caseId)}/evidence/monitor`, { method: "POST", body: { sha256: sha } })
      .then(() => setSaved((s) => ({ ...s, [sha]: true })))
      .catch((e) => setError(e.message));
  };
  if (items.length === 0 && !screenshotError) return null;
  return (
    <section data-testid="monitor-evidence">
      <h3>{t("monitor_evidence.title")}</h3>
      {screenshotError && (
        <p className="muted" data-testid="monitor-screenshot-error">
          <SafeText text={t("monitor_evidence.no_screenshot", { reason: screenshotError })} />
        </p>
      )}
      {baseline && current && baseline !== current && <MonitorDiff from={baseline} to={current} />}
      <ul className="monitor-evidence">
        {items.map((m) => {
          const href = `/api/v1/monitor/bodies/${m.sha}`;
          return (
            <li key={m.sha} data-testid="monitor-evidence-item">
              <strong>{t(m.label)}</strong> <code title={m.sha}>{m.sha.slice(0, 12)}</code>{" "}
              <a href={href} download data-testid="monitor-evidence-download">
                {t("monitor_evidence.download")}
              </a>
              {caseId && canSave && (
                <>
                  {" "}
                  {saved[m.sha] ? (
                    <span className="tag" data-testid="monitor-evidence-saved">
                      {t("monitor_evidence.saved", { case: caseId })}
                    </span>
                  ) : (
                    <button type="button" onClick={() => save(m.sha)} data-testid="monitor-evidence-save">
                      {t("monitor_evidence.save")}
                    </button>
                  )}
                </>
              )}
              {m.image && (
                <div>
                  <a href={href} target="_blank" rel="noopener noreferrer">
                    <img
                      src={href}
                      alt={t(m.label)}
                      className="monitor-screenshot"
                      data-testid="monitor-screenshot"
                      loading="lazy"
                    />
                  </a>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {error && (
        <p className="error" role="alert">
          <SafeText text={error} />
        </p>
      )}
    </section>
  );
}

// GET /api/v1/monitor/diff: what changed from the baseline to the page a check found.
type PageDiff = {
  title: { from: string; to: string };
  text: { op: "same" | "added" | "removed"; text?: string; skipped?: number }[];
  links: { added: PageDiffLink[]; removed: PageDiffLink[] };
  scripts: { added: string[]; removed: string[] };
  iframes: { added: string[]; removed: string[] };
  truncated: boolean;
  truncated_reason: string;
};
type PageDiffLink = { href: string; text: string; hidden_by: string };

// The page is the attacker's: every piece of it is a text node (SafeText), never markup.
function MonitorDiff({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const [diff, setDiff] = useState<PageDiff | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    const controller = new AbortController();
    setDiff(null);
    setError("");
    api<PageDiff>(`/monitor/diff${params({ from, to })}`, { signal: controller.signal })
      .then(setDiff)
      .catch((e) => {
        if (!controller.signal.aborted) setError(e.message);
      });
    return () => controller.abort();
  }, [from, to]);
  const changed = diff ? diff.text.some((l) => l.op !== "same") : false;
  const lists: { key: "links" | "scripts" | "iframes"; added: Key; removed: Key }[] = [
    { key: "links", added: "monitor_diff.links_added", removed: "monitor_diff.links_removed" },
    { key: "scripts", added: "monitor_diff.scripts_added", removed: "monitor_diff.scripts_removed" },
    { key: "iframes", added: "monitor_diff.iframes_added", removed: "monitor_diff.iframes_removed" },
  ];
  return (
    <section data-testid="monitor-diff">
      <h4>{t("monitor_diff.title")}</h4>
      {error && (
        <p className="error" role="alert">
          <SafeText text={error} />
        </p>
      )}
      {!diff && !error && <p className="muted">{t("common.loading")}</p>}
      {diff && (
        <>
          {diff.title.from !== diff.title.to && (
            <p data-testid="monitor-diff-title">
              <strong>{t("monitor_diff.title_changed")}</strong>{" "}
              <del className="diff-removed">
                <SafeText text={diff.title.from} />
              </del>{" "}
              →{" "}
              <ins className="diff-added">
                <SafeText text={diff.title.to} />
              </ins>
            </p>
          )}
          {changed ? (
            <div className="page-diff" data-testid="monitor-diff-text">
              {diff.text.map((l, i) =>
                l.skipped ? (
                  <div key={i} className="diff-line diff-skipped">
                    {t("monitor_diff.skipped", { n: String(l.skipped) })}
                  </div>
                ) : (
                  <div key={i} className={`diff-line diff-${l.op}`} data-testid={`monitor-diff-${l.op}`}>
                    <span className="diff-mark" aria-label={t(`monitor_diff.op_${l.op}`)}>
                      {l.op === "added" ? "+" : l.op === "removed" ? "−" : " "}
                    </span>
                    <SafeText text={l.text ?? ""} />
                  </div>
                ),
              )}
            </div>
          ) : (
            <p className="muted">{t("monitor_diff.no_text_change")}</p>
          )}
          {lists.map(({ key, added, removed }) => (
            <div key={key}>
              {diff[key].added.length > 0 && (
                <DiffList label={t(added)} className="diff-added" testId={`monitor-diff-${key}-added`} items={diff[key].added} />
              )}
              {diff[key].removed.length > 0 && (
                <DiffList
                  label={t(removed)}
                  className="diff-removed"
                  testId={`monitor-diff-${key}-removed`}
                  items={diff[key].removed}
                />
              )}
            </div>
          ))}
          {diff.truncated && (
            <p className="muted" data-testid="monitor-diff-truncated">
              <SafeText text={t("monitor_diff.truncated", { reason: diff.truncated_reason })} />
            </p>
          )}
        </>
      )}
    </section>
  );
}

function DiffList({
  label,
  className,
  testId,
  items,
}: {
  label: string;
  className: string;
  testId: string;
  items: (string | PageDiffLink)[];
}) {
  const { t } = useI18n();
  return (
    <>
      <strong>{label}</strong>
      <ul className="diff-list" data-testid={testId}>
        {items.map((item, i) =>
          typeof item === "string" ? (
            <li key={i} className={className}>
              <SafeText text={item} />
            </li>
          ) : (
            <li key={i} className={className}>
              <SafeText text={item.href} />
              {item.text && (
                <>
                  {" "}
                  (<SafeText text={item.text} />)
                </>
              )}
              {item.hidden_by && (
                <>
                  {" "}
                  <span className="tag">{t("monitor_diff.hidden", { reason: item.hidden_by })}</span>
                </>
              )}
            </li>
          ),
        )}
      </ul>
    </>
  );
}
