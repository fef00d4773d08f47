import type { Sla } from "../api";
import { useI18n } from "../i18n";

// "2 jam 10 mnt" / "2 h 10 min": a duration for people, to the minute.
export function duration(seconds: number, lang: "id" | "en"): string {
  const s = Math.abs(Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const units = lang === "id" ? ["hari", "jam", "mnt"] : ["d", "h", "min"];
  const parts = [];
  if (d) parts.push(`${d} ${units[0]}`);
  if (h) parts.push(`${h} ${units[1]}`);
  if (m || parts.length === 0) parts.push(`${m} ${units[2]}`);
  return parts.join(" ");
}

// The current step against its time standard: time left, or how late.
export function SlaBadge({ sla }: { sla: Sla }) {
  const { t, lang } = useI18n();
  if (sla.left_seconds === null) return <span className="muted">—</span>;
  if (sla.overdue) {
    return (
      <span className="sla sla-late" data-testid="sla">
        {t("case.overdue_by", { t: duration(-sla.left_seconds, lang) })}
      </span>
    );
  }
  return (
    <span className="sla sla-ok" data-testid="sla">
      {t("case.time_left", { t: duration(sla.left_seconds, lang) })}
    </span>
  );
}
