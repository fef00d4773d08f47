import { FormEvent, useEffect, useState } from "react";
import { api } from "../api";
import { useI18n } from "../i18n";

interface Enrolment {
  secret: string;
  uri: string;
  qr_svg: string;
}

// Enrolment of the second factor, which the user's role requires before anything else.
export function EnrolPage({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState("");
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    api<Enrolment>("/auth/totp/enrol", { method: "POST" })
      .then(setEnrolment)
      .catch((e) => setError(String(e.message ?? e)));
  }, []);

  async function confirm(e: FormEvent) {
    e.preventDefault();
    try {
      const r = await api<{ recovery_codes: string[] }>("/auth/totp/confirm", { method: "POST", body: { code } });
      setCodes(r.recovery_codes);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <div className="login">
      <form onSubmit={confirm} data-testid="enrol-form">
        <h2>{t("totp.title")}</h2>
        {codes ? (
          <>
            <p>{t("totp.recovery")}</p>
            <ul className="codes" data-testid="recovery-codes">
              {codes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
            <button type="button" onClick={onDone}>
              {t("totp.done")}
            </button>
          </>
        ) : (
          <>
            <p>{t("totp.explain")}</p>
            {enrolment && (
              <>
                {/* The server draws the QR code; shown as an image, never as markup. */}
                <img className="qr" alt="QR" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qr_svg)}`} />
                <p>
                  {t("totp.secret")}: <code data-testid="totp-secret">{enrolment.secret}</code>
                </p>
              </>
            )}
            <label>
              {t("totp.code")}
              <input name="code" inputMode="numeric" value={code} onChange={(e) => setCode(e.target.value)} />
            </label>
            <button type="submit">{t("totp.confirm")}</button>
          </>
        )}
        {error && <p className="error">{error}</p>}
      </form>
    </div>
  );
}
