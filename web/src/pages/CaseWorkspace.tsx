// A case's investigation workspace (SOP steps 4-5): timeline, notes with revisions, evidence with
// its chain of custody, and the attack reference. Everything shown here may hold log content or
// what people pasted: it is rendered as text, notes included (their Markdown source is shown as
// written, never as HTML).
import { FormEvent, useEffect, useState } from "react";
import { api, csrfHeader, Page, params } from "../api";
import { SafeText } from "../components/SafeText";
import { useErrors, usePoll } from "../hooks";
import { formatNumber, formatTime, Lang, useI18n } from "../i18n";
import { navigate } from "../router";
import { isoOf } from "../time";

type Bilingual = { id: string; en: string };
type BilingualList = { id: string[]; en: string[] };

interface TimelineItem {
  time: string;
  kind: "event" | "alert" | "state" | "verdict" | "note" | "manual";
  summary: string;
  event_id?: string;
  actor?: string;
}
interface Note {
  id: string;
  kind: string;
  title: string;
  body: string;
  withdrawn: boolean;
  revisions: number;
  created_by: string;
  updated_by: string;
  updated: string;
}
interface Evidence {
  id: string;
  kind: "file" | "text";
  name: string;
  media_type: string;
  size: number;
  sha256: string;
  description: string;
  added_by: string;
  added: string;
  scans?: EvidenceScan[];
}
// One engine's malware scan (POST .../evidence/{eid}/scan); rule names and messages come from
// rule files and the server and are shown as text.
interface EvidenceScan {
  engine: string;
  version: string;
  signatures: number;
  status: "ok" | "no_signatures" | "timeout" | "failed";
  message: string;
  matches: { rule: string; tags: string[]; offset?: number; description?: string }[];
  started: string;
  ended: string;
  actor: string;
}
interface AttackEntry {
  id: string;
  kind: string;
  name: Bilingual;
  description: Bilingual;
  indicators: BilingualList;
  mitigations: BilingualList;
  url?: string | null;
  matched_by?: string;
}

const NOTE_KINDS = ["attack_form", "attack_scheme", "root_cause", "impact", "mitigation", "handling", "general"] as const;

// Items per page of the timeline; the server pages it by a cursor that names the last item read,
// so items added meanwhile neither repeat nor hide one.
const TIMELINE_PAGE = 200;

export function TimelineTab({ caseId, open }: { caseId: string; open: boolean }) {
  const { t, lang } = useI18n();
  const [version, setVersion] = useState(0);
  const path = `/cases/${encodeURIComponent(caseId)}/timeline`;
  const list = usePoll(
    (signal) => api<Page<TimelineItem>>(`${path}${params({ limit: TIMELINE_PAGE })}`, { signal }),
    [caseId, version],
  );
  // The pages after the first, read on request; a new first page starts over.
  const [extra, setExtra] = useState<TimelineItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    setExtra([]);
    setCursor(list.data?.next_cursor ?? null);
  }, [list.data]);
  const items = [...(list.data?.items ?? []), ...extra];
  const [when, setWhen] = useState("");
  const [text, setText] = useState("");
  const { error, run } = useErrors();
  const loadMore = () => {
    if (!cursor || loading) return;
    setLoading(true);
    run(async () => {
      try {
        const more = await api<Page<TimelineItem>>(`${path}${params({ limit: TIMELINE_PAGE, cursor })}`);
        setExtra((e) => [...e, ...more.items]);
        setCursor(more.next_cursor);
      } finally {
        setLoading(false);
      }
    });
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    const ms = when ? Date.parse(when) : Date.now();
    run(async () => {
      await api(path, { method: "POST", body: { time: isoOf(ms), text } });
      setText("");
      setVersion((v) => v + 1);
    });
  };
  return (
    <section className="panel" data-testid="case-timeline">
      {open && (
        <form className="inline" onSubmit={add}>
          <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} aria-label={t("case.entered")} />
          <input
            className="grow"
            placeholder={t("ws.timeline_add")}
            value={text}
            onChange={(e) => setText(e.target.value)}
            required
            data-testid="timeline-text"
          />
          <button type="submit">{t("common.save")}</button>
        </form>
      )}
      {(error || list.error) && <p className="error">{error || list.error}</p>}
      <ul className="timeline">
        {items.map((item, i) => (
          <li key={i} className={`tl-${item.kind}`}>
            <span className="nowrap muted">{formatTime(lang, item.time)}</span>{" "}
            <span className="tag">{t(`ws.kind.${item.kind}`)}</span>{" "}
            {item.event_id ? (
              <a
                href={`/search?event=${encodeURIComponent(item.event_id)}`}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(`/search?event=${encodeURIComponent(item.event_id!)}`);
                }}
              >
                <SafeText text={item.summary} />
              </a>
            ) : (
              <SafeText text={item.summary} />
            )}
            {item.actor && (
              <span className="muted">
                {" "}
                · <SafeText text={item.actor} />
              </span>
            )}
          </li>
        ))}
      </ul>
      {list.data && (
        <p className="muted" data-testid="timeline-count">
          {t("ws.timeline_shown", { n: formatNumber(lang, items.length), total: formatNumber(lang, list.data.total) })}
        </p>
      )}
      {cursor && (
        <button type="button" onClick={loadMore} disabled={loading} data-testid="timeline-more">
          {t("common.more")}
        </button>
      )}
    </section>
  );
}

