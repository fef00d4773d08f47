// Pemantauan situs / Site monitoring of one registered system (docs/monitoring.md): each URL's
// availability, a response-time history chart, the certificate, the last content check with its
// findings, the internal pages whose last read found something, and, for those the API allows,
// buttons to check now and to approve the pages as they are now as the baseline. Everything
// from the page (titles, findings' summaries and evidence) is the attacker's text: SafeText,
// and tooltips drawn on the canvas.
import { useMemo, useState } from "react";
import { api, canCheckSystems, SystemStatus, User, WebFinding } from "../api";
import { Chart, ChartOption } from "../components/Chart";
import { CertDays, StateBadge } from "../components/MonitorBoard";
import { SafeText } from "../components/SafeText";
import { useErrors, usePoll } from "../hooks";
import { formatNumber, formatTime, useI18n } from "../i18n";
import { navigate } from "../router";

// Response time of each check, oldest first; failed checks are thin red bars (how long the
// monitor waited before giving up).
function responseOption(history: SystemStatus["urls"][number]["history"], upName: string, downName: string): ChartOption {
  const points = [...history].reverse();
  return {
    legend: { top: 0 },
    grid: { left: 50, right: 16, top: 36, bottom: 28 },
    tooltip: { renderMode: "richText", trigger: "axis" },
    xAxis: { type: "time" },
    yAxis: { type: "value", name: "ms", minInterval: 1 },
    series: [
      {
        name: upName,
        type: "line",
        color: "#00695c",
        showSymbol: true,
        data: points.filter((p) => p.up).map((p) => [Date.parse(p.at), p.response_ms]),
      },
      {
        name: downName,
        type: "bar",
        color: "#b71c1c",
        barMaxWidth: 6,
        data: points.filter((p) => !p.up).map((p) => [Date.parse(p.at), p.response_ms]),
      },
    ],
  };
}

