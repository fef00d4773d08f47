import { FormEvent, useState } from "react";
import { api, ApiError, User } from "../api";
import { useI18n } from "../i18n";

export function LoginPage({ onLogin }: { onLogin: (u: User) => void }) {
  const { t, lang, setLang } = useI18n();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      const body: Record<string, string> = { username, password };
      if (totp) body.totp = totp;
      await api("/auth/login", { method: "POST", body, quietUnauthenticated: true });
      onLogin(await api<User>("/auth/me"));
    } catch (err) {
      // The server asks for the second factor only after the password was right.
      if (err instanceof ApiError && err.status === 401 && !totp && /second factor/.test(err.message)) {
        setNeedTotp(true);
        setError(t("login.totp_needed"));
      } else {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <form onSubmit={submit} data-testid="login-form">
        <h1>
          {t("app.name")}
          <small>{t("app.tagline")}</small>
        </h1>
        <h2>{t("login.title")}</h2>
        <label>
          {t("login.username")}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
        </label>
        <label>
          {t("login.password")}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {needTotp && (
          <label>
            {t("login.totp")}
            <input name="totp" autoComplete="one-time-code" inputMode="numeric" value={totp} onChange={(e) => setTotp(e.target.value)} autoFocus />
          </label>
        )}
        {error && (
          <p className="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t("login.submit")}
        </button>
        <button type="button" className="link" onClick={() => setLang(lang === "id" ? "en" : "id")}>
          {t("lang.switch")}
        </button>
      </form>
    </div>
  );
}