export function NotesTab({ caseId, open }: { caseId: string; open: boolean }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const list = usePoll(
    (signal) => api<Page<Note>>(`/cases/${encodeURIComponent(caseId)}/notes`, { signal }),
    [caseId, version],
  );
  const [kind, setKind] = useState<string>("attack_form");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const { error, run } = useErrors();
  const reload = () => setVersion((v) => v + 1);
  const add = (e: FormEvent) => {
    e.preventDefault();
    run(async () => {
      await api(`/cases/${encodeURIComponent(caseId)}/notes`, { method: "POST", body: { kind, title, body } });
      setTitle("");
      setBody("");
      reload();
    });
  };
  return (
    <section className="panel" data-testid="case-notes">
      {(error || list.error) && <p className="error">{error || list.error}</p>}
      {(list.data?.items ?? []).map((n) => (
        <NoteView key={n.id} caseId={caseId} note={n} open={open} onChanged={reload} />
      ))}
      {open && (
        <form className="note-form" onSubmit={add} data-testid="note-form">
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            {NOTE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`ws.note.${k}`)}
              </option>
            ))}
          </select>
          <input placeholder={t("case.title")} value={title} onChange={(e) => setTitle(e.target.value)} required />
          <textarea placeholder="Markdown" value={body} onChange={(e) => setBody(e.target.value)} rows={6} />
          <button type="submit">{t("ws.note_add")}</button>
        </form>
      )}
    </section>
  );
}

function NoteView({ caseId, note, open, onChanged }: { caseId: string; note: Note; open: boolean; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(note.body);
  const { error, run } = useErrors();
  const put = (change: object) =>
    run(async () => {
      await api(`/cases/${encodeURIComponent(caseId)}/notes/${encodeURIComponent(note.id)}`, {
        method: "PUT",
        body: { ...change, base_revision: note.revisions },
      });
      setEditing(false);
      onChanged();
    });
  return (
    <article className={note.withdrawn ? "note withdrawn" : "note"} data-testid="note">
      <h3>
        <span className="tag">{t(`ws.note.${note.kind as (typeof NOTE_KINDS)[number]}`)}</span> <SafeText text={note.title} />
      </h3>
      <p className="muted">
        <SafeText text={note.updated_by} /> · {formatTime(lang, note.updated)} · {t("ws.revisions", { n: note.revisions })}
        {note.withdrawn && ` · ${t("ws.withdrawn")}`}
      </p>
      {editing ? (
        <>
          <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={8} className="wide" />
          <span className="actions">
            <button type="button" onClick={() => put({ body })} data-testid="note-save">
              {t("common.save")}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t("common.cancel")}
            </button>
          </span>
        </>
      ) : (
        <pre className="note-body">
          <SafeText text={note.body} />
        </pre>
      )}
      {open && !editing && (
        <span className="actions">
          <button type="button" onClick={() => setEditing(true)} data-testid="note-edit">
            {t("ws.edit")}
          </button>
          <button type="button" onClick={() => put({ withdrawn: !note.withdrawn })}>
            {note.withdrawn ? t("ws.restore") : t("ws.withdraw")}
          </button>
        </span>
      )}
      {error && <p className="error">{error}</p>}
    </article>
  );
}

