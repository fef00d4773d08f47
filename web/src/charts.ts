// Chart options shared by the dashboard and the war room.
import type { ChartOption } from "./components/Chart";
import type { AlertStats, AnomalyPoint, Level, Table } from "./api";
import { LEVELS } from "./api";
import { boundMs, TimeRange } from "./time";

// A time axis over the whole range asked for, not only where there is data.
export function timeAxis(range: TimeRange) {
  const now = Date.now();
  return { type: "time", min: boundMs(range.from, now), max: boundMs(range.to, now) };
}

export const LEVEL_COLORS: Record<Level, string> = {
  critical: "#b71c1c",
  high: "#e65100",
  medium: "#f9a825",
  low: "#1565c0",
  informational: "#78909c",
};

// Rows of `| timechart ... count by F` ([time, group, count]) as one stacked series per group,
// in events per second, on a grid of every bucket of the range (bars need even spacing).
export function eventsPerSourceOption(table: Table | undefined, spanSeconds: number, range: TimeRange): ChartOption {
  const span = spanSeconds * 1000;
  const now = Date.now();
  const first = Math.floor(boundMs(range.from, now) / span) * span;
  const last = boundMs(range.to, now);
  const counts = new Map<string, Map<number, number>>();
  for (const row of table?.rows ?? []) {
    const [time, group, count] = row as [string, unknown, number];
    const name = group === null || group === undefined ? "(none)" : String(group);
    if (!counts.has(name)) counts.set(name, new Map());
    const bucket = Math.floor(Date.parse(time) / span) * span;
    const series = counts.get(name)!;
    series.set(bucket, (series.get(bucket) ?? 0) + Number(count));
  }
  const grid: number[] = [];
  for (let t = first; t <= last; t += span) grid.push(t);
  return {
    legend: { type: "scroll", top: 0 },
    grid: { left: 50, right: 16, top: 36, bottom: 28 },
    xAxis: timeAxis(range),
    yAxis: { type: "value", name: "/s" },
    series: [...counts.entries()].map(([name, series]) => ({
      name,
      type: "bar",
      stack: "events",
      barMaxWidth: 24,
      data: grid.map((t) => [t + span / 2, (series.get(t) ?? 0) / spanSeconds]),
    })),
  };
}

export function alertsByLevelOption(
  stats: AlertStats | undefined,
  t: (l: Level) => string,
  range: TimeRange,
): ChartOption {
  return {
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: timeAxis(range),
    yAxis: { type: "value", minInterval: 1 },
    series: LEVELS.map((level) => ({
      name: t(level),
      type: "bar",
      stack: "alerts",
      color: LEVEL_COLORS[level],
      barMaxWidth: 24,
      data: (stats?.buckets ?? []).map((b) => [Date.parse(b.time), b.counts[level] ?? 0]),
    })),
  };
}

// A horizontal bar chart of the top values: labels are drawn on the canvas, as text.
export function topBarsOption(items: { label: string; count: number }[], color = "#00695c"): ChartOption {
  const shown = items.slice(0, 10).reverse();
  return {
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: { renderMode: "richText", trigger: "item" },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: {
      type: "category",
      data: shown.map((i) => (i.label.length > 40 ? `${i.label.slice(0, 39)}…` : i.label)),
    },
    series: [{ type: "bar", color, data: shown.map((i) => i.count), label: { show: true, position: "right" } }],
  };
}

// An anomaly's series: the value as a line over its expected band (a shaded area from low to
// high: an invisible base at low with high - low stacked on it).
export function anomalyBandOption(points: AnomalyPoint[], names: { value: string; band: string }): ChartOption {
  const banded = points.filter((p) => p.low !== null && p.high !== null);
  return {
    legend: { top: 0, data: [names.value, names.band] },
    grid: { left: 50, right: 16, top: 36, bottom: 28 },
    tooltip: { renderMode: "richText", trigger: "axis" },
    xAxis: { type: "time" },
    yAxis: { type: "value" },
    series: [
      {
        name: "base",
        type: "line",
        stack: "band",
        symbol: "none",
        lineStyle: { opacity: 0 },
        tooltip: { show: false },
        data: banded.map((p) => [p.time, p.low]),
      },
      {
        name: names.band,
        type: "line",
        stack: "band",
        symbol: "none",
        color: "#80cbc4",
        lineStyle: { opacity: 0 },
        areaStyle: { color: "#80cbc4", opacity: 0.5 },
        data: banded.map((p) => [p.time, (p.high as number) - (p.low as number)]),
      },
      { name: names.value, type: "line", color: "#b71c1c", data: points.map((p) => [p.time, p.value]) },
    ],
  };
}
