// The case's documents (SOP steps 6-10): every version of its incident report or work report,
// frozen when submitted, the notification letter, who signed each and when, their hashes and
// public verify links, a preview of the report as it would be frozen now, and the letters and
// messages sent to the system's operator.
import { api, CaseDocument, Dispatch, Page } from "../api";
import { SafeText } from "../components/SafeText";
import { usePoll } from "../hooks";
import { formatTime, useI18n } from "../i18n";

function DocumentRow({ d }: { d: CaseDocument }) {
  const { t, lang } = useI18n();
  return (
    <tr data-testid="document-row" className={d.state === "superseded" ? "muted" : undefined}>
      <td>
        {t(`doc.kind.${d.kind}`)} <span className="muted">v{d.version}</span>
      </td>
      <td className="nowrap" data-testid="document-number">{d.number ?? "—"}</td>
      <td>
        <span className={`doc-state doc-${d.state}`} data-testid="document-state">
          {t(`doc.state.${d.state}`)}
        </span>
        {d.signed_at && (
          <div className="muted">
            <SafeText text={d.signer_name ?? d.signed_by ?? ""} /> · {formatTime(lang, d.signed_at)}
            {d.signer_certified === false && (
              <div className="warning" data-testid="document-uncertified">
                {t("doc.uncertified")}
              </div>
            )}
          </div>
        )}
      </td>
      <td className="muted">
        <SafeText text={d.created_by} /> · {formatTime(lang, d.created)}
      </td>
      <td>
        <code className="hash" title={d.signed_sha256 ?? d.draft_sha256}>
          {(d.signed_sha256 ?? d.draft_sha256).slice(0, 16)}…
        </code>
      </td>
      <td className="links">
        <a href={`/api/v1/documents/${encodeURIComponent(d.id)}.pdf`} target="_blank" rel="noopener" data-testid="document-pdf">
          PDF
        </a>
        {d.state === "signed" && (
          <>
            {" · "}
            <a href={`/api/v1/documents/${encodeURIComponent(d.id)}.pdf?draft=1`} target="_blank" rel="noopener">
              {t("doc.draft")}
            </a>
            {" · "}
            <a href={`/api/v1/verify/${encodeURIComponent(d.id)}`} target="_blank" rel="noopener" data-testid="document-verify">
              {t("doc.verify")}
            </a>
          </>
        )}
      </td>
    </tr>
  );
}

export function DocumentsTab({ caseId }: { caseId: string }) {
  const { t, lang } = useI18n();
  const docs = usePoll(
    (signal) => api<Page<CaseDocument>>(`/cases/${encodeURIComponent(caseId)}/documents`, { signal }),
    [caseId],
    10000,
  );
  const sent = usePoll(
    (signal) => api<Page<Dispatch>>(`/cases/${encodeURIComponent(caseId)}/dispatches`, { signal }),
    [caseId],
    10000,
  );
  const id = encodeURIComponent(caseId);
  return (
    <section className="panel" data-testid="case-documents">
      <h2>{t("ws.documents")}</h2>
      <p className="muted">{t("doc.help")}</p>
      <p>
        <a href={`/api/v1/cases/${id}/report.pdf?preview=1`} target="_blank" rel="noopener" data-testid="document-preview">
          {t("doc.preview")}
        </a>
      </p>
      {docs.error && <p className="error">{docs.error}</p>}
      {docs.data && docs.data.items.length === 0 && <p className="muted">{t("doc.none")}</p>}
      {docs.data && docs.data.items.length > 0 && (
        <table className="events" data-testid="documents">
          <thead>
            <tr>
              <th>{t("doc.document")}</th>
              <th>{t("doc.number")}</th>
              <th>{t("doc.signature")}</th>
              <th>{t("doc.made")}</th>
              <th>SHA-256</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {docs.data.items.map((d) => (
              <DocumentRow key={d.id} d={d} />
            ))}
          </tbody>
        </table>
      )}
      <h3>{t("doc.sent")}</h3>
      {sent.data && sent.data.items.length === 0 && <p className="muted">{t("doc.sent_none")}</p>}
      {sent.data && sent.data.items.length > 0 && (
        <table className="events" data-testid="dispatches">
          <thead>
            <tr>
              <th>{t("doc.when")}</th>
              <th>{t("doc.to")}</th>
              <th>{t("doc.subject")}</th>
              <th>{t("doc.result")}</th>
            </tr>
          </thead>
          <tbody>
            {sent.data.items.map((s) => (
              <tr key={s.id} data-testid="dispatch-row">
                <td>{formatTime(lang, s.sent_at ?? s.created_at)}</td>
                <td>
                  <SafeText text={s.target} />
                </td>
                <td>
                  <SafeText text={s.subject} />
                </td>
                <td>
                  <span className={`run-status run-${s.status}`} data-testid="dispatch-status">
                    {t(`doc.dispatch.${s.status}`)}
                  </span>
                  {s.attempts > 1 && <span className="muted"> · {t("doc.attempts", { n: s.attempts })}</span>}
                  {s.last_error && (
                    <div className="muted">
                      <SafeText text={s.last_error} />
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