export function EvidenceTab({ caseId, open }: { caseId: string; open: boolean }) {
  const { t, lang } = useI18n();
  const [version, setVersion] = useState(0);
  const list = usePoll(
    (signal) => api<Page<Evidence>>(`/cases/${encodeURIComponent(caseId)}/evidence`, { signal }),
    [caseId, version],
  );
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState("");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const { error, run } = useErrors();
  const upload = (e: FormEvent) => {
    e.preventDefault();
    const content: Blob | string | null = file ?? (pasted ? pasted : null);
    if (!content) return;
    run(async () => {
      const res = await fetch(
        `/api/v1/cases/${encodeURIComponent(caseId)}/evidence${params({
          name: file ? file.name : name || "pasted-text.txt",
          description,
          kind: file ? "file" : "text",
        })}`,
        { method: "POST", body: content, headers: csrfHeader(), credentials: "same-origin" },
      );
      if (!res.ok) {
        const j = await res.json().catch(() => null);
        throw new Error(j?.error?.message ?? `HTTP ${res.status}`);
      }
      setFile(null);
      setPasted("");
      setName("");
      setDescription("");
      setVersion((v) => v + 1);
    });
  };
  // One scan at a time from this page: the server allows two at once for everyone.
  const [scanning, setScanning] = useState<string | null>(null);
  const scan = (id: string) => {
    setScanning(id);
    run(async () => {
      try {
        await api(`/cases/${encodeURIComponent(caseId)}/evidence/${encodeURIComponent(id)}/scan`, {
          method: "POST",
        });
        setVersion((v) => v + 1);
      } finally {
        setScanning(null);
      }
    });
  };
  return (
    <section className="panel" data-testid="case-evidence">
      {(error || list.error) && <p className="error">{error || list.error}</p>}
      <table className="events">
        <thead>
          <tr>
            <th>{t("admin.name")}</th>
            <th>{t("ws.type")}</th>
            <th>{t("ws.size")}</th>
            <th>SHA-256</th>
            <th>{t("case.actor")}</th>
            <th>{t("case.created")}</th>
            <th>{t("ws.scans")}</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((ev) => (
            <tr key={ev.id} data-testid="evidence-row">
              <td>
                <a href={`/api/v1/cases/${encodeURIComponent(caseId)}/evidence/${encodeURIComponent(ev.id)}/content`} download>
                  <SafeText text={ev.name} />
                </a>
                {ev.description && (
                  <div className="muted">
                    <SafeText text={ev.description} />
                  </div>
                )}
              </td>
              <td>{ev.media_type}</td>
              <td className="num">{formatNumber(lang, ev.size)}</td>
              <td>
                <code className="hash">{ev.sha256}</code>
              </td>
              <td>
                <SafeText text={ev.added_by} />
              </td>
              <td className="nowrap">{formatTime(lang, ev.added)}</td>
              <td data-testid="evidence-scans">
                <LatestScans scans={ev.scans ?? []} />
                <button
                  type="button"
                  disabled={scanning !== null}
                  onClick={() => scan(ev.id)}
                  data-testid="evidence-scan"
                >
                  {scanning === ev.id ? t("ws.scanning") : t("ws.scan")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open && (
        <form className="note-form" onSubmit={upload} data-testid="evidence-form">
          <input type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="evidence-file" />
          <textarea
            placeholder={t("ws.paste")}
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            rows={3}
            disabled={file !== null}
            data-testid="evidence-text"
          />
          {!file && <input placeholder={t("admin.name")} value={name} onChange={(e) => setName(e.target.value)} />}
          <input placeholder={t("case.description")} value={description} onChange={(e) => setDescription(e.target.value)} />
          <button type="submit">{t("ws.evidence_add")}</button>
        </form>
      )}
    </section>
  );
}

// The latest scan of each engine: the status, and the matches or "clean".
function LatestScans({ scans }: { scans: EvidenceScan[] }) {
  const { t, lang } = useI18n();
  const latest = new Map<string, EvidenceScan>();
  for (const s of scans) latest.set(s.engine, s);
  if (latest.size === 0) return <div className="muted">{t("ws.scan_never")}</div>;
  return (
    <ul className="scan-results">
      {[...latest.values()].map((s) => (
        <li key={s.engine} data-testid={`scan-${s.engine}`}>
          <strong>{s.engine === "yara" ? "YARA" : "ClamAV"}</strong>{" "}
          <span className="muted">
            {s.version} · {formatNumber(lang, s.signatures)} {t("ws.scan_signatures")} · {formatTime(lang, s.ended)}
          </span>{" "}
          {s.status === "ok" && s.matches.length === 0 && <span className="state">{t("ws.scan_clean")}</span>}
          {s.status !== "ok" && <span className="state state-closed">{t(`ws.scan_status_${s.status}`)}</span>}
          {s.matches.length > 0 && (
            <ul data-testid="scan-matches">
              {s.matches.map((m, i) => (
                <li key={i} className="error">
                  <code>
                    <SafeText text={m.rule} />
                  </code>
                  {m.tags.length > 0 && <span className="muted"> [{m.tags.join(", ")}]</span>}
                  {m.offset !== undefined && (
                    <span className="muted">
                      {" "}
                      {t("ws.scan_offset")} {formatNumber(lang, m.offset)}
                    </span>
                  )}
                  {m.description && (
                    <div className="muted">
                      <SafeText text={m.description} />
                    </div>
                  )}
                </li>
              ))}
            </ul>
          )}
          {s.message && (
            <div className="muted">
              <SafeText text={s.message} />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

function pick<T>(lang: Lang, v: { id: T; en: T }): T {
  return lang === "en" ? v.en : v.id;
}

export function AttackTab({ caseId }: { caseId: string }) {
  const { t, lang } = useI18n();
  const list = usePoll(
    (signal) => api<Page<AttackEntry> & { missing?: string[] }>(`/cases/${encodeURIComponent(caseId)}/attack`, { signal }),
    [caseId],
  );
  return (
    <section className="panel" data-testid="case-attack">
      {list.error && <p className="error">{list.error}</p>}
      {(list.data?.items ?? []).map((a) => (
        <article key={a.id} className="attack-entry">
          <h3>
            <code>{a.id}</code> {pick(lang, a.name)}{" "}
            {a.url && (
              <a href={a.url} target="_blank" rel="noopener noreferrer">
                ATT&CK
              </a>
            )}
          </h3>
          <p>{pick(lang, a.description)}</p>
          <h4>{t("ws.indicators")}</h4>
          <ul>
            {pick(lang, a.indicators).map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ul>
          <h4>{t("ws.mitigations")}</h4>
          <ul>
            {pick(lang, a.mitigations).map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ul>
        </article>
      ))}
      {list.data && list.data.items.length === 0 && <p className="muted">{t("common.none")}</p>}
    </section>
  );
}
