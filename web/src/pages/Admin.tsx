// Administration: users and roles, API keys, log sources with their counters.
import { FormEvent, useState } from "react";
import { api, Page, User } from "../api";
import { SafeText } from "../components/SafeText";
import { useErrors, usePoll } from "../hooks";
import { formatNumber, formatTime, useI18n } from "../i18n";

interface UserRow {
  name: string;
  role: User["role"];
  disabled: boolean;
  totp_enrolled: boolean;
  created?: string;
}
interface KeyRow {
  name: string;
  scopes: string[];
  created?: string;
  disabled: boolean;
}
interface SourceRow {
  input: string;
  peer: string;
  dataset: string;
  host?: string;
  events: number;
  errors: number;
  first_seen?: string;
  last_seen?: string;
}

const ROLES: User["role"][] = ["analyst", "coordinator", "head", "admin"];
const SCOPES = ["ingest", "search", "triage", "status"];

export function AdminPage({ user }: { user: User }) {
  const { t } = useI18n();
  return (
    <div className="page admin">
      <h1>{t("nav.admin")}</h1>
      <Users me={user} />
      <Keys />
      <Sources />
    </div>
  );
}

function Users({ me }: { me: User }) {
  const { t } = useI18n();
  const list = usePoll((signal) => api<Page<UserRow>>("/users", { signal }), []);
  const { error, run } = useErrors();
  const [name, setName] = useState("");
  const [role, setRole] = useState<User["role"]>("analyst");
  const [password, setPassword] = useState("");
  const patch = (n: string, body: object) =>
    run(async () => {
      await api(`/users/${encodeURIComponent(n)}`, { method: "PATCH", body });
      list.reload();
    });
  const add = (e: FormEvent) => {
    e.preventDefault();
    run(async () => {
      await api("/users", { method: "POST", body: { name, role, password } });
      setName("");
      setPassword("");
      list.reload();
    });
  };
  return (
    <section className="panel" data-testid="admin-users">
      <h2>{t("admin.users")}</h2>
      {(error || list.error) && <p className="error">{error || list.error}</p>}
      <table className="events">
        <thead>
          <tr>
            <th>{t("admin.name")}</th>
            <th>{t("admin.role")}</th>
            <th>{t("admin.totp")}</th>
            <th>{t("admin.disabled")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((u) => (
            <tr key={u.name}>
              <td>
                <SafeText text={u.name} />
              </td>
              <td>
                <select
                  value={u.role}
                  disabled={u.name === me.name}
                  onChange={(e) => patch(u.name, { role: e.target.value })}
                  aria-label={`${t("admin.role")} ${u.name}`}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(`role.${r}`)}
                    </option>
                  ))}
                </select>
              </td>
              <td>{u.totp_enrolled ? t("admin.yes") : t("admin.no")}</td>
              <td>{u.disabled ? t("admin.yes") : t("admin.no")}</td>
              <td>
                {u.name !== me.name && (
                  <button type="button" onClick={() => patch(u.name, { disabled: !u.disabled })}>
                    {u.disabled ? t("admin.enable") : t("admin.disable")}
                  </button>
                )}
                {u.totp_enrolled && (
                  <button type="button" onClick={() => patch(u.name, { reset_totp: true })}>
                    {t("admin.reset_totp")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline" onSubmit={add} data-testid="add-user">
        <input placeholder={t("admin.name")} value={name} onChange={(e) => setName(e.target.value)} required />
        <select value={role} onChange={(e) => setRole(e.target.value as User["role"])}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
        <input
          type="password"
          autoComplete="new-password"
          placeholder={t("login.password")}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <button type="submit">{t("admin.add_user")}</button>
      </form>
    </section>
  );
}

function Keys() {
  const { t } = useI18n();
  const list = usePoll((signal) => api<Page<KeyRow>>("/apikeys", { signal }), []);
  const { error, run } = useErrors();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>(["ingest"]);
  const [secret, setSecret] = useState("");
  const add = (e: FormEvent) => {
    e.preventDefault();
    run(async () => {
      const k = await api<{ key: string }>("/apikeys", { method: "POST", body: { name, scopes } });
      setSecret(k.key);
      setName("");
      list.reload();
    });
  };
  return (
    <section className="panel" data-testid="admin-keys">
      <h2>{t("admin.keys")}</h2>
      {(error || list.error) && <p className="error">{error || list.error}</p>}
      {secret && (
        <p className="notice">
          {t("admin.key_once")} <code data-testid="new-key">{secret}</code>
        </p>
      )}
      <table className="events">
        <thead>
          <tr>
            <th>{t("admin.name")}</th>
            <th>{t("admin.scopes")}</th>
            <th>{t("admin.created")}</th>
            <th>{t("admin.disabled")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((k) => (
            <tr key={k.name}>
              <td>
                <SafeText text={k.name} />
              </td>
              <td>{k.scopes.join(", ")}</td>
              <td>{k.created ?? ""}</td>
              <td>{k.disabled ? t("admin.yes") : t("admin.no")}</td>
              <td>
                {!k.disabled && (
                  <button
                    type="button"
                    onClick={() =>
                      run(async () => {
                        await api(`/apikeys/${encodeURIComponent(k.name)}`, { method: "DELETE" });
                        list.reload();
                      })
                    }
                  >
                    {t("admin.disable")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline" onSubmit={add}>
        <input placeholder={t("admin.name")} value={name} onChange={(e) => setName(e.target.value)} required />
        {SCOPES.map((s) => (
          <label key={s}>
            <input
              type="checkbox"
              checked={scopes.includes(s)}
              onChange={(e) => setScopes((list) => (e.target.checked ? [...list, s] : list.filter((x) => x !== s)))}
            />{" "}
            {s}
          </label>
        ))}
        <button type="submit">{t("admin.add_key")}</button>
      </form>
    </section>
  );
}

function Sources() {
  const { t, lang } = useI18n();
  const list = usePoll((signal) => api<Page<SourceRow>>("/sources", { signal }), [], 10000);
  return (
    <section className="panel" data-testid="admin-sources">
      <h2>{t("admin.sources")}</h2>
      {list.error && <p className="error">{list.error}</p>}
      <table className="events">
        <thead>
          <tr>
            <th>{t("admin.input")}</th>
            <th>{t("admin.peer")}</th>
            <th>dataset</th>
            <th>host</th>
            <th>{t("admin.events")}</th>
            <th>{t("admin.errors")}</th>
            <th>{t("alerts.last_seen")}</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((s, i) => (
            <tr key={i}>
              <td>{s.input}</td>
              <td>
                <SafeText text={s.peer} />
              </td>
              <td>
                <SafeText text={s.dataset} />
              </td>
              <td>
                <SafeText text={s.host ?? ""} />
              </td>
              <td className="num">{formatNumber(lang, s.events)}</td>
              <td className="num">{formatNumber(lang, s.errors)}</td>
              <td className="nowrap">{s.last_seen ? formatTime(lang, s.last_seen) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
