// The status board of monitored systems (docs/monitoring.md): one row per system that is not
// retired and has URLs, with up/down, response time, certificate days left, the last content
// check and the open monitor alerts. A row opens the system's monitoring page. Shown on the
// dashboard and on the war-room wall; names are the registry's text, shown with SafeText.
import { api, BoardItem, MonitorBoard as Board } from "../api";
import { usePoll } from "../hooks";
import { formatNumber, formatTime, useI18n } from "../i18n";
import { navigate } from "../router";
import { SafeText } from "./SafeText";

export function monitorPath(systemId: string): string {
  return `/systems/${encodeURIComponent(systemId)}/monitor`;
}

// Down first, then unknown, then by name: what needs a look comes first.
function order(a: BoardItem, b: BoardItem): number {
  const rank = { down: 0, unknown: 1, up: 2 };
  return rank[a.state] - rank[b.state] || a.name.localeCompare(b.name);
}

export function StateBadge({ state }: { state: BoardItem["state"] }) {
  const { t } = useI18n();
  return <span className={`mon-state mon-${state}`}>{t(`mon.state.${state}`)}</span>;
}

export function CertDays({ days, verified }: { days: number | null; verified: boolean | null }) {
  const { t } = useI18n();
  if (days === null) return <span className="muted">—</span>;
  const bad = verified === false || days < 14;
  return (
    <span className={bad ? "mon-warn" : undefined}>
      {t("mon.days", { n: days })}
      {verified === false && ` · ${t("mon.cert_invalid")}`}
    </span>
  );
}

export function MonitorBoardPanel({ refreshSeconds = 30, limit }: { refreshSeconds?: number; limit?: number }) {
  const { t, lang } = useI18n();
  const board = usePoll((signal) => api<Board>("/monitor/board", { signal }), [], refreshSeconds * 1000);
  const items = [...(board.data?.items ?? [])].sort(order).slice(0, limit);
  const down = (board.data?.items ?? []).filter((i) => i.state === "down").length;
  return (
    <div data-testid="monitor-board">
      {board.error && (
        <p className="error">
          {t("common.error")}: {board.error}
        </p>
      )}
      {board.data && (
        <p className="muted" data-testid="monitor-summary">
          {t("mon.summary", { total: board.data.items.length, down })}
        </p>
      )}
      <table className="events mon-board">
        <thead>
          <tr>
            <th>{t("sys.name")}</th>
            <th>{t("mon.availability")}</th>
            <th>{t("mon.response")}</th>
            <th>{t("mon.certificate")}</th>
            <th>{t("mon.content")}</th>
            <th>{t("mon.open_alerts")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr
              key={i.system_id}
              className="clickable"
              data-testid="monitor-row"
              onClick={() => navigate(monitorPath(i.system_id))}
            >
              <td>
                <a
                  href={monitorPath(i.system_id)}
                  onClick={(e) => {
                    e.preventDefault();
                    e.stopPropagation();
                    navigate(monitorPath(i.system_id));
                  }}
                >
                  <SafeText text={i.name} />
                </a>
              </td>
              <td>
                <StateBadge state={i.state} />
              </td>
              <td>{i.response_ms === null ? "—" : `${formatNumber(lang, i.response_ms)} ms`}</td>
              <td>
                <CertDays days={i.cert_days_left} verified={i.cert_verified} />
              </td>
              <td>
                {i.last_content_check ? (
                  <>
                    {formatTime(lang, i.last_content_check.at)}{" "}
                    {i.last_content_check.findings > 0 ? (
                      <span className="mon-warn">{t("mon.findings", { n: i.last_content_check.findings })}</span>
                    ) : (
                      <span className="muted">{t("mon.clean")}</span>
                    )}
                  </>
                ) : (
                  <span className="muted">{t("mon.never")}</span>
                )}
              </td>
              <td className={i.open_alerts > 0 ? "mon-warn" : undefined}>{formatNumber(lang, i.open_alerts)}</td>
            </tr>
          ))}
          {board.data && items.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {t("mon.empty")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
