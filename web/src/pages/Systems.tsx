// The registry of electronic systems (Sistem Elektronik): everyone reads it, admins register,
// change, delete, import and export systems (docs/systems.md). Every value is the registry's
// text, shown with SafeText.
import { FormEvent, useState } from "react";
import {
  api,
  canManageSystems,
  CRITICALITIES,
  csrfHeader,
  ElectronicSystem,
  Page,
  SYSTEM_STATUSES,
  User,
} from "../api";
import { SafeText } from "../components/SafeText";
import { monitorPath } from "../components/MonitorBoard";
import { navigate } from "../router";
import { useErrors, usePoll } from "../hooks";
import { useI18n } from "../i18n";

type Form = {
  name: string;
  agency: string;
  head_name: string;
  head_title: string;
  emails: string;
  phones: string;
  chat: string;
  urls: string;
  hosts: string;
  ips: string;
  cms: string;
  cms_version: string;
  server: string;
  criticality: ElectronicSystem["criticality"];
  status: ElectronicSystem["status"];
  check_interval_s: string;
  crawl_pages: string;
  public_status: boolean;
};

const EMPTY: Form = {
  name: "",
  agency: "",
  head_name: "",
  head_title: "",
  emails: "",
  phones: "",
  chat: "",
  urls: "",
  hosts: "",
  ips: "",
  cms: "",
  cms_version: "",
  server: "",
  criticality: "medium",
  status: "active",
  check_interval_s: "300",
  crawl_pages: "20",
  public_status: false,
};

function formOf(s: ElectronicSystem): Form {
  return {
    name: s.name,
    agency: s.operator.agency,
    head_name: s.operator.head_name,
    head_title: s.operator.head_title,
    emails: s.operator.emails.join("\n"),
    phones: s.operator.phones.join("\n"),
    chat: s.operator.chat.join("\n"),
    urls: s.urls.join("\n"),
    hosts: s.hosts.join("\n"),
    ips: s.ips.join("\n"),
    cms: s.technology.cms,
    cms_version: s.technology.cms_version,
    server: s.technology.server,
    criticality: s.criticality,
    status: s.status,
    check_interval_s: String(s.check_interval_s),
    crawl_pages: String(s.crawl_pages),
    public_status: s.public_status,
  };
}

// One item a line; the server trims them and drops empty ones.
function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

function bodyOf(f: Form) {
  return {
    name: f.name,
    operator: {
      agency: f.agency,
      head_name: f.head_name,
      head_title: f.head_title,
      emails: lines(f.emails),
      phones: lines(f.phones),
      chat: lines(f.chat),
    },
    urls: lines(f.urls),
    hosts: lines(f.hosts),
    ips: lines(f.ips),
    technology: { cms: f.cms, cms_version: f.cms_version, server: f.server },
    criticality: f.criticality,
    status: f.status,
    check_interval_s: Number(f.check_interval_s),
    crawl_pages: Number(f.crawl_pages),
    public_status: f.public_status,
  };
}

