// The war-room wall: full screen, dark, large type, panels that rotate, no controls.
import { useEffect, useMemo, useState } from "react";
import { Chart } from "../components/Chart";
import { MonitorBoardPanel } from "../components/MonitorBoard";
import { alertsByLevelOption, eventsPerSourceOption, topBarsOption } from "../charts";
import { formatNumber, useI18n } from "../i18n";
import { topItems, useDashboardData } from "./Dashboard";

const ROTATE_MS = 15000;
const RANGE = { from: "now-24h", to: "now" };

export function WarRoomPage() {
  const { t, lang } = useI18n();
  const d = useDashboardData(RANGE, 30);
  const [panel, setPanel] = useState(0);

  useEffect(() => {
    document.body.classList.add("warroom-body");
    document.documentElement.requestFullscreen?.().catch(() => {});
    const rotate = setInterval(() => setPanel((p) => p + 1), ROTATE_MS);
    return () => {
      document.body.classList.remove("warroom-body");
      clearInterval(rotate);
    };
  }, []);

  // Built again only when the data or the panel changes: a new option resets the chart.
  const panels = useMemo(() => [
    { title: t("dash.events_by_source"), option: eventsPerSourceOption(d.events.data, d.span.seconds, RANGE) },
    { title: t("dash.alerts_by_level"), option: alertsByLevelOption(d.alerts.data, (l) => t(`level.${l}`), RANGE) },
    {
      title: t("dash.top_rules"),
      option: topBarsOption(
        (d.alerts.data?.top_rules ?? []).map((r) => ({ label: r.rule_title, count: r.count })),
        "#ef6c00",
      ),
    },
    { title: t("dash.top_sources"), option: topBarsOption(topItems(d.sources.data)) },
    { title: t("dash.top_hosts"), option: topBarsOption(topItems(d.hosts.data), "#78909c") },
  ], [d.events.data, d.span.seconds, d.alerts.data, d.sources.data, d.hosts.data, t]);
  const option = useMemo(
    () => ({ ...panels[panel % panels.length].option, textStyle: { fontSize: 18 } }),
    [panels, panel],
  );
  const current = panels[panel % panels.length];
  const open = (d.alerts.data?.by_status.new ?? 0) + (d.alerts.data?.by_status.acknowledged ?? 0);

  return (
    <div className="warroom" data-testid="warroom">
      <header>
        <h1>{t("war.title")}</h1>
        <Clock />
      </header>
      <div className="war-kpis">
        <div>
          <b>{d.rate === undefined ? "…" : formatNumber(lang, d.rate)}</b>
          <span>{t("dash.events_rate")}</span>
        </div>
        <div>
          <b>{d.eventCount === undefined ? "…" : formatNumber(lang, d.eventCount)}</b>
          <span>{t("dash.events_total")} (24 h)</span>
        </div>
        <div className={d.alerts.data?.by_status.new ? "hot" : undefined}>
          <b>{formatNumber(lang, d.alerts.data?.by_status.new ?? 0)}</b>
          <span>{t("dash.alerts_new")}</span>
        </div>
        <div>
          <b>{formatNumber(lang, open)}</b>
          <span>{t("dash.alerts_open")}</span>
        </div>
      </div>
      <section className="war-panel">
        <h2>{current.title}</h2>
        <Chart option={option} height="58vh" dark testId="war-chart" />
      </section>
      <section className="war-panel war-board">
        <h2>{t("mon.board")}</h2>
        <MonitorBoardPanel refreshSeconds={30} limit={12} />
      </section>
    </div>
  );
}

// Its own component: the second hand re-renders only the clock, not the chart.
function Clock() {
  const { lang } = useI18n();
  const [now, setNow] = useState(new Date());
  useEffect(() => {
    const tick = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(tick);
  }, []);
  return <span className="clock">{now.toLocaleTimeString(lang === "id" ? "id-ID" : "en-GB")}</span>;
}
