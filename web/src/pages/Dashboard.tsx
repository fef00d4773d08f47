import { useMemo, useState } from "react";
import { AlertStats, api, Case, Histogram, Page, params, Table } from "../api";
import { SafeText } from "../components/SafeText";
import { SlaBadge } from "../components/SlaBadge";
import { Chart } from "../components/Chart";
import { MonitorBoardPanel } from "../components/MonitorBoard";
import { TimePicker } from "../components/TimePicker";
import { alertsByLevelOption, eventsPerSourceOption, topBarsOption } from "../charts";
import { usePoll } from "../hooks";
import { formatNumber, useI18n } from "../i18n";
import { navigate } from "../router";
import { boundMs, spanFor, TimeRange } from "../time";

const REFRESH_CHOICES = [0, 10, 30, 60];

// The data of the dashboard and of the war room, refreshed together.
export function useDashboardData(range: TimeRange, refreshSeconds: number) {
  const span = spanFor(range, 48);
  const every = refreshSeconds * 1000;
  const window = { from: range.from, to: range.to };
  const events = usePoll(
    (signal) =>
      api<Table>(`/events${params({ q: `| timechart span=${span.label} count by dataset`, ...window })}`, { signal }),
    [range.from, range.to],
    every,
  );
  const total = usePoll(
    (signal) => api<Histogram>(`/events/histogram${params({ ...window, buckets: 1 })}`, { signal }),
    [range.from, range.to],
    every,
  );
  const alerts = usePoll(
    (signal) => api<AlertStats>(`/alerts/stats${params({ ...window, buckets: 48 })}`, { signal }),
    [range.from, range.to],
    every,
  );
  const sources = usePoll(
    (signal) => api<Table>(`/events${params({ q: "| top 10 source.ip", ...window })}`, { signal }),
    [range.from, range.to],
    every,
  );
  const hosts = usePoll(
    (signal) => api<Table>(`/events${params({ q: "| top 10 host.name", ...window })}`, { signal }),
    [range.from, range.to],
    every,
  );
  const cases = usePoll(
    (signal) =>
      api<Page<Case>>(
        `/cases${params({ state: "triage,investigating,assessing,reporting,submitted,verified,approved,notified", limit: 100 })}`,
        { signal },
      ),
    [],
    every,
  );
  const eventCount = total.data?.buckets.reduce((n, b) => n + b.count, 0);
  const seconds = Math.max(1, (boundMs(range.to) - boundMs(range.from)) / 1000);
  return { span, events, alerts, sources, hosts, cases, eventCount, rate: eventCount === undefined ? undefined : eventCount / seconds };
}

export function topItems(table: Table | undefined): { label: string; count: number }[] {
  if (!table) return [];
  const count = table.columns.indexOf("count");
  return table.rows
    .filter((r) => r[0] !== null && r[0] !== undefined && r[0] !== "")
    .map((r) => ({ label: String(r[0]), count: Number(r[count]) }));
}