export function SystemsPage({ user }: { user: User }) {
  const { t } = useI18n();
  const list = usePoll((signal) => api<Page<ElectronicSystem>>("/systems", { signal }), []);
  const admin = canManageSystems(user);
  // null: no form; "": a new system; else the id being changed.
  const [editing, setEditing] = useState<string | null>(null);
  const { error, run } = useErrors();
  const remove = (s: ElectronicSystem) => {
    if (!window.confirm(t("sys.confirm_delete", { name: s.name }))) return;
    run(async () => {
      await api(`/systems/${encodeURIComponent(s.id)}`, { method: "DELETE" });
      list.reload();
    });
  };
  const items = list.data?.items ?? [];
  return (
    <div className="page systems" data-testid="systems-page">
      <div className="toolbar">
        <h1>{t("sys.title")}</h1>
        <a className="button" href="/api/v1/systems.csv" download data-testid="systems-export">
          {t("sys.export")}
        </a>
        {admin && editing === null && (
          <button type="button" onClick={() => setEditing("")} data-testid="system-new">
            {t("sys.add")}
          </button>
        )}
      </div>
      <p className="muted">{t("sys.explain")}</p>
      {(error || list.error) && (
        <p className="error" role="alert">
          {error || list.error}
        </p>
      )}
      {admin && editing !== null && (
        <SystemForm
          key={editing}
          system={items.find((s) => s.id === editing)}
          onDone={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
      {admin && <ImportForm onImported={list.reload} />}
      <section className="panel">
        {items.length === 0 && list.data && <p className="muted">{t("sys.empty")}</p>}
        <table className="events" data-testid="systems-table">
          <thead>
            <tr>
              <th>{t("sys.name")}</th>
              <th>{t("sys.operator")}</th>
              <th>{t("sys.address")}</th>
              <th>{t("sys.technology")}</th>
              <th>{t("sys.criticality")}</th>
              <th>{t("sys.status")}</th>
              {admin && <th />}
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id} data-testid="system-row">
                <td>
                  <strong>
                    <SafeText text={s.name} />
                  </strong>
                </td>
                <td>
                  <SafeText text={s.operator.agency} />
                  {(s.operator.head_name || s.operator.head_title) && (
                    <div className="muted">
                      <SafeText text={[s.operator.head_name, s.operator.head_title].filter(Boolean).join(", ")} />
                    </div>
                  )}
                  {[...s.operator.emails, ...s.operator.phones, ...s.operator.chat].map((c, i) => (
                    <div key={i} className="muted">
                      <SafeText text={c} />
                    </div>
                  ))}
                </td>
                <td>
                  {[...s.urls, ...s.hosts, ...s.ips].map((a, i) => (
                    <span key={i} className="tag">
                      <SafeText text={a} />
                    </span>
                  ))}
                </td>
                <td>
                  <SafeText
                    text={[[s.technology.cms, s.technology.cms_version].filter(Boolean).join(" "), s.technology.server]
                      .filter(Boolean)
                      .join(" · ")}
                  />
                </td>
                <td>
                  <span className={`crit crit-${s.criticality}`}>{t(`crit.${s.criticality}`)}</span>
                </td>
                <td>
                  {t(`sysstatus.${s.status}`)}
                  {s.urls.length > 0 && s.status !== "retired" && (
                    <div>
                      <a
                        href={monitorPath(s.id)}
                        data-testid="system-monitor"
                        onClick={(e) => {
                          e.preventDefault();
                          navigate(monitorPath(s.id));
                        }}
                      >
                        {t("mon.title")}
                      </a>
                    </div>
                  )}
                </td>
                {admin && (
                  <td className="nowrap">
                    <button type="button" onClick={() => setEditing(s.id)} data-testid="system-edit">
                      {t("sys.edit")}
                    </button>
                    <button type="button" onClick={() => remove(s)} data-testid="system-delete">
                      {t("sys.delete")}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}

function SystemForm({ system, onDone }: { system?: ElectronicSystem; onDone: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState<Form>(system ? formOf(system) : EMPTY);
  const { error, run } = useErrors();
  const set = (k: keyof Form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(async () => {
      if (system) {
        await api(`/systems/${encodeURIComponent(system.id)}`, { method: "PUT", body: bodyOf(form) });
      } else {
        await api("/systems", { method: "POST", body: bodyOf(form) });
      }
      onDone();
    });
  };
  const text = (k: Exclude<keyof Form, "public_status">, label: string, required = false) => (
    <label>
      {label}
      <input name={k} value={form[k]} onChange={set(k)} required={required} />
    </label>
  );
  const list = (k: Exclude<keyof Form, "public_status">, label: string) => (
    <label>
      {label} <small className="muted">({t("sys.one_per_line")})</small>
      <textarea name={k} rows={2} value={form[k]} onChange={set(k)} />
    </label>
  );
  return (
    <form className="panel system-form" onSubmit={submit} data-testid="system-form">
      <h2>{system ? t("sys.edit") : t("sys.add")}</h2>
      {error && (
        <p className="error" role="alert" data-testid="system-error">
          {error}
        </p>
      )}
      <div className="form-grid">
        {text("name", t("sys.name"), true)}
        {text("agency", t("sys.agency"), true)}
        {text("head_name", t("sys.head_name"))}
        {text("head_title", t("sys.head_title"))}
        {list("emails", t("sys.emails"))}
        {list("phones", t("sys.phones"))}
        {list("chat", t("sys.chat"))}
        {list("urls", t("sys.urls"))}
        {list("hosts", t("sys.hosts"))}
        {list("ips", t("sys.ips"))}
        {text("cms", t("sys.cms"))}
        {text("cms_version", t("sys.cms_version"))}
        {text("server", t("sys.server"))}
        <label>
          {t("sys.criticality")}
          <select name="criticality" value={form.criticality} onChange={set("criticality")}>
            {CRITICALITIES.map((c) => (
              <option key={c} value={c}>
                {t(`crit.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("sys.status")}
          <select name="status" value={form.status} onChange={set("status")}>
            {SYSTEM_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`sysstatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("sys.interval")}
          <input name="check_interval_s" type="number" min={30} max={86400} value={form.check_interval_s} onChange={set("check_interval_s")} />
        </label>
        <label>
          {t("sys.crawl_pages")}
          <input name="crawl_pages" type="number" min={0} max={200} value={form.crawl_pages} onChange={set("crawl_pages")} />
        </label>
        <label className="check">
          <input
            name="public_status"
            type="checkbox"
            checked={form.public_status}
            onChange={(e) => setForm((f) => ({ ...f, public_status: e.target.checked }))}
          />{" "}
          {t("sys.public_status")}
        </label>
      </div>
      <button type="submit" data-testid="system-save">
        {t("sys.save")}
      </button>
      <button type="button" onClick={onDone}>
        {t("sys.cancel")}
      </button>
    </form>
  );
}

interface ImportProblem {
  line: number;
  message: string;
}

function ImportForm({ onImported }: { onImported: () => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [done, setDone] = useState("");
  const [problems, setProblems] = useState<ImportProblem[]>([]);
  const { error, run } = useErrors();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setDone("");
    setProblems([]);
    run(async () => {
      const res = await fetch("/api/v1/systems/import", {
        method: "POST",
        body: file,
        headers: { ...csrfHeader(), "Content-Type": "text/csv" },
        credentials: "same-origin",
      });
      const j = await res.json().catch(() => null);
      if (!res.ok) {
        setProblems(j?.error?.lines ?? []);
        throw new Error(j?.error?.message ?? `HTTP ${res.status}`);
      }
      setDone(t("sys.import_done", { created: j.created, updated: j.updated }));
      onImported();
    });
  };
  return (
    <form className="panel inline" onSubmit={submit} data-testid="systems-import">
      <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      <button type="submit" disabled={!file}>
        {t("sys.import")}
      </button>
      {done && <p className="notice">{done}</p>}
      {error && (
        <div className="error" role="alert" data-testid="import-error">
          {problems.length > 0 ? t("sys.import_lines") : <SafeText text={error} />}
          {problems.length > 0 && (
            <ul>
              {problems.map((p, i) => (
                <li key={i}>
                  {t("sys.line", { n: p.line })}: <SafeText text={p.message} />
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
