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
  if (sla.left_seconds < 0) {
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

// The 24-hour reporting deadline of a case on vital information infrastructure, when it has one.
export function ReportingBadge({ sla }: { sla: Sla }) {
  const { t, lang } = useI18n();
  const r = sla.reporting;
  if (!r) return null;
  if (r.reported_at !== null) {
    return (
      <span className={`sla ${r.on_time ? "sla-ok" : "sla-late"}`} data-testid="reporting">
        {t(r.on_time ? "case.reporting_met" : "case.reporting_missed")}
      </span>
    );
  }
  const left = r.left_seconds ?? 0;
  return (
    <span className={`sla ${r.overdue ? "sla-late" : "sla-ok"}`} data-testid="reporting">
      {r.overdue
        ? t("case.reporting_late", { t: duration(-left, lang) })
        : t("case.reporting_left", { t: duration(left, lang) })}
    </span>
  );
}