export function DashboardPage() {
  const { t, lang } = useI18n();
  const [range, setRange] = useState<TimeRange>({ from: "now-24h", to: "now" });
  const [refresh, setRefresh] = useState(30);
  const d = useDashboardData(range, refresh);

  const open = (d.alerts.data?.by_status.new ?? 0) + (d.alerts.data?.by_status.acknowledged ?? 0);
  // Charts are reset by a new option: build them again only when their data changes.
  const eventsOption = useMemo(
    () => eventsPerSourceOption(d.events.data, d.span.seconds, range),
    [d.events.data, d.span.seconds, range],
  );
  const alertsOption = useMemo(
    () => alertsByLevelOption(d.alerts.data, (l) => t(`level.${l}`), range),
    [d.alerts.data, t, range],
  );
  const sourcesOption = useMemo(() => topBarsOption(topItems(d.sources.data)), [d.sources.data]);
  const hostsOption = useMemo(() => topBarsOption(topItems(d.hosts.data), "#37474f"), [d.hosts.data]);
  const kpi = (label: string, value: number | undefined, testId: string) => (
    <div className="kpi" data-testid={testId}>
      <span className="kpi-value">{value === undefined ? "…" : formatNumber(lang, value)}</span>
      <span className="kpi-label">{label}</span>
    </div>
  );

  return (
    <div className="page dashboard">
      <div className="toolbar">
        <h1>{t("nav.dashboard")}</h1>
        <TimePicker value={range} onChange={setRange} />
        <label>
          {t("refresh.label")}{" "}
          <select value={refresh} onChange={(e) => setRefresh(Number(e.target.value))} data-testid="refresh">
            {REFRESH_CHOICES.map((s) => (
              <option key={s} value={s}>
                {s === 0 ? t("refresh.off") : `${s} s`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="kpis">
        {kpi(t("dash.events_total"), d.eventCount, "kpi-events")}
        {kpi(t("dash.events_rate"), d.rate, "kpi-rate")}
        {kpi(t("dash.alerts_new"), d.alerts.data?.by_status.new ?? (d.alerts.data ? 0 : undefined), "kpi-alerts-new")}
        {kpi(t("dash.alerts_open"), d.alerts.data ? open : undefined, "kpi-alerts-open")}
      </div>
      <div className="grid">
        <section className="panel wide">
          <h2>{t("dash.events_by_source")}</h2>
          <PanelError error={d.events.error} />
          <Chart option={eventsOption} testId="chart-events" />
        </section>
        <section className="panel wide">
          <h2>{t("dash.alerts_by_level")}</h2>
          <PanelError error={d.alerts.error} />
          <Chart option={alertsOption} testId="chart-alerts" />
        </section>
        <section className="panel">
          <h2>{t("dash.top_rules")}</h2>
          <ul className="toplist" data-testid="top-rules">
            {(d.alerts.data?.top_rules ?? []).map((r) => (
              <li key={r.rule_id}>
                <a
                  href={`/alerts?rule=${encodeURIComponent(r.rule_id)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/alerts?rule=${encodeURIComponent(r.rule_id)}`);
                  }}
                >
                  <span className={`level level-${r.level}`}>{t(`level.${r.level}`)}</span> {r.rule_title}
                </a>
                <span className="count">{formatNumber(lang, r.count)}</span>
              </li>
            ))}
            {d.alerts.data && d.alerts.data.top_rules.length === 0 && <li className="muted">{t("common.none")}</li>}
          </ul>
        </section>
        <section className="panel">
          <h2>{t("dash.cases")}</h2>
          <PanelError error={d.cases.error} />
          <ul className="toplist" data-testid="open-cases">
            {[...(d.cases.data?.items ?? [])]
              .sort((a, b) => Number(b.sla.overdue) - Number(a.sla.overdue))
              .slice(0, 10)
              .map((c) => (
                <li key={c.id}>
                  <a
                    href={`/cases/${encodeURIComponent(c.number)}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(`/cases/${encodeURIComponent(c.number)}`);
                    }}
                  >
                    {c.number} <SafeText text={c.title} />
                  </a>
                  <span>
                    {t(`state.${c.state}`)} <SlaBadge sla={c.sla} />
                  </span>
                </li>
              ))}
            {d.cases.data && d.cases.data.items.length === 0 && <li className="muted">{t("common.none")}</li>}
          </ul>
        </section>
        <section className="panel wide">
          <h2>{t("mon.board")}</h2>
          <MonitorBoardPanel refreshSeconds={refresh} />
        </section>
        <section className="panel">
          <h2>{t("dash.top_sources")}</h2>
          <PanelError error={d.sources.error} />
          <Chart option={sourcesOption} testId="chart-sources" />
        </section>
        <section className="panel">
          <h2>{t("dash.top_hosts")}</h2>
          <PanelError error={d.hosts.error} />
          <Chart option={hostsOption} testId="chart-hosts" />
        </section>
      </div>
    </div>
  );
}

export function PanelError({ error }: { error: string }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p className="error">
      {t("common.error")}: {error}
    </p>
  );
}
