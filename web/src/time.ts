// Time ranges as the API takes them: relative ("now-24h") or RFC 3339.

export interface TimeRange {
  from: string;
  to: string;
}

export const PRESETS = [
  { key: "time.15m", from: "now-15m" },
  { key: "time.1h", from: "now-1h" },
  { key: "time.24h", from: "now-24h" },
  { key: "time.7d", from: "now-7d" },
  { key: "time.30d", from: "now-30d" },
] as const;

const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

// Milliseconds since the epoch of a range bound, for charts.
export function boundMs(bound: string, now = Date.now()): number {
  if (!bound || bound === "now") return now;
  const rel = /^now-(\d+)([smhdw])$/.exec(bound);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]];
  const t = Date.parse(bound);
  return Number.isNaN(t) ? now : t;
}

export function isoOf(ms: number): string {
  return new Date(Math.round(ms)).toISOString();
}

// A bucket span that gives about `buckets` points over the range, in whole minutes when above one.
export function spanFor(range: TimeRange, buckets = 60): { label: string; seconds: number } {
  const ms = boundMs(range.to) - boundMs(range.from);
  const seconds = Math.max(1, Math.ceil(ms / 1000 / buckets));
  if (seconds < 60) return { label: `${seconds}s`, seconds };
  const minutes = Math.ceil(seconds / 60);
  return { label: `${minutes}m`, seconds: minutes * 60 };
}

// For <input type="datetime-local">: local time without zone.
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}