function Findings({ findings }: { findings: WebFinding[] }) {
  const { t } = useI18n();
  if (findings.length === 0) return <p className="muted">{t("mon.no_findings")}</p>;
  return (
    <ul className="mon-findings" data-testid="monitor-findings">
      {findings.map((f, i) => (
        <li key={i}>
          <span className={`level level-${f.level}`}>{t(`level.${f.level}`)}</span> <code>{f.kind}</code>{" "}
          <SafeText text={f.summary} />
          {f.evidence && (
            <details>
              <summary>{t("mon.evidence")}</summary>
              <pre>
                <SafeText text={f.evidence} />
              </pre>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}

export function SiteMonitorPage({ id, user }: { id: string; user: User }) {
  const { t, lang } = useI18n();
  const status = usePoll((signal) => api<SystemStatus>(`/systems/${encodeURIComponent(id)}/status`, { signal }), [id], 30000);
  const { error, run } = useErrors();
  const [busy, setBusy] = useState("");
  const [notice, setNotice] = useState("");
  const s = status.data;
  const act = (what: "check" | "baseline") => {
    if (what === "baseline" && !window.confirm(t("mon.confirm_baseline"))) return;
    setBusy(what);
    setNotice("");
    run(async () => {
      const out = await api<{ alerts?: string[]; items?: unknown[] }>(`/systems/${encodeURIComponent(id)}/${what}`, {
        method: "POST",
      });
      setNotice(
        what === "check"
          ? t("mon.checked", { n: out.alerts?.length ?? 0 })
          : t("mon.baseline_done", { n: out.items?.length ?? 0 }),
      );
      status.reload();
    }).finally(() => setBusy(""));
  };
  const charts = useMemo(
    () => (s?.urls ?? []).map((u) => responseOption(u.history, t("mon.response"), t("mon.failed"))),
    [s, t],
  );

  return (
    <div className="page site-monitor" data-testid="site-monitor-page">
      <div className="toolbar">
        <h1>
          {t("mon.title")}
          {s && (
            <>
              {": "}
              <SafeText text={s.name} />
            </>
          )}
        </h1>
        <a
          href="/systems"
          onClick={(e) => {
            e.preventDefault();
            navigate("/systems");
          }}
        >
          {t("nav.systems")}
        </a>
        {canCheckSystems(user) && (
          <>
            <button type="button" disabled={busy !== ""} onClick={() => act("check")} data-testid="monitor-check">
              {busy === "check" ? "…" : t("mon.check_now")}
            </button>
            <button type="button" disabled={busy !== ""} onClick={() => act("baseline")} data-testid="monitor-baseline">
              {busy === "baseline" ? "…" : t("mon.approve_baseline")}
            </button>
          </>
        )}
      </div>
      {(error || status.error) && (
        <p className="error" role="alert" data-testid="monitor-error">
          <SafeText text={error || status.error} />
        </p>
      )}
      {notice && (
        <p className="notice" data-testid="monitor-notice">
          {notice}
        </p>
      )}
      {s && (
        <p className="muted">
          {t("mon.page_explain", { interval: s.check_interval_s, pages: s.crawl_pages })}{" "}
          {t("mon.open_alerts")}: <b data-testid="monitor-open-alerts">{formatNumber(lang, s.open_alerts)}</b>
        </p>
      )}
      {s?.urls.map((u, n) => {
        const days = u.certificate?.not_after ? Math.floor((Date.parse(u.certificate.not_after) - Date.now()) / 86400000) : null;
        return (
          <section className="panel" key={u.url} data-testid="monitor-url">
            <h2>
              <SafeText text={u.url} /> <StateBadge state={u.state} />
            </h2>
            <dl className="mon-facts">
              <dt>{t("mon.availability")}</dt>
              <dd data-testid="monitor-availability">
                {u.state === "unknown"
                  ? t("mon.never")
                  : t("mon.since", { time: u.since ? formatTime(lang, u.since) : "—" })}
                {u.consecutive_failures > 0 && ` · ${t("mon.failures", { n: u.consecutive_failures })}`}
                {u.last_check && (
                  <>
                    {" · "}HTTP {u.last_check.status || "—"}, {formatNumber(lang, u.last_check.response_ms)} ms
                    {u.last_check.error && (
                      <>
                        {" · "}
                        <SafeText text={u.last_check.error} />
                      </>
                    )}
                  </>
                )}
              </dd>
              <dt>{t("mon.certificate")}</dt>
              <dd data-testid="monitor-certificate">
                {u.certificate ? (
                  <>
                    <CertDays days={days} verified={u.certificate.verified} />
                    {u.certificate.not_after && ` (${formatTime(lang, u.certificate.not_after)})`}
                    {u.certificate.problem && (
                      <>
                        {" · "}
                        <SafeText text={u.certificate.problem} />
                      </>
                    )}
                  </>
                ) : (
                  <span className="muted">{t("mon.no_tls")}</span>
                )}
              </dd>
              <dt>{t("mon.baseline")}</dt>
              <dd data-testid="monitor-baseline-info">
                {u.baseline ? (
                  <>
                    {t("mon.baseline_by", { who: u.baseline.approved_by, time: formatTime(lang, u.baseline.approved_at) })}{" "}
                    <code className="muted">{u.baseline.body_sha256.slice(0, 16)}…</code>
                  </>
                ) : (
                  <span className="muted">{t("mon.no_baseline")}</span>
                )}
              </dd>
            </dl>
            <h3>{t("mon.response_history")}</h3>
            <Chart option={charts[n]} height={200} testId="monitor-chart" />
            <h3>{t("mon.content")}</h3>
            {u.last_content_check ? (
              <div data-testid="monitor-content">
                <p>
                  {formatTime(lang, u.last_content_check.checked_at)} · {t("mon.page_title")}:{" "}
                  <SafeText text={u.last_content_check.title} />
                </p>
                <Findings findings={u.last_content_check.findings} />
              </div>
            ) : (
              <p className="muted">{t("mon.never")}</p>
            )}
          </section>
        );
      })}
      {s && (
        <section className="panel" data-testid="monitor-crawl">
          <h2>{t("mon.crawl")}</h2>
          <p className="muted">{t("mon.crawl_counts", { pages: s.crawl.pages, checked: s.crawl.checked })}</p>
          {s.crawl.with_findings.length === 0 ? (
            <p className="muted">{t("mon.no_findings")}</p>
          ) : (
            s.crawl.with_findings.map((p) => (
              <div key={p.url} className="mon-deep" data-testid="monitor-deep-page">
                <h3>
                  <SafeText text={p.url} />
                </h3>
                <p className="muted">
                  {formatTime(lang, p.checked_at)} · HTTP {p.status}
                </p>
                <Findings findings={p.findings} />
              </div>
            ))
          )}
        </section>
      )}
    </div>
  );
}
